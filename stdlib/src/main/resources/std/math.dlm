// std.math — reductions written in DLM from the primitive ones (import std.math.*).
// As in NumPy, axis may be one axis or a list; its default is every axis.

/**
 * log(sum(exp(x))) over the axes, computed stably: the max along the axes is taken out first
 * (log Σ exp(x − m) + m), so large inputs do not overflow and tiny ones do not vanish. Where the
 * max is ±inf or NaN the shift is 0, so a group of −inf gives −inf and one holding +inf gives +inf
 * (as TensorFlow's reduce_logsumexp). The gradient is softmax(x) along the axes.
 */
fun logSumExp(x: Tensor, axis: Any = arange(x.rank), keepdims: Bool = false): Tensor {
    val m = max(x, axis = axis, keepdims = true)
    val shift = where(m - m == 0, m, 0)
    return log(sum(exp(x - shift), axis = axis, keepdims = keepdims)) + max(shift, axis = axis, keepdims = keepdims)
}

/**
 * The population variance over the axes (NumPy's var with ddof = 0, Keras's ops.var), in two
 * passes — the mean first, then the mean of squared deviations — which keeps large offsets from
 * cancelling. For float tensors.
 */
fun variance(x: Tensor, axis: Any = arange(x.rank), keepdims: Bool = false): Tensor =
    mean(square(x - mean(x, axis = axis, keepdims = true)), axis = axis, keepdims = keepdims)

/**
 * The population standard deviation: sqrt(variance). Where the variance is 0 (all elements
 * equal) its gradient is NaN, as the derivative of sqrt at 0 is infinite (TensorFlow's
 * reduce_std behaves the same).
 */
fun std(x: Tensor, axis: Any = arange(x.rank), keepdims: Bool = false): Tensor =
    sqrt(variance(x, axis = axis, keepdims = keepdims))

/**
 * The vector norm over the axes: ord = 2 the Euclidean norm sqrt(Σ x²), ord = 1 the sum of |x|
 * (NumPy's vector norms; over several axes, of the flattened elements). The L2 norm's gradient is
 * x / norm, NaN where the norm is 0 (sqrt's derivative is infinite there); the L1 norm's is
 * sign(x), 0 at 0.
 */
fun norm(x: Tensor, ord: Int = 2, axis: Any = arange(x.rank), keepdims: Bool = false): Tensor {
    require(ord == 1 || ord == 2, "norm supports ord = 1 (the sum of |x|) and ord = 2 (the Euclidean norm), got ord = " + ord)
    return select(ord == 1, sum(abs(x), axis = axis, keepdims = keepdims), sqrt(sum(square(x), axis = axis, keepdims = keepdims)))
}
