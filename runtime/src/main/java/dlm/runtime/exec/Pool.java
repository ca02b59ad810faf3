package dlm.runtime.exec;

import static dlm.runtime.exec.ConvChecks.*;

import dlm.runtime.kernels.Pooling;

/**
 * The 2-D pooling ops generated code calls, on NHWC tensors {@code x[n][h][w][c]} →
 * {@code y[n][oh][ow][c]}: window ph×pw, strides (sh, sw); output cell (oy, ox) covers input rows
 * {@code oy·sh − padTop + [0, ph)} and columns {@code ox·sw − padLeft + [0, pw)}, and only the cells
 * of these inside the input take part. Tie rule, NaN and empty windows: see {@link Pooling}.
 * Fused loops, parallel when large, allocation-free; the results do not depend on the thread count.
 */
public final class Pool {
    private Pool() {}

    /** max over each window (the first maximal cell in row-major window order; a NaN wins, the first one; padded cells are never read, as −∞); y (n, oh, ow, c). */
    public static void maxPool2d(float[] x, int xOff, float[] y, int yOff, int n, int h, int w, int c, int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        geometry(n, h, w, c, ph, pw, c, oh, ow, sh, sw, 1, 1);
        tensor("x", x, len(x), xOff, n, h, w, c);
        tensor("y", y, len(y), yOff, n, oh, ow, c);
        Pooling.maxPool2d(x, xOff, y, yOff, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
    }

    /** dx = the gradient of {@code sum(dy * maxPool2d(x))}: each window's dy goes to the cell {@link #maxPool2d} took (the first maximal one), accumulated over overlapping windows; overwrites dx. */
    public static void maxPool2dBackprop(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n, int h, int w, int c, int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        maxPool2dBackprop(x, xOff, dy, dyOff, false, dx, dxOff, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
    }

    /** {@code where(x > 0, maxPool2dBackprop(x, dy), 0)} when {@code positive} (relu's gradient mask fused): a window sends its dy only when its winning value is above 0. */
    public static void maxPool2dBackprop(float[] x, int xOff, float[] dy, int dyOff, boolean positive, float[] dx, int dxOff, int n, int h, int w, int c, int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        geometry(n, h, w, c, ph, pw, c, oh, ow, sh, sw, 1, 1);
        tensor("x", x, len(x), xOff, n, h, w, c);
        tensor("dy", dy, len(dy), dyOff, n, oh, ow, c);
        tensor("dx", dx, len(dx), dxOff, n, h, w, c);
        Pooling.maxPool2dBackprop(x, xOff, dy, dyOff, positive, dx, dxOff, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
    }

    /** the average over each window's cells inside the input (padded cells not counted, as Keras/TF "same"); summed in row-major window order, divided by the count. */
    public static void avgPool2d(float[] x, int xOff, float[] y, int yOff, int n, int h, int w, int c, int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        geometry(n, h, w, c, ph, pw, c, oh, ow, sh, sw, 1, 1);
        tensor("x", x, len(x), xOff, n, h, w, c);
        tensor("y", y, len(y), yOff, n, oh, ow, c);
        Pooling.avgPool2d(x, xOff, y, yOff, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
    }

    /** dx = the gradient of {@code sum(dy * avgPool2d(x))}: each cell gets dy / count from every window holding it, windows in row-major order; overwrites dx. */
    public static void avgPool2dBackprop(float[] dy, int dyOff, float[] dx, int dxOff, int n, int h, int w, int c, int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        geometry(n, h, w, c, ph, pw, c, oh, ow, sh, sw, 1, 1);
        tensor("dy", dy, len(dy), dyOff, n, oh, ow, c);
        tensor("dx", dx, len(dx), dxOff, n, h, w, c);
        Pooling.avgPool2dBackprop(dy, dyOff, dx, dxOff, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
    }

    /** max over each window (the first maximal cell in row-major window order; a NaN wins, the first one; padded cells are never read, as −∞); y (n, oh, ow, c). */
    public static void maxPool2d(double[] x, int xOff, double[] y, int yOff, int n, int h, int w, int c, int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        geometry(n, h, w, c, ph, pw, c, oh, ow, sh, sw, 1, 1);
        tensor("x", x, len(x), xOff, n, h, w, c);
        tensor("y", y, len(y), yOff, n, oh, ow, c);
        Pooling.maxPool2d(x, xOff, y, yOff, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
    }

    /** dx = the gradient of {@code sum(dy * maxPool2d(x))}: each window's dy goes to the cell {@link #maxPool2d} took (the first maximal one), accumulated over overlapping windows; overwrites dx. */
    public static void maxPool2dBackprop(double[] x, int xOff, double[] dy, int dyOff, double[] dx, int dxOff, int n, int h, int w, int c, int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        maxPool2dBackprop(x, xOff, dy, dyOff, false, dx, dxOff, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
    }

    /** {@code where(x > 0, maxPool2dBackprop(x, dy), 0)} when {@code positive} (relu's gradient mask fused): a window sends its dy only when its winning value is above 0. */
    public static void maxPool2dBackprop(double[] x, int xOff, double[] dy, int dyOff, boolean positive, double[] dx, int dxOff, int n, int h, int w, int c, int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        geometry(n, h, w, c, ph, pw, c, oh, ow, sh, sw, 1, 1);
        tensor("x", x, len(x), xOff, n, h, w, c);
        tensor("dy", dy, len(dy), dyOff, n, oh, ow, c);
        tensor("dx", dx, len(dx), dxOff, n, h, w, c);
        Pooling.maxPool2dBackprop(x, xOff, dy, dyOff, positive, dx, dxOff, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
    }

    /** the average over each window's cells inside the input (padded cells not counted, as Keras/TF "same"); summed in row-major window order, divided by the count. */
    public static void avgPool2d(double[] x, int xOff, double[] y, int yOff, int n, int h, int w, int c, int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        geometry(n, h, w, c, ph, pw, c, oh, ow, sh, sw, 1, 1);
        tensor("x", x, len(x), xOff, n, h, w, c);
        tensor("y", y, len(y), yOff, n, oh, ow, c);
        Pooling.avgPool2d(x, xOff, y, yOff, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
    }

    /** dx = the gradient of {@code sum(dy * avgPool2d(x))}: each cell gets dy / count from every window holding it, windows in row-major order; overwrites dx. */
    public static void avgPool2dBackprop(double[] dy, int dyOff, double[] dx, int dxOff, int n, int h, int w, int c, int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        geometry(n, h, w, c, ph, pw, c, oh, ow, sh, sw, 1, 1);
        tensor("dy", dy, len(dy), dyOff, n, oh, ow, c);
        tensor("dx", dx, len(dx), dxOff, n, h, w, c);
        Pooling.avgPool2dBackprop(dy, dyOff, dx, dxOff, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
    }
}
