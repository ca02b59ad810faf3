package dlm.runtime.kernels;

/**
 * What {@link Gemm} does to each result element before it is stored, while the tile is still in
 * registers: {@code C[i][j] = e(sum_p op(A)[i][p]·op(B)[p][j] + (accumulate ? C[i][j] : 0))}.
 * The bias is a row vector of length n, added to every row of C.
 */
public enum Epilogue {
    /** Store the sum as it is. */
    NONE(false, false),
    /** Add {@code bias[biasOff + j]} to column j. */
    BIAS(true, false),
    /** {@code max(0, x)} (NaN stays NaN, like {@link Math#max}). */
    RELU(false, true),
    /** Bias, then ReLU: a dense layer's {@code relu(x·W + b)}. */
    BIAS_RELU(true, true);

    private final boolean bias;
    private final boolean relu;

    Epilogue(boolean bias, boolean relu) {
        this.bias = bias;
        this.relu = relu;
    }

    /** Whether this epilogue reads a bias vector. */
    public boolean hasBias() { return bias; }

    /** Whether this epilogue clamps at zero. */
    public boolean hasRelu() { return relu; }

    /** Applies the epilogue to one value (the scalar definition the kernels follow). */
    public float apply(float x, float bias) {
        float v = this.bias ? x + bias : x;
        return relu ? Math.max(0f, v) : v;
    }
}
