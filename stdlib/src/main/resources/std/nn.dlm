// std.nn — layers, losses and metrics for the chapter's models, written in DLM.
// Losses and metrics take Keras's per-sample weights (sampleWeight, one per row; train passes them
// for classWeight): a loss is the mean of its weighted per-sample terms (Keras's
// sum_over_batch_size), a metric their weighted mean. The default 1 adds nothing to the graph.
// Every function here is inlined at its call site; a function that declares params
// (dense) gets fresh ones per call, named after the val that receives it: hidden.W, hidden.b.

/** The identity activation (Keras's "linear"). */
fun linear(x: Tensor): Tensor = x

/**
 * A densely connected layer, Keras's Dense: activation(x @ W + b).
 * The kernel starts Glorot-uniform and the bias at zero, as in Keras. A kernelRegularizer
 * (l2(1e-4), l1(…), l1l2(…)) or biasRegularizer adds its penalty on W or b to the training loss.
 */
fun dense(x: f32[n, i], units: Int, activation: (Tensor) -> Tensor = ::linear,
          kernelInit: Initializer = glorotUniform(), biasInit: Initializer = zeros(),
          kernelRegularizer: (Tensor) -> Any = ::noRegularizer,
          biasRegularizer: (Tensor) -> Any = ::noRegularizer): f32[n, units] {
    param W: f32[i, units] = kernelInit
    param b: f32[units] = biasInit
    addLoss(kernelRegularizer(W))
    addLoss(biasRegularizer(b))
    return activation(x @ W + b)
}

// ---- regularizers (Keras 3's keras.regularizers) ------------------------------------------------
//
// A regularizer is a function of a weight tensor giving a penalty. A layer given one adds the
// penalty on its weights with addLoss (Keras's add_loss): train adds it to the loss it minimizes
// and reports it inside loss and val_loss, as Keras does. Any layer taking a weight can accept
// a regularizer argument the same way (dense's and conv2d's kernelRegularizer and biasRegularizer).

/** No penalty (the default): a compile-time 0, which addLoss ignores, so the graph is unchanged. */
fun noRegularizer(w: Tensor): Any = 0

/** Keras's L2: l2 · Σ w². */
fun l2(l2: Float = 0.01): (Tensor) -> Any = { w: Tensor -> l2 * sum(square(w)) }

/** Keras's L1: l1 · Σ |w|. */
fun l1(l1: Float = 0.01): (Tensor) -> Any = { w: Tensor -> l1 * sum(abs(w)) }

/** Keras's l1_l2: l1 · Σ |w| + l2 · Σ w². */
fun l1l2(l1: Float = 0.01, l2: Float = 0.01): (Tensor) -> Any = { w: Tensor -> l1 * sum(abs(w)) + l2 * sum(square(w)) }

// ---- regularization layers (active only in the train step: `training` is true there) ------------

/**
 * Keras's Dropout (inverted dropout): in the train step each entry of x is kept with probability
 * 1 − rate and scaled by 1/(1 − rate), else zeroed, so its expected value is x; in eval and
 * predict (training = false) x is returned as is. A fresh mask every step, from the run's --seed,
 * the step and this call site's own stream; its gradient is the same mask times the scale.
 */
fun dropout(x: Tensor, rate: Float): Tensor {
    require(rate >= 0 && rate < 1, "dropout needs a rate in [0, 1), got " + rate)
    val keep = bernoulli(1 - rate, x.shape, dtype = bool)
    return where(training, where(keep, x * (1 / (1 - rate)), 0), x)
}

// ---- normalization layers ---------------------------------------------------------------------------

/**
 * Keras's BatchNormalization over all axes but the last. In the train step, x is normalized by
 * the batch's mean and (biased) variance per channel (last axis), and the moving statistics —
 * states, not trained — move towards them: moving = moving·momentum + batch·(1 − momentum). In
 * eval and predict the moving statistics are used instead. gamma (ones) scales and beta (zeros)
 * shifts the result: (x − mean)/√(variance + epsilon)·gamma + beta.
 */
fun batchNormalization(x: Tensor, momentum: Float = 0.99, epsilon: Float = 0.001): Tensor {
    require(momentum >= 0 && momentum <= 1, "batchNormalization needs a momentum in [0, 1], got " + momentum)
    require(epsilon >= 0, "batchNormalization needs an epsilon >= 0, got " + epsilon)
    val k = x.shape[-1]
    param gamma: f32[k] = ones()
    param beta: f32[k] = zeros()
    state movingMean: f32[k] = zeros()
    state movingVariance: f32[k] = ones()
    val rows = x.reshape(-1, k)
    val batchMean = mean(rows, axis = 0)
    val batchVariance = mean(square(rows - batchMean), axis = 0)
    assign(movingMean, movingMean * momentum + batchMean * (1 - momentum))
    assign(movingVariance, movingVariance * momentum + batchVariance * (1 - momentum))
    val m = where(training, batchMean, movingMean)
    val v = where(training, batchVariance, movingVariance)
    return (x - m) / sqrt(v + epsilon) * gamma + beta
}

