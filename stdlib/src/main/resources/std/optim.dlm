// std.optim — optimizer update rules, written in DLM, with Keras 3's formulas and defaults.
//
// An optimizer `name` is the function `nameUpdate(w, g, slots…, step, hyperparameters…)`:
// w is a param, g its gradient, the slots are per-param state tensors of w's shape, step
// counts optimizer steps from 1. It returns [new w, new slots…]. Slots start at zero unless
// `nameInit(w, hyperparameters…)` gives their initial values. The training compiler calls
// these once per param, so an update is ordinary graph code that fuses like any other.
// learningRate is a number, or an f32 scalar of the step when the optimizer was given a
// schedule (below): hence its type Any.

/** Mini-batch SGD, with optional momentum and Nesterov momentum. */
fun sgdUpdate(w: Tensor, g: Tensor, velocity: Tensor, step: Tensor,
              learningRate: Any, momentum: Float, nesterov: Bool): Any {
    val v = momentum * velocity - learningRate * g
    val nesterovStep = w + momentum * v - learningRate * g
    val plainStep = w + v
    return [select(nesterov, nesterovStep, plainStep), v]
}

/** Adam with bias correction folded into the step size, as Keras computes it. */
fun adamUpdate(w: Tensor, g: Tensor, m: Tensor, v: Tensor, step: Tensor,
               learningRate: Any, beta1: Float, beta2: Float, epsilon: Float): Any {
    val alpha = learningRate * sqrt(1 - pow(beta2, step)) / (1 - pow(beta1, step))
    val m2 = m + (g - m) * (1 - beta1)
    val v2 = v + (square(g) - v) * (1 - beta2)
    return [w - m2 * alpha / (sqrt(v2) + epsilon), m2, v2]
}

/** AdamW: Adam's update; its decoupled weight decay (weightDecay, 0.004 by default) is applied before it (decayWeights). */
fun adamwUpdate(w: Tensor, g: Tensor, m: Tensor, v: Tensor, step: Tensor,
                learningRate: Any, beta1: Float, beta2: Float, epsilon: Float): Any =
    adamUpdate(w, g, m, v, step, learningRate, beta1, beta2, epsilon)

/** RMSprop (not centered), with optional momentum. */
fun rmspropUpdate(w: Tensor, g: Tensor, velocity: Tensor, momentumSlot: Tensor, step: Tensor,
                  learningRate: Any, rho: Float, momentum: Float, epsilon: Float): Any {
    val v = rho * velocity + (1 - rho) * square(g)
    val increment = learningRate * g / sqrt(v + epsilon)
    val mom = momentum * momentumSlot + increment
    return [w - select(momentum > 0, mom, increment), v, mom]
}

/** Adagrad: per-coordinate steps shrink with the sum of squared gradients. */
fun adagradUpdate(w: Tensor, g: Tensor, accumulator: Tensor, step: Tensor,
                  learningRate: Any, initialAccumulatorValue: Float, epsilon: Float): Any {
    val acc = accumulator + square(g)
    return [w - learningRate * g / sqrt(acc + epsilon), acc]
}

/** Adagrad's accumulators start at initialAccumulatorValue, not zero. */
fun adagradInit(w: Tensor, learningRate: Any, initialAccumulatorValue: Float, epsilon: Float): Any =
    [fullLike(w, initialAccumulatorValue)]

// ---- options every optimizer takes (Keras's base Optimizer) -------------------------------------
//
// `sgd(weightDecay = 1e-4, clipNorm = 1.0)`: the gradients are clipped (at most one way), then each
// param decays, then the update rule runs on the decayed param and the clipped gradient.

/** Keras's decoupled weight decay: w − w · weightDecay · learningRate. */
fun decayWeights(w: Tensor, learningRate: Any, weightDecay: Float): Tensor = w - w * weightDecay * learningRate

/** Keras's clipnorm: g scaled down to L2 norm clipNorm when its norm is larger. */
fun clipByNorm(g: Tensor, clipNorm: Float): Tensor = g * clipNorm / maximum(sqrt(sum(square(g))), clipNorm)

/** Keras's clipvalue: each element of g clipped to [−clipValue, clipValue]. */
fun clipByValue(g: Tensor, clipValue: Float): Tensor = clip(g, -clipValue, clipValue)

