// Figure 2.22: the scalar computation graph of the backpropagation section.
// `dlmc run` evaluates it: loss = |4 - (2 * 3 + 1)| = 3.
// (`dlmc grad` prints grad(loss, w) = 2 and grad(loss, b) = 1.)
model Figure(x: f32 = 2, yTrue: f32 = 4) {
    param w: f32 = 3
    param b: f32 = 1
    val x1 = x * w
    val x2 = x1 + b
    loss = abs(yTrue - x2)
}
