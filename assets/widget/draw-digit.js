// Chapter 3's draw-a-digit widget: the reader draws a digit, the widget
// prepares it as MNIST's digits were prepared (the chapter's
// `preparar_como_mnist`) and chapter 1's network, exported to ONNX by
// `make model`, answers in the browser with ONNX Runtime Web.  Everything
// is served by the book's own site: this module, the model, the runtime.
//
// The exported functions are the widget's own, and the browser tests call
// them: prepareLikeMnist, classify, roundHalfEven.

const HERE = new URL(".", import.meta.url);
const RUNTIME = new URL("../onnxruntime-web/", HERE);
const SIDE = 28; // MNIST's images are 28×28
const BOX = 20; // ...with the digit scaled into a 20×20 box
const STROKE = 18; // pen width, in pixels of the 280×280 drawing canvas

// ---------------------------------------------------------------------------
// MNIST preparation: the NumPy code of chapter 3, step by step.

// Python's round(): halves go to the even neighbour (round(4.5) == 4).
export function roundHalfEven(x) {
  const rounded = Math.round(x);
  const half = Math.abs(x % 1) === 0.5;
  return half && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

// `pesos_de_reduccion`: a (small × large) matrix whose rows average the
// pixels each output pixel covers, in fractions of a pixel.
function reductionWeights(large, small) {
  const weights = [];
  for (let row = 0; row < small; row++) {
    const start = row * (large / small);
    const end = row + 1 === small ? large : (row + 1) * (large / small);
    const covered = new Float64Array(large);
    let total = 0;
    for (let pixel = 0; pixel < large; pixel++) {
      const overlap = Math.min(end, pixel + 1) - Math.max(start, pixel);
      covered[pixel] = Math.min(Math.max(overlap, 0), 1);
      total += covered[pixel];
    }
    weights.push(covered.map((value) => value / total));
  }
  return weights;
}

// `reducir`: rows @ image @ columns.T, the image given as rows of values.
function shrink(image, height, width) {
  const rows = reductionWeights(image.length, height);
  const columns = reductionWeights(image[0].length, width);
  const byRows = rows.map((weights) => {
    const sum = new Float64Array(image[0].length);
    weights.forEach((weight, index) => {
      if (weight) image[index].forEach((value, c) => (sum[c] += weight * value));
    });
    return sum;
  });
  return byRows.map((row) =>
    columns.map((weights) => weights.reduce((s, w, c) => s + w * row[c], 0)),
  );
}

// `preparar_como_mnist`: `ink` holds width × height values from 0 to 255
// (0 where nothing was drawn).  Returns the 28×28 image, row after row, with
// values from 0 to 255, or null when nothing was drawn.
export function prepareLikeMnist(ink, width, height) {
  const usedRows = [];
  const usedColumns = new Set();
  for (let y = 0; y < height; y++) {
    let used = false;
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > 0) {
        used = true;
        usedColumns.add(x);
      }
    }
    if (used) usedRows.push(y);
  }
  if (usedRows.length === 0) return null;
  // The stroke's bounding box...
  const top = usedRows[0];
  const bottom = usedRows[usedRows.length - 1];
  const left = Math.min(...usedColumns);
  const right = Math.max(...usedColumns);
  const stroke = [];
  for (let y = top; y <= bottom; y++) {
    stroke.push(Array.from(ink.slice(y * width + left, y * width + right + 1)));
  }
  // ...scaled so that its longer side measures 20 pixels
  const scale = BOX / Math.max(stroke.length, stroke[0].length);
  const boxHeight = Math.max(1, roundHalfEven(stroke.length * scale));
  const boxWidth = Math.max(1, roundHalfEven(stroke[0].length * scale));
  const box = shrink(stroke, boxHeight, boxWidth);
  // Its centre of mass goes to the centre of the 28×28 image, (13.5, 13.5),
  // without the box leaving the image
  let mass = 0;
  let rowMoment = 0;
  let columnMoment = 0;
  box.forEach((row, y) =>
    row.forEach((value, x) => {
      mass += value;
      rowMoment += y * value;
      columnMoment += x * value;
    }),
  );
  const clip = (value, high) => Math.min(Math.max(value, 0), high);
  const up = clip(roundHalfEven(13.5 - rowMoment / mass), SIDE - boxHeight);
  const along = clip(roundHalfEven(13.5 - columnMoment / mass), SIDE - boxWidth);
  const image = new Float64Array(SIDE * SIDE);
  box.forEach((row, y) =>
    row.forEach((value, x) => (image[(up + y) * SIDE + along + x] = value)),
  );
  return image;
}

