// Keras's training toolkit on Fashion-MNIST: an MLP with batch normalization, dropout and an L2
// penalty, Adam on a cosine learning-rate schedule, 10% of the training images held out for
// validation, and early stopping that restores the best weights. Target: test accuracy >= 0.89
// (the plain 784-512-10 model, examples/fashion_mnist.dlm, reaches about 0.874 in 5 epochs).
import std.nn.*
import std.optim.*

model FashionRegularized(images: u8[batch, 28, 28]) {
    val x = images.reshape(batch, 28 * 28).toF32() / 255f
    val h1 = dense(x, units = 512, kernelRegularizer = l2(1e-5))
    val a1 = dropout(relu(batchNormalization(h1)), rate = 0.3)
    val h2 = dense(a1, units = 256, kernelRegularizer = l2(1e-5))
    val a2 = dropout(relu(batchNormalization(h2)), rate = 0.3)
    return dense(a2, units = 10, activation = ::softmax)
}

train(FashionRegularized) {
    data = fashionMnist()
    loss = ::sparseCategoricalCrossentropy
    // 30 epochs of 422 steps (54,000 training images in batches of 128)
    optimizer = adam(learningRate = cosineDecay(1e-3, decaySteps = 30 * 422))
    metrics = [::accuracy]
    epochs = 30
    batchSize = 128
    validationSplit = 0.1
    callbacks = [earlyStopping(monitor = "val_accuracy", patience = 8, restoreBestWeights = true)]
}
