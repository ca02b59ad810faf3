// Handwritten digits at 8x8 (UCI's optical digits, 1,797 rows of 64 pixels from 0 to 16): the
// table's rows reach the model as u8 images of 8x8, which it scales as examples/mnist.dlm does.
import std.nn.*

model Digits(images: u8[batch, 8, 8]) {
    val x = images.reshape(batch, 8 * 8).toF32() / 16f
    val hidden = dense(x, units = 64, activation = ::relu)
    return dense(hidden, units = 10, activation = ::softmax)
}

train(Digits) {
    data = split(csv("data/digits.csv", target = "digit"), test = 0.2, seed = 1)
    loss = ::sparseCategoricalCrossentropy
    optimizer = adam(learningRate = 1e-3)
    metrics = [::accuracy]
    epochs = 30
    batchSize = 32
}
