// Keras's functional API: a model of two inputs and two outputs, trained by name. From a synthetic
// table (examples/data/multi_output.csv, 1,000 rows made by scripts/make-multi-output-data.py),
// inputs a (3 columns) and b (2 columns) predict a value, price (a regression: mean squared
// error, mean absolute error), and a class, kind (3 classes: sparse crossentropy, accuracy). The
// loss trained on is price's loss + 0.5 × kind's; each output's loss and metrics are reported
// under its name (price_loss, kind_accuracy, …).
import std.nn.*

model TwoHeads(a: f32[batch, 3], b: f32[batch, 2]) {
    val x = concat(normalization(a), normalization(b), axis = 1)
    val hidden = dense(x, units = 32, activation = ::relu)
    val price = dense(dense(hidden, units = 16, activation = ::relu), units = 1)
    val kind = dense(hidden, units = 3, activation = ::softmax)
    return [price, kind]
}

train(TwoHeads) {
    data = split(csv("data/multi_output.csv", features = [["a0", "a1", "a2"], ["b0", "b1"]], targets = ["price", "kind"]), test = 0.2, seed = 1)
    loss = [::meanSquaredError, ::sparseCategoricalCrossentropy]
    lossWeights = [1, 0.5]
    metrics = [[::meanAbsoluteError], [::accuracy]]
    optimizer = rmsprop(learningRate = 1e-3)
    epochs = 60
    batchSize = 16
}
