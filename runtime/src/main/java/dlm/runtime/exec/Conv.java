package dlm.runtime.exec;

import static dlm.runtime.exec.ConvChecks.*;

import dlm.runtime.kernels.Convolution;
import dlm.runtime.kernels.ConvolutionF64;

/**
 * The 2-D convolutions generated code calls (Keras's layouts): input NHWC {@code x[n][h][w][c]},
 * kernel HWIO {@code k[kh][kw][c][f]}, output {@code y[n][oh][ow][f]}, strides (sh, sw), dilation
 * (dh, dw). Output cell (oy, ox) reads input cell (oy·sh − padTop + a·dh, ox·sw − padLeft + b·dw)
 * for tap (a, b); cells outside the input read 0. The bottom and right padding are implied by
 * oh and ow ({@code oh = (h + padTop + padBottom − dh·(kh−1) − 1)/sh + 1}). Each tensor is
 * contiguous from its offset. Nothing is allocated per call.
 *
 * <p>f32 runs on the packed GEMM as implicit GEMMs ({@link Convolution}): same bits for every
 * thread count, vector width and register tile. f64 runs plain loops ({@link ConvolutionF64}).
 */
public final class Conv {
    private Conv() {}

    /** {@code y = conv(x, k) [+ bias[f]] [then relu]}; bias may be null (then biasOff is ignored). */
    public static void conv2d(float[] x, int xOff, float[] k, int kOff, float[] bias, int biasOff, boolean relu,
                              float[] y, int yOff, int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                              int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        geometry(n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw);
        tensor("x", x, len(x), xOff, n, h, w, c);
        tensor("kernel", k, len(k), kOff, kh, kw, c, f);
        if (bias != null) tensor("bias", bias, bias.length, biasOff, 1, 1, 1, f);
        if (tensor("y", y, len(y), yOff, n, oh, ow, f) == 0) return;
        Convolution.conv2d(x, xOff, k, kOff, bias, biasOff, relu, y, yOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft);
    }

    /**
     * dx (n, h, w, c) = the gradient w.r.t. x of {@code sum(dy * conv2d(x, k))}; overwrites dx.
     * {@code work} holds {@link #conv2dBackpropInputWorkspace} floats from {@code workOff} (none at
     * present: the kernel keeps its scratch per thread; {@code work} may then be null).
     */
    public static void conv2dBackpropInput(float[] dy, int dyOff, float[] k, int kOff, float[] dx, int dxOff,
                                           float[] work, int workOff, int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                                           int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        geometry(n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw);
        tensor("dy", dy, len(dy), dyOff, n, oh, ow, f);
        tensor("kernel", k, len(k), kOff, kh, kw, c, f);
        tensor("workspace", work, len(work), workOff, 1, 1, 1, conv2dBackpropInputWorkspace(n, h, w, c, kh, kw, f, oh, ow));
        if (tensor("dx", dx, len(dx), dxOff, n, h, w, c) == 0) return;
        Convolution.conv2dBackpropInput(dy, dyOff, k, kOff, dx, dxOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft);
    }

    /**
     * Floats of workspace {@link #conv2dBackpropInput} needs: 0 (its chunk buffer is per thread, kept
     * between calls). Part of the API so that a kernel that needs one can ask for it.
     */
    public static int conv2dBackpropInputWorkspace(int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow) {
        return 0;
    }

    /** dk (kh, kw, c, f) = the gradient w.r.t. k of {@code sum(dy * conv2d(x, k))}; overwrites dk. */
    public static void conv2dBackpropFilter(float[] x, int xOff, float[] dy, int dyOff, float[] dk, int dkOff,
                                            int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                                            int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        geometry(n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw);
        tensor("x", x, len(x), xOff, n, h, w, c);
        tensor("dy", dy, len(dy), dyOff, n, oh, ow, f);
        if (tensor("dk", dk, len(dk), dkOff, kh, kw, c, f) == 0) return;
        Convolution.conv2dBackpropFilter(x, xOff, dy, dyOff, dk, dkOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft);
    }

    // ---- f64 -------------------------------------------------------------------------------------

    /** As the f32 version. */
    public static void conv2d(double[] x, int xOff, double[] k, int kOff, double[] bias, int biasOff, boolean relu,
                              double[] y, int yOff, int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                              int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        geometry(n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw);
        tensor("x", x, len(x), xOff, n, h, w, c);
        tensor("kernel", k, len(k), kOff, kh, kw, c, f);
        if (bias != null) tensor("bias", bias, bias.length, biasOff, 1, 1, 1, f);
        if (tensor("y", y, len(y), yOff, n, oh, ow, f) == 0) return;
        ConvolutionF64.conv2d(x, xOff, k, kOff, bias, biasOff, relu, y, yOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft);
    }

    /** As the f32 version; the f64 loops need no workspace ({@code work} may be null). */
    public static void conv2dBackpropInput(double[] dy, int dyOff, double[] k, int kOff, double[] dx, int dxOff,
                                           double[] work, int workOff, int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                                           int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        geometry(n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw);
        tensor("dy", dy, len(dy), dyOff, n, oh, ow, f);
        tensor("kernel", k, len(k), kOff, kh, kw, c, f);
        if (tensor("dx", dx, len(dx), dxOff, n, h, w, c) == 0) return;
        ConvolutionF64.conv2dBackpropInput(dy, dyOff, k, kOff, dx, dxOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft);
    }

    /** As the f32 version. */
    public static void conv2dBackpropFilter(double[] x, int xOff, double[] dy, int dyOff, double[] dk, int dkOff,
                                            int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                                            int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        geometry(n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw);
        tensor("x", x, len(x), xOff, n, h, w, c);
        tensor("dy", dy, len(dy), dyOff, n, oh, ow, f);
        if (tensor("dk", dk, len(dk), dkOff, kh, kw, c, f) == 0) return;
        ConvolutionF64.conv2dBackpropFilter(x, xOff, dy, dyOff, dk, dkOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft);
    }
}