// ---------------------------------------------------------------------------
// The network, loaded once, on first need.

let network = null;
let queue = Promise.resolve();

function loadNetwork() {
  network ??= (async () => {
    const ort = await import(new URL("ort.wasm.bundle.min.mjs", RUNTIME).href);
    // The bundle holds the runtime's JavaScript; only the WebAssembly is apart
    ort.env.wasm.wasmPaths = {
      wasm: new URL("ort-wasm-simd-threaded.wasm", RUNTIME).href,
    };
    // One thread: a static site cannot offer the isolation threads need
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(
      new URL("model.onnx", HERE).href,
      { executionProviders: ["wasm"] },
    );
    return { ort, session };
  })();
  return network;
}

// The ten probabilities for one image: 784 values from 0 to 1, as chapter 1
// feeds its network.  Runs one at a time.
export function classify(pixels) {
  const run = async () => {
    const { ort, session } = await loadNetwork();
    const input = new ort.Tensor("float32", Float32Array.from(pixels), [1, 784]);
    const outputs = await session.run({ [session.inputNames[0]]: input });
    return Array.from(outputs[session.outputNames[0]].data);
  };
  const result = queue.then(run);
  queue = result.catch(() => {});
  return result;
}

// The MNIST test digits the buttons load, fetched once, on first need.
let examples = null;

function loadExamples() {
  examples ??= fetch(new URL("examples.json", HERE).href).then((response) =>
    response.json(),
  );
  return examples;
}

// ---------------------------------------------------------------------------
// The widget on the page.

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => values[name]);
}

// A probability as a percentage with one decimal, cut rather than rounded
// and never above 99.9: a softmax is never certain, even when float32
// rounds its largest output to 1.
function percent(template, probability) {
  const tenths = Math.min(999, Math.floor(1000 * probability));
  return fill(template, { value: (tenths / 10).toFixed(1) });
}

class Widget {
  constructor(root) {
    this.root = root;
    this.text = root.dataset;
    this.pad = root.querySelector(".draw-digit-pad");
    this.seen = root.querySelector(".draw-digit-seen");
    this.verdict = root.querySelector(".draw-digit-verdict");
    this.bars = [...root.querySelectorAll(".draw-digit-bars li")];
    this.context = this.pad.getContext("2d", { willReadFrequently: true });
    this.example = null; // the MNIST image loaded, until the reader draws
    this.image = null; // the 28×28 image shown, 0 to 255
    this.busy = false;
    this.again = false;
    this.listen();
    this.clear();
  }

