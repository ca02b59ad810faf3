// std.optim — optimizer update rules, written in DLM, with Keras 3's formulas and defaults.
//
// An optimizer `name` is the function `nameUpdate(w, g, slots…, step, hyperparameters…)`:
// w is a param, g its gradient, the slots are per-param state tensors of w's shape, step
// counts optimizer steps from 1. It returns [new w, new slots…]. Slots start at zero unless
// `nameInit(w, hyperparameters…)` gives their initial values. The training compiler calls
// these once per param, so an update is ordinary graph code that fuses like any other.

/** Mini-batch SGD, with optional momentum and Nesterov momentum. */
fun sgdUpdate(w: Tensor, g: Tensor, velocity: Tensor, step: Tensor,
              learningRate: Float, momentum: Float, nesterov: Bool): Any {
    val v = momentum * velocity - learningRate * g
    val nesterovStep = w + momentum * v - learningRate * g
    val plainStep = w + v
    return [select(nesterov, nesterovStep, plainStep), v]
}

/** Adam with bias correction folded into the step size, as Keras computes it. */
fun adamUpdate(w: Tensor, g: Tensor, m: Tensor, v: Tensor, step: Tensor,
               learningRate: Float, beta1: Float, beta2: Float, epsilon: Float): Any {
    val alpha = learningRate * sqrt(1 - pow(beta2, step)) / (1 - pow(beta1, step))
    val m2 = m + (g - m) * (1 - beta1)
    val v2 = v + (square(g) - v) * (1 - beta2)
    return [w - m2 * alpha / (sqrt(v2) + epsilon), m2, v2]
}

/** RMSprop (not centered), with optional momentum. */
fun rmspropUpdate(w: Tensor, g: Tensor, velocity: Tensor, momentumSlot: Tensor, step: Tensor,
                  learningRate: Float, rho: Float, momentum: Float, epsilon: Float): Any {
    val v = rho * velocity + (1 - rho) * square(g)
    val increment = learningRate * g / sqrt(v + epsilon)
    val mom = momentum * momentumSlot + increment
    return [w - select(momentum > 0, mom, increment), v, mom]
}

/** Adagrad: per-coordinate steps shrink with the sum of squared gradients. */
fun adagradUpdate(w: Tensor, g: Tensor, accumulator: Tensor, step: Tensor,
                  learningRate: Float, initialAccumulatorValue: Float, epsilon: Float): Any {
    val acc = accumulator + square(g)
    return [w - learningRate * g / sqrt(acc + epsilon), acc]
}

/** Adagrad's accumulators start at initialAccumulatorValue, not zero. */
fun adagradInit(w: Tensor, learningRate: Float, initialAccumulatorValue: Float, epsilon: Float): Any =
    [fullLike(w, initialAccumulatorValue)]
