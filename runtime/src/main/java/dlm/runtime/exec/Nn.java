package dlm.runtime.exec;

/**
 * Row kernels generated code calls: softmax / log-softmax along an axis and the fused sparse
 * softmax-crossentropy, computed exactly as the reference interpreter computes them (in double,
 * rounded once per element), plus the label range check of {@code oneHot}.
 *
 * <p>Layout: element k of row (o, i) is at {@code off + (o*n + k)*inner + i}.
 */
public final class Nn {
    private Nn() {}

    /** Per-thread row of exponentials, so that softmax computes each Math.exp once (it dominates). */
    private static final ThreadLocal<double[][]> EXPS = ThreadLocal.withInitial(() -> new double[][] {new double[16]});

    private static double[] exps(int n) {
        double[][] h = EXPS.get();
        if (h[0].length < n) h[0] = new double[n];
        return h[0];
    }

    public static void softmax(float[] x, int xOff, float[] y, int yOff, int outer, int n, int inner, boolean log) {
        double[] e = exps(n);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) max = Math.max(max, x[xOff + base + k * inner]);
                double sum = 0;
                for (int k = 0; k < n; k++) sum += (e[k] = Math.exp(x[xOff + base + k * inner] - max));
                if (log) {
                    double logSum = Math.log(sum);
                    for (int k = 0; k < n; k++) y[yOff + base + k * inner] = (float) ((x[xOff + base + k * inner] - max) - logSum);
                } else {
                    for (int k = 0; k < n; k++) y[yOff + base + k * inner] = (float) (e[k] / sum);
                }
            }
        }
    }

    public static void softmax(double[] x, int xOff, double[] y, int yOff, int outer, int n, int inner, boolean log) {
        double[] e = exps(n);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) max = Math.max(max, x[xOff + base + k * inner]);
                double sum = 0;
                for (int k = 0; k < n; k++) sum += (e[k] = Math.exp(x[xOff + base + k * inner] - max));
                if (log) {
                    double logSum = Math.log(sum);
                    for (int k = 0; k < n; k++) y[yOff + base + k * inner] = (x[xOff + base + k * inner] - max) - logSum;
                } else {
                    for (int k = 0; k < n; k++) y[yOff + base + k * inner] = e[k] / sum;
                }
            }
        }
    }

    // ---- sparse softmax crossentropy: mean over rows of logSumExp(row) - row[label] ----------

    public static double sparseSoftmaxCrossEntropy(float[] logits, int off, byte[] labels, int lOff, int rows, int k) {
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss(logits, off + r * k, k, checked(labels[lOff + r] & 0xFF, k));
        return total / rows;
    }

    public static double sparseSoftmaxCrossEntropy(float[] logits, int off, int[] labels, int lOff, int rows, int k) {
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss(logits, off + r * k, k, checked(labels[lOff + r], k));
        return total / rows;
    }

    public static double sparseSoftmaxCrossEntropy(float[] logits, int off, long[] labels, int lOff, int rows, int k) {
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss(logits, off + r * k, k, checked(labels[lOff + r], k));
        return total / rows;
    }

    public static double sparseSoftmaxCrossEntropy(double[] logits, int off, byte[] labels, int lOff, int rows, int k) {
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss(logits, off + r * k, k, checked(labels[lOff + r] & 0xFF, k));
        return total / rows;
    }

    public static double sparseSoftmaxCrossEntropy(double[] logits, int off, int[] labels, int lOff, int rows, int k) {
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss(logits, off + r * k, k, checked(labels[lOff + r], k));
        return total / rows;
    }

    public static double sparseSoftmaxCrossEntropy(double[] logits, int off, long[] labels, int lOff, int rows, int k) {
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss(logits, off + r * k, k, checked(labels[lOff + r], k));
        return total / rows;
    }

    private static int checked(long label, int k) {
        if (label < 0 || label >= k)
            throw new IllegalArgumentException("sparseSoftmaxCrossEntropy: label " + label + " is out of range for " + k + " classes");
        return (int) label;
    }

    private static double rowLoss(float[] x, int at, int k, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) max = Math.max(max, x[at + j]);
        double sum = 0;
        for (int j = 0; j < k; j++) sum += Math.exp(x[at + j] - max);
        return Math.log(sum) + max - x[at + label];
    }

    private static double rowLoss(double[] x, int at, int k, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) max = Math.max(max, x[at + j]);
        double sum = 0;
        for (int j = 0; j < k; j++) sum += Math.exp(x[at + j] - max);
        return Math.log(sum) + max - x[at + label];
    }

    // ---- oneHot label checks ---------------------------------------------------------------

    /** Throws unless every u8 label in {@code labels[off, off+n)} is below {@code depth}. */
    public static void checkLabels(byte[] labels, int off, int n, int depth) {
        for (int i = 0; i < n; i++) checkLabel(labels[off + i] & 0xFF, depth);
    }

    public static void checkLabels(int[] labels, int off, int n, int depth) {
        for (int i = 0; i < n; i++) checkLabel(labels[off + i], depth);
    }

    public static void checkLabels(long[] labels, int off, int n, int depth) {
        for (int i = 0; i < n; i++) checkLabel(labels[off + i], depth);
    }

    private static void checkLabel(long label, int depth) {
        if (label < 0 || label >= depth)
            throw new IllegalArgumentException("oneHot: label " + label + " is out of range for depth " + depth);
    }
}
