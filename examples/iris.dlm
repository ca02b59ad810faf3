// Fisher's iris: three species from four measurements of a flower (150 rows), classified with
// a softmax over the classes, as the book's Reuters example does with 46.
import std.nn.*

model Iris(x: f32[batch, 4]) {
    val norm = normalization(x)
    val hidden = dense(norm, units = 16, activation = ::relu)
    return dense(hidden, units = 3, activation = ::softmax)
}

train(Iris) {
    data = split(csv("data/iris.csv", target = "species"), test = 0.2, seed = 1)
    loss = ::sparseCategoricalCrossentropy
    optimizer = rmsprop(learningRate = 1e-3)
    metrics = [::accuracy]
    epochs = 100
    batchSize = 8
}
