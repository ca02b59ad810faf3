// The chapter's "from scratch" version (NaiveDense / NaiveSequential): explicit
// weights, uniform initialization and plain mini-batch SGD.
import std.nn.*

fun naiveDense(x: f32[n, i], units: Int, activation: (Tensor) -> Tensor): f32[n, units] {
    param W: f32[i, units] = uniform(-0.05, 0.05)
    param b: f32[units] = zeros()
    return activation(x @ W + b)
}

model NaiveMnist(images: u8[batch, 28, 28]) {
    val x = images.reshape(batch, 28 * 28).toF32() / 255f
    val hidden = naiveDense(x, units = 512, activation = ::relu)
    return naiveDense(hidden, units = 10, activation = ::softmax)
}

train(NaiveMnist) {
    data = mnist()
    loss = ::sparseCategoricalCrossentropy
    optimizer = sgd(learningRate = 1e-3)
    metrics = [::accuracy]
    epochs = 10
    batchSize = 128
}