  listen() {
    let last = null;
    const point = (event) => {
      const box = this.pad.getBoundingClientRect();
      return [
        ((event.clientX - box.left) * this.pad.width) / box.width,
        ((event.clientY - box.top) * this.pad.height) / box.height,
      ];
    };
    this.pad.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      this.pad.setPointerCapture(event.pointerId);
      this.example = null;
      last = point(event);
      this.dot(last);
      this.update();
    });
    this.pad.addEventListener("pointermove", (event) => {
      if (!last) return;
      const next = point(event);
      this.line(last, next);
      last = next;
      this.update();
    });
    const stop = () => {
      if (last) this.update();
      last = null;
    };
    this.pad.addEventListener("pointerup", stop);
    this.pad.addEventListener("pointercancel", stop);
    this.root
      .querySelector(".draw-digit-clear")
      .addEventListener("click", () => this.clear());
    this.root.querySelectorAll("[data-example]").forEach((button) =>
      button.addEventListener("click", () =>
        this.loadExample(Number(button.dataset.example)),
      ),
    );
    // The runtime (about 14 MB) downloads only when the widget is near
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          observer.disconnect();
          this.start();
        }
      },
      { rootMargin: "800px 0px" },
    );
    observer.observe(this.root);
    // The ink follows the theme: redrawn in the new text colour
    new MutationObserver(() => this.recolour()).observe(
      document.documentElement,
      { attributes: true, attributeFilter: ["data-theme"] },
    );
  }

  async start() {
    this.root.dataset.state = "loading";
    try {
      await loadNetwork();
      this.root.dataset.readyMs = String(Math.round(performance.now()));
      this.root.dataset.state = "ready";
      this.update();
    } catch (error) {
      this.root.dataset.state = "error";
      this.verdict.textContent = fill(this.text.failed, { error });
    }
  }

  ink() {
    const { width, height } = this.pad;
    const rgba = this.context.getImageData(0, 0, width, height).data;
    const alpha = new Uint8ClampedArray(width * height);
    for (let i = 0; i < alpha.length; i++) alpha[i] = rgba[4 * i + 3];
    return alpha;
  }

  colour() {
    return getComputedStyle(this.root).color;
  }

  line(from, to) {
    const context = this.context;
    context.strokeStyle = this.colour();
    context.lineWidth = STROKE;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.beginPath();
    context.moveTo(...from);
    context.lineTo(...to);
    context.stroke();
  }

  // Keep every pixel's opacity (what the network reads), change its colour
  recolour() {
    const context = this.context;
    context.save();
    context.globalCompositeOperation = "source-in";
    context.fillStyle = this.colour();
    context.fillRect(0, 0, this.pad.width, this.pad.height);
    context.restore();
    this.show(this.image);
  }

  // A tap leaves a round dot, as wide as the pen
  dot([x, y]) {
    this.context.fillStyle = this.colour();
    this.context.beginPath();
    this.context.arc(x, y, STROKE / 2, 0, 2 * Math.PI);
    this.context.fill();
  }

  clear() {
    this.example = null;
    this.context.clearRect(0, 0, this.pad.width, this.pad.height);
    this.update();
  }

  async loadExample(number) {
    const { pixels } = (await loadExamples())[number];
    // Drawn on the pad large, pixel by pixel; the network reads the image itself
    const image = this.context.createImageData(SIDE, SIDE);
    const scratch = document.createElement("canvas");
    scratch.width = scratch.height = SIDE;
    this.paint(image, pixels);
    scratch.getContext("2d").putImageData(image, 0, 0);
    this.context.clearRect(0, 0, this.pad.width, this.pad.height);
    this.context.imageSmoothingEnabled = false;
    this.context.drawImage(scratch, 0, 0, this.pad.width, this.pad.height);
    this.example = Float64Array.from(pixels);
    this.update();
  }

  // `values` (0 to 255) as the theme's ink colour, with matching opacity
  paint(image, values) {
    const [red, green, blue] = this.colour().match(/\d+/g).map(Number);
    values.forEach((value, i) => {
      image.data.set([red, green, blue, Math.round(value)], 4 * i);
    });
  }

  show(image) {
    this.image = image;
    const context = this.seen.getContext("2d");
    context.clearRect(0, 0, SIDE, SIDE);
    if (!image) return;
    const picture = context.createImageData(SIDE, SIDE);
    this.paint(picture, image);
    context.putImageData(picture, 0, 0);
  }

  showProbabilities(probabilities) {
    const best = probabilities
      ? probabilities.indexOf(Math.max(...probabilities))
      : -1;
    this.bars.forEach((bar, digit) => {
      const probability = probabilities ? probabilities[digit] : 0;
      bar.querySelector(".draw-digit-fill").style.width = `${100 * probability}%`;
      bar.querySelector(".draw-digit-value").textContent = percent(
        this.text.percent,
        probability,
      );
      bar.classList.toggle("draw-digit-best", digit === best);
    });
    return best;
  }

  // Prepare what is on the pad, classify it and show the answer; while a
  // classification runs, one more is queued for the latest drawing.
  async update() {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.again = false;
        const image =
          this.example ?? prepareLikeMnist(this.ink(), this.pad.width, this.pad.height);
        this.show(image);
        const ready = this.root.dataset.state === "ready";
        if (!image || !ready) {
          this.root.lastInput = this.root.lastProbabilities = null;
          this.showProbabilities(null);
          if (ready) this.verdict.textContent = this.text.empty;
          continue;
        }
        const input = Float32Array.from(image, (value) => value / 255);
        const probabilities = await classify(input);
        this.root.lastInput = input;
        this.root.lastProbabilities = probabilities;
        const best = this.showProbabilities(probabilities);
        this.verdict.textContent = fill(this.text.verdict, {
          digit: best,
          percent: percent(this.text.percent, probabilities[best]),
        });
      } while (this.again);
    } finally {
      this.busy = false;
    }
  }
}

document.querySelectorAll(".draw-digit").forEach((root) => new Widget(root));
