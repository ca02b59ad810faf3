// The chapter's MNIST model, trained on Fashion-MNIST (same shapes, ten clothing classes).
import std.nn.*

model FashionMnist(images: u8[batch, 28, 28]) {
    val x = images.reshape(batch, 28 * 28).toF32() / 255f
    val hidden = dense(x, units = 512, activation = ::relu)
    return dense(hidden, units = 10, activation = ::softmax)
}

train(FashionMnist) {
    data = fashionMnist()
    loss = ::sparseCategoricalCrossentropy
    optimizer = adam(learningRate = 1e-3)
    metrics = [::accuracy]
    epochs = 5
    batchSize = 128
}
