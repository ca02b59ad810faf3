// The book's first convnet (Deep Learning with Python, chapter 8): three 3x3 convolutions with
// max pooling between them, then a softmax classifier. `dlmc check` prints its 104,202 params.
import std.nn.*

model MnistConvnet(images: u8[batch, 28, 28]) {
    val x = images.reshape(batch, 28, 28, 1).toF32() / 255f
    val conv1 = conv2d(x, filters = 32, kernelSize = 3, activation = ::relu)
    val pool1 = maxPooling2d(conv1, poolSize = 2)
    val conv2 = conv2d(pool1, filters = 64, kernelSize = 3, activation = ::relu)
    val pool2 = maxPooling2d(conv2, poolSize = 2)
    val conv3 = conv2d(pool2, filters = 128, kernelSize = 3, activation = ::relu)
    return dense(flatten(conv3), units = 10, activation = ::softmax)
}

train(MnistConvnet) {
    data = mnist()
    loss = ::sparseCategoricalCrossentropy
    optimizer = rmsprop()               // Keras's defaults: learning rate 1e-3, rho 0.9, epsilon 1e-7
    metrics = [::accuracy]
    epochs = 5
    batchSize = 64
}
