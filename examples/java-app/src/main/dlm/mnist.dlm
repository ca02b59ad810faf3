// The chapter's first example (listings 2.1–2.7): a two-layer network that
// classifies MNIST digits. `dlmc check` prints its 407,050 params.
import std.nn.*

model Mnist(images: u8[batch, 28, 28]) {
    val x = images.reshape(batch, 28 * 28).toF32() / 255f
    val hidden = dense(x, units = 512, activation = ::relu)
    return dense(hidden, units = 10, activation = ::softmax)
}

train(Mnist) {
    data = mnist()                      // IDX files, 60k train / 10k test
    loss = ::sparseCategoricalCrossentropy
    optimizer = adam(learningRate = 1e-3)
    metrics = [::accuracy]
    epochs = 5
    batchSize = 128
}