/** A gradient's squared L2 norm: the global norm is the root of their sum over all params. */
fun squaredNorm(g: Tensor): Tensor = sum(square(g))

/**
 * Keras's global_clipnorm: the factor every gradient is multiplied by, from the sum of all their
 * squared norms: globalClipNorm / max(global norm, globalClipNorm), as Keras writes it.
 */
fun globalClipScale(sumOfSquares: Tensor, globalClipNorm: Float): Tensor =
    globalClipNorm * minimum(1 / sqrt(sumOfSquares), 1 / globalClipNorm)

// ---- learning-rate schedules (Keras 3's keras.optimizers.schedules) -----------------------------
//
// A schedule is a function of the step: `optimizer = adam(learningRate = cosineDecay(1e-3, 1000))`.
// The training compiler applies it to the number of updates done before the current one (Keras's
// optimizer.iterations, from 0), as an f32 scalar, inside the compiled train step. Any lambda
// `{ step: Tensor -> … }` giving an f32 scalar is a schedule too.

/** x rounded down, for x ≥ 0 (steps are): x minus its fractional part, exact in floating point. */
fun floorOfNonNegative(x: Tensor): Tensor = x - x % 1

/**
 * Keras's ExponentialDecay: initialLearningRate · decayRate^(step / decaySteps), the exponent
 * rounded down when staircase (the rate then drops every decaySteps steps).
 */
fun exponentialDecay(initialLearningRate: Float, decaySteps: Int, decayRate: Float, staircase: Bool = false): Any {
    require(decaySteps > 0, "decaySteps must be positive, got " + decaySteps)
    return { step: Tensor ->
        val p = step / decaySteps
        initialLearningRate * pow(decayRate, select(staircase, floorOfNonNegative(p), p))
    }
}

/**
 * Keras's InverseTimeDecay: initialLearningRate / (1 + decayRate · step / decaySteps), the
 * quotient step / decaySteps rounded down when staircase.
 */
fun inverseTimeDecay(initialLearningRate: Float, decaySteps: Int, decayRate: Float, staircase: Bool = false): Any {
    require(decaySteps > 0, "decaySteps must be positive, got " + decaySteps)
    return { step: Tensor ->
        val p = step / decaySteps
        initialLearningRate / (1 + decayRate * select(staircase, floorOfNonNegative(p), p))
    }
}

/**
 * Keras's PiecewiseConstantDecay: values[0] while step ≤ boundaries[0], values[i] while
 * boundaries[i−1] < step ≤ boundaries[i], the last value after the last boundary. The value's
 * index is the number of boundaries the step has passed.
 */
fun piecewiseConstantDecay(boundaries: Any, values: Any): Any {
    val b = tensor(boundaries)
    val v = tensor(values)
    require(b.rank == 1 && v.rank == 1 && v.shape[0] == b.shape[0] + 1,
            "values must be a list of one more number than boundaries")
    return { step: Tensor -> sum(oneHot(sum((step > b.toF32()).toI32()), v.shape[0]) * v.toF32()) }
}

/**
 * Keras 3's CosineDecay, with its optional linear warmup: for warmupSteps steps the rate goes
 * linearly from initialLearningRate to warmupTarget, then follows a cosine from warmupTarget
 * (initialLearningRate without a warmup) down to alpha times it over decaySteps steps, and stays
 * there: rate · ((1 − alpha) · (1 + cos(π · min(t, decaySteps) / decaySteps)) / 2 + alpha),
 * t counted from the end of the warmup.
 */
fun cosineDecay(initialLearningRate: Float, decaySteps: Int, alpha: Float = 0.0,
                warmupTarget: Float = initialLearningRate, warmupSteps: Int = 0): Any {
    require(decaySteps > 0, "decaySteps must be positive, got " + decaySteps)
    require(warmupSteps >= 0, "warmupSteps must not be negative, got " + warmupSteps)
    return { step: Tensor ->
        val s = minimum(step, decaySteps + warmupSteps)
        val warmup = (warmupTarget - initialLearningRate) * (s / select(warmupSteps > 0, warmupSteps, 1)) + initialLearningRate
        val completed = (s - warmupSteps) / decaySteps
        val decayed = warmupTarget * ((1 - alpha) * (0.5 * (1 + cos(PI * completed))) + alpha)
        where(s < warmupSteps, warmup, decayed)
    }
}
