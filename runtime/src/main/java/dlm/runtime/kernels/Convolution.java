package dlm.runtime.kernels;

/**
 * 2-D convolution in f32 (NHWC input, HWIO kernel, NHWC output) and its two gradients, as
 * implicit GEMMs on {@link Gemm}'s packed kernel: the patches are gathered into the packed
 * panels by a {@link PackA} ({@link ConvPatches}, {@link ConvPatchesT}), never materialized.
 * Arguments are checked by the caller ({@code dlm.runtime.exec.Conv}).
 *
 * <ul>
 *   <li>forward: y (n·oh·ow × f) = patches(x) (n·oh·ow × kh·kw·c) · k (kh·kw·c × f), with the
 *   bias and ReLU in the GEMM's epilogue;</li>
 *   <li>input gradient, direct form (no col2im): dx (n·h·w × c) = patches(dy) (n·h·w × kh·kw·f) ·
 *   k' (kh·kw·f × c), where k'[a][b][j][ch] = k[a][b][ch][j] (the workspace, kh·kw·c·f floats) and
 *   patches(dy) holds dy((iy + padTop − a·dh)/sh, (ix + padLeft − b·dw)/sw) where both divisions
 *   are exact and in range, else 0. With strides above 1 most of those taps are 0: the product
 *   then does up to sh·sw times the necessary work (the zero-step skipping recovers part of it);
 *   stride 1, the common case, wastes only the border;</li>
 *   <li>kernel gradient: dk (kh·kw·c × f) = patches(x)ᵀ · dy (n·oh·ow × f).</li>
 * </ul>
 *
 * <p>Each result element is therefore one GEMM element: FMAs in the order of the product's k
 * (taps a, b, then channels; for dk the output positions in order), in blocks of {@link Gemm#KC},
 * so the result is bit for bit the same for every thread count, vector width and register tile.
 */
public final class Convolution {
    private Convolution() {}

    public static void conv2d(float[] x, int xOff, float[] k, int kOff, float[] bias, int biasOff, boolean relu,
                              float[] y, int yOff, int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                              int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        int m = n * oh * ow, kk = kh * kw * c;
        Epilogue e = bias != null ? (relu ? Epilogue.BIAS_RELU : Epilogue.BIAS) : (relu ? Epilogue.RELU : Epilogue.NONE);
        ConvPatches a = ConvPatches.local().set(x, xOff, h, w, c, oh, ow, kw, sh, -padTop, dh, 1, sw, -padLeft, dw, 1);
        try {
            Gemm.sgemm(a, false, m, f, kk, k, kOff, f, y, yOff, f, false, bias, biasOff, e);
        } finally {
            a.clear();
        }
    }

    /** Floats of workspace {@link #conv2dBackpropInput} needs: the rearranged kernel. */
    public static int backpropInputWorkspace(int c, int kh, int kw, int f) {
        return kh * kw * c * f;
    }

    public static void conv2dBackpropInput(float[] dy, int dyOff, float[] k, int kOff, float[] dx, int dxOff,
                                           float[] work, int workOff, int n, int h, int w, int c, int kh, int kw, int f,
                                           int oh, int ow, int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        // k'[tap][j][ch] = k[tap][ch][j]: each tap's c×f block transposed
        for (int tap = 0, taps = kh * kw; tap < taps; tap++) {
            int src = kOff + tap * c * f, dst = workOff + tap * c * f;
            for (int ch = 0; ch < c; ch++) {
                for (int j = 0; j < f; j++) work[dst + j * c + ch] = k[src + ch * f + j];
            }
        }
        ConvPatches a = ConvPatches.local().set(dy, dyOff, oh, ow, f, h, w, kw, 1, padTop, -dh, sh, 1, padLeft, -dw, sw);
        try {
            Gemm.sgemm(a, false, n * h * w, c, kh * kw * f, work, workOff, c, dx, dxOff, c, false, null, 0, Epilogue.NONE);
        } finally {
            a.clear();
        }
    }

    public static void conv2dBackpropFilter(float[] x, int xOff, float[] dy, int dyOff, float[] dk, int dkOff,
                                            int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                                            int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        ConvPatchesT a = ConvPatchesT.local().set(x, xOff, h, w, c, oh, ow, kw, sh, sw, dh, dw, padTop, padLeft);
        try {
            Gemm.sgemm(a, false, kh * kw * c, f, n * oh * ow, dy, dyOff, f, dk, dkOff, f, false, null, 0, Epilogue.NONE);
        } finally {
            a.clear();
        }
    }
}
