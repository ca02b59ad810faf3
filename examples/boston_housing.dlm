// The book's regression (chapter 4.3): the median price of homes in Boston suburbs in the
// 1970s, in thousands of dollars, from 13 numbers about each suburb.
import std.nn.*

model Housing(x: f32[batch, 13]) {
    val norm = normalization(x)           // per-feature mean and variance adapted from the train part
    val hidden1 = dense(norm, units = 64, activation = ::relu)
    val hidden2 = dense(hidden1, units = 64, activation = ::relu)
    return dense(hidden2, units = 1)
}

train(Housing) {
    data = split(csv("data/boston_housing.csv", target = "medv"), test = 0.2, seed = 1)
    loss = ::meanSquaredError
    optimizer = rmsprop(learningRate = 1e-3)
    metrics = [::meanAbsoluteError]
    epochs = 130
    batchSize = 16
}
