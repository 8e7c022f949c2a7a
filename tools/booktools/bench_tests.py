"""Benchmark the parallel test run against the serial one (`make bench`).

Runs the notebook part of the suite (`make test-notebooks`) once with
JOBS=1 (one notebook after another, every core for each kernel) and once
with the Makefile's default JOBS (one notebook per worker, the cores shared
out), in turns, on the same machine and in the same session, and prints the
wall times and their ratio.  Absolute times differ twofold between
machines; only the ratio measured side by side says what parallelism gains.
``--runs N`` repeats the pair and reports the median of each.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time


def wall_time(jobs):
    """Seconds that `make test-notebooks` takes; JOBS=jobs, or the default."""
    command = ["make", "--no-print-directory", "test-notebooks"]
    if jobs:
        command.append(f"JOBS={jobs}")
    print("$", " ".join(command), flush=True)
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    if result.returncode:
        sys.exit(
            f"{' '.join(command)} failed: the benchmark needs a green run"
        )
    print(f"  {seconds:.1f} s", flush=True)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="pairs to run")
    runs = parser.parse_args().runs
    serial, parallel = [], []
    for _ in range(runs):
        serial.append(wall_time(1))
        parallel.append(wall_time(None))
    serial_s, parallel_s = (
        statistics.median(serial),
        statistics.median(parallel),
    )
    print(f"cores: {os.cpu_count()}, runs: {runs} of each (medians)")
    print(f"serial   (JOBS=1):       {serial_s:7.1f} s")
    print(f"parallel (default JOBS): {parallel_s:7.1f} s")
    print(f"parallel / serial:       {parallel_s / serial_s:7.2f}")


if __name__ == "__main__":
    main()
