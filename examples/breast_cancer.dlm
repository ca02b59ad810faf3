// Binary classification on a real table: is a breast mass benign (1) or malignant (0), from 30
// measurements of its cell nuclei (UCI's Wisconsin diagnostic data). One sigmoid output, the
// probability of class 1, trained with binary crossentropy (the book's IMDB recipe).
import std.nn.*

model Diagnosis(x: f32[batch, 30]) {
    val norm = normalization(x)
    val hidden = dense(norm, units = 16, activation = ::relu)
    return dense(hidden, units = 1, activation = ::sigmoid)
}

train(Diagnosis) {
    data = split(csv("data/breast_cancer.csv", target = "benign"), test = 0.2, seed = 1)
    loss = ::binaryCrossentropy
    optimizer = rmsprop(learningRate = 1e-3)
    metrics = [::binaryAccuracy]
    epochs = 20
    batchSize = 16
}
