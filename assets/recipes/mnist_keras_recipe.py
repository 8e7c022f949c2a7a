"""The recipe of chapter 2 of "Deep learning with Keras: classifying MNIST
digits": a convolutional network for MNIST, from the data to the test accuracy.

Run it with `python mnist_keras_recipe.py` (it needs Keras 3 and TensorFlow).
"""

import keras
import tensorflow as tf

batch_size = 128
num_classes = 10
epochs = 10
keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# Data: load, add the channel axis, scale to [0, 1] and one-hot encode
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(x_train.shape + (1,)).astype("float32") / 255
x_test = x_test.reshape(x_test.shape + (1,)).astype("float32") / 255
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

# Network: two convolutions, max pooling, dropout and two dense layers
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

# Compile, train and evaluate
model.compile(
    loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"]
)
model.fit(
    x_train,
    y_train,
    batch_size=batch_size,
    epochs=epochs,
    # Like the post, validate on the test set. With your own data, set aside a
    # validation set (validation_split=0.1) and keep the test set for the end.
    validation_data=(x_test, y_test),
)
score = model.evaluate(x_test, y_test, verbose=0)
print("Test loss:", score[0])
print("Test accuracy:", score[1])