/**
 * Keras's LayerNormalization over the last axis: each row (all axes but the last fixed) is
 * normalized by its own mean and (biased) variance, (x − mean)/√(var + epsilon), then scaled by
 * gamma and shifted by beta, params of the last axis's size that start at ones and zeros. The same
 * in training and inference: no state.
 */
fun layerNormalization(x: Tensor, epsilon: Float = 0.001): Tensor {
    val k = x.shape[-1]
    param gamma: f32[k] = ones()
    param beta: f32[k] = zeros()
    val centered = x - mean(x, axis = -1, keepdims = true)
    val variance = mean(square(centered), axis = -1, keepdims = true)
    return centered / sqrt(variance + epsilon) * gamma + beta
}

/**
 * A 2-D convolution layer, Keras's Conv2D: activation(conv(x, W) + b) on NHWC images
 * f32[n, h, w, c], with an HWIO kernel W: f32[kh, kw, c, filters]. kernelSize and strides are
 * an Int or a list of two; padding is "valid" or "same". The kernel starts Glorot-uniform with
 * Keras's fans (fanIn = kh·kw·c, fanOut = kh·kw·filters) and the bias at zero. A
 * kernelRegularizer or biasRegularizer adds its penalty on W or b to the training loss, as dense's.
 * The primitive convolution is called conv here (also conv2d without this import).
 */
fun conv2d(x: f32[n, h, w, c], filters: Int, kernelSize: Any, strides: Any = 1, padding: String = "valid",
           activation: (Tensor) -> Tensor = ::linear,
           kernelInit: Initializer = glorotUniform(), biasInit: Initializer = zeros(),
           kernelRegularizer: (Tensor) -> Any = ::noRegularizer,
           biasRegularizer: (Tensor) -> Any = ::noRegularizer): Tensor {
    val k = pairOf(kernelSize, name = "kernelSize")
    param W: f32[k[0], k[1], c, filters] = kernelInit
    param b: f32[filters] = biasInit
    addLoss(kernelRegularizer(W))
    addLoss(biasRegularizer(b))
    return activation(conv(x, W, strides = strides, padding = padding) + b)
}

/**
 * Keras's Normalization layer: (x − mean) / max(√variance, epsilon) per feature (the last axis,
 * at any rank). mean and variance are adapted, as by Keras's layer.adapt(trainingData): computed
 * once, before training, from the layer's input over the training part of the data and every
 * axis but the last (the population variance), then kept: states, stored in checkpoints with the
 * weights, never trained (no gradient, no optimizer slot, no weight decay). Before adapting, the
 * layer is the identity.
 */
fun normalization(x: Tensor, epsilon: Float = 1e-7): Tensor {
    val k = x.shape[-1]
    state mean: f32[k] = adaptedMean()
    state variance: f32[k] = adaptedVariance()
    return (x - mean) / maximum(sqrt(variance), epsilon)
}

/** Keras's Rescaling layer: x · scale + offset (for example 1/255 to bring pixels to [0, 1]). */
fun rescaling(x: Tensor, scale: Float, offset: Float = 0.0): Tensor = x * scale + offset

/** Keras's MaxPooling2D: the maximum of each poolSize window, moved by strides (poolSize by default). */
fun maxPooling2d(x: Tensor, poolSize: Any = 2, strides: Any = poolSize, padding: String = "valid"): Tensor =
    maxPool2d(x, poolSize, strides = strides, padding = padding)

/** Keras's AveragePooling2D: the mean of each window's real cells (padding is not counted). */
fun averagePooling2d(x: Tensor, poolSize: Any = 2, strides: Any = poolSize, padding: String = "valid"): Tensor =
    avgPool2d(x, poolSize, strides = strides, padding = padding)

/** Keras's GlobalAveragePooling2D: the mean over height and width, f32[n, h, w, c] → f32[n, c]. */
fun globalAveragePooling2d(x: Tensor): Tensor = globalAveragePool2d(x)

/**
 * Crossentropy between integer labels and predicted probabilities, averaged over the batch.
 * As in Keras, when the probabilities come from a softmax the loss is computed from its
 * logits in the stable log-softmax form; other probabilities are clipped to [1e-7, 1 - 1e-7].
 */
