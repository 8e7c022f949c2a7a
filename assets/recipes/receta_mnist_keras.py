"""La receta del capítulo 2 de «Deep learning con Keras: clasificar dígitos
MNIST»: una red convolucional para MNIST, de los datos a la exactitud en test.

Ejecútala con `python receta_mnist_keras.py` (necesita Keras 3 y TensorFlow).
"""

import keras
import tensorflow as tf

batch_size = 128
num_classes = 10
epochs = 10
keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# Datos: cargar, añadir el eje del canal, escalar a [0, 1] y pasar a one-hot
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(x_train.shape + (1,)).astype("float32") / 255
x_test = x_test.reshape(x_test.shape + (1,)).astype("float32") / 255
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

# Red: dos convoluciones, max pooling, dropout y dos capas densas
inputs = keras.Input(shape=x_train.shape[1:])
x = keras.layers.Conv2D(32, (3, 3), activation="relu")(inputs)
x = keras.layers.Conv2D(64, (3, 3), activation="relu")(x)
x = keras.layers.MaxPooling2D((2, 2))(x)
x = keras.layers.Dropout(0.25)(x)
x = keras.layers.Flatten()(x)
x = keras.layers.Dense(128, activation="relu")(x)
x = keras.layers.Dropout(0.5)(x)
outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs)

# Compilar, entrenar y evaluar
model.compile(
    loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"]
)
model.fit(
    x_train,
    y_train,
    batch_size=batch_size,
    epochs=epochs,
    # Como el artículo, valida con el test. Con tus datos, separa un conjunto
    # de validación (validation_split=0.1) y reserva el test para el final.
    validation_data=(x_test, y_test),
)
score = model.evaluate(x_test, y_test, verbose=0)
print("Pérdida en test:", score[0])
print("Exactitud en test:", score[1])