fun sparseCategoricalCrossentropy(yTrue: Tensor, yPred: f32[n, k], sampleWeight: Any = 1): f32 =
    -mean(weighted(sum(oneHot(yTrue, k) * logProbabilities(yPred), axis = 1), sampleWeight))

/** Crossentropy between one-hot (or soft) labels and predicted probabilities. */
fun categoricalCrossentropy(yTrue: f32[n, k], yPred: f32[n, k], sampleWeight: Any = 1): f32 =
    -mean(weighted(sum(yTrue * logProbabilities(yPred), axis = 1), sampleWeight))

/**
 * Crossentropy for 0/1 labels and predicted probabilities of class 1, averaged over all entries.
 * When yPred is sigmoid(z), both terms come from the logits — log σ(z) and log(1 − σ(z)) =
 * logSigmoid(−z) — so confident logits keep their exact loss and gradient (as PyTorch's
 * binary_cross_entropy_with_logits); other probabilities are clipped to [1e-7, 1 - 1e-7].
 */
fun binaryCrossentropy(yTrue: Tensor, yPred: Tensor, sampleWeight: Any = 1): f32 {
    val y = yTrue.toF32()
    return -mean(weighted(y * logProbabilities(yPred) + (1 - y) * logProbabilities(1 - yPred), sampleWeight))
}

/** Mean of squared differences. */
fun meanSquaredError(yTrue: Tensor, yPred: Tensor, sampleWeight: Any = 1): f32 = mean(weighted(square(yPred - yTrue), sampleWeight))

/** Mean of absolute differences. */
fun meanAbsoluteError(yTrue: Tensor, yPred: Tensor, sampleWeight: Any = 1): f32 = mean(weighted(abs(yPred - yTrue), sampleWeight))

/** Keras's class_weight as sample weights: each sample weighs its label's entry of classWeight. */
fun classSampleWeights(yTrue: Tensor, classWeight: f32[k]): Tensor = sum(oneHot(yTrue, k) * classWeight, axis = 1)

/** The fraction of rows whose most probable class is the label (Keras's sparse accuracy). */
fun accuracy(yTrue: Tensor, yPred: f32[n, k], sampleWeight: Any = 1): f32 = weightedMean((argmax(yPred, axis = 1) == yTrue.toI32()).toF32(), sampleWeight)

/**
 * The fraction of entries whose prediction is on the label's side of threshold (Keras's
 * binary_accuracy, the accuracy of a sigmoid output against 0/1 labels): yPred > threshold is 1.
 */
fun binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold: Float = 0.5): f32 =
    mean(((yPred > threshold).toF32() == yTrue.toF32()).toF32())

// ---- activations (Keras 3's formulas and defaults) ----------------------------------------------

/** Keras's gelu with approximate = false: 0.5·x·(1 + erf(x/√2)). */
fun gelu(x: Tensor): Tensor = 0.5 * x * (1 + erf(x / sqrt(2.0)))

/**
 * Keras's leaky_relu: x where x ≥ 0, else negativeSlope·x (its gradient at 0 is 1, as in JAX's
 * where(x >= 0, …)); NaN stays NaN.
 */
fun leakyRelu(x: Tensor, negativeSlope: Float = 0.2): Tensor = where(x >= 0, x, negativeSlope * x)

/**
 * Keras's elu: x where x > 0, else alpha·(e^x − 1) (through expm1, accurate near 0). The negative
 * branch reads where(x > 0, 0, x), so that a large positive x never reaches expm1, whose overflow
 * would turn the unselected branch's zero cotangent into NaN; elu'(0) = alpha.
 */
fun elu(x: Tensor, alpha: Float = 1.0): Tensor = where(x > 0, x, alpha * expm1(where(x > 0, 0, x)))

/**
 * Keras's softplus, log(1 + e^x), in the stable form log1p(e^−|x|) + max(x, 0): finite for every
 * finite x. max rather than relu so that the gradient at 0 is σ(0) = 1/2 (max's tie rule).
 */
fun softplus(x: Tensor): Tensor = log1p(exp(-abs(x))) + maximum(x, 0)

/** Keras's silu: x·σ(x). */
fun silu(x: Tensor): Tensor = x * sigmoid(x)

/** Keras's swish: the same function as silu. */
fun swish(x: Tensor): Tensor = silu(x)

/** Keras 3's hard_sigmoid: relu6(x + 3)/6, i.e. 0 for x ≤ −3, 1 for x ≥ 3, x/6 + 1/2 between. */
fun hardSigmoid(x: Tensor): Tensor = clip(x + 3, 0, 6) / 6
