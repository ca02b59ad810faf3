package dlm.runtime.kernels;

/**
 * 2-D convolution in f32 (NHWC input, HWIO kernel, NHWC output) and its two gradients, as
 * GEMMs on {@link Gemm}'s packed kernel. Forward and kernel gradient are implicit GEMMs: the
 * patches are gathered into the packed panels by a {@link PackA} ({@link ConvPatches},
 * {@link ConvPatchesT}), never materialized.
 * Arguments are checked by the caller ({@code dlm.runtime.exec.Conv}).
 *
 * <ul>
 *   <li>forward: y (n·oh·ow × f) = patches(x) (n·oh·ow × kh·kw·c) · k (kh·kw·c × f), with the
 *   bias and ReLU in the GEMM's epilogue;</li>
 *   <li>input gradient: GEMM + col2im ({@link ConvInputGradient}): dy · kᵀ for a chunk of output
 *   positions at a time into an L2-sized buffer, then added into dx at the cells the forward pass
 *   read; when the channels are a multiple of the vector width, register tiles of dy · kᵀ added
 *   straight into dx ({@link InputGradientTiles}), with the same bits. (A direct form, dx = patches(dy) · k' with the kernel's taps flipped, was 0.45-0.8× as
 *   fast here: dy's patches cost as much to gather as the product, the zero border is multiplied,
 *   and with strides above 1 most taps are zero; see bench/README.md);</li>
 *   <li>kernel gradient: dk (kh·kw·c × f) = patches(x)ᵀ · dy (n·oh·ow × f).</li>
 * </ul>
 *
 * <p>The forward pass of kernels with few taps (a first layer's) runs direct instead ({@link SmallConv}), with the same bits.
 * When every window lies inside the input and the filters are few ({@link #direct}), the forward pass and
 * the kernel gradient read the patches in place through index tables ({@link DirectGemm}) instead of
 * packing them, with the same bits.
 *
 * <p>Each result element of y and dk is one GEMM element: FMAs in the order of the product's k
 * (taps a, b, then channels; for dk the output positions in order), in blocks of {@link Gemm#KC};
 * dx's elements are sums of GEMM elements in a fixed order. So the results are bit for bit the same
 * for every thread count, vector width and register tile.
 */
public final class Convolution {
    private Convolution() {}

    /**
     * With the 8-row tile, the most column tiles ({@link Gemm#NR} filters each) for which patches are
     * read in place (see {@link #direct}).
     */
    static final int DIRECT_MAX_COLUMN_TILES = 2;


    public static void conv2d(float[] x, int xOff, float[] k, int kOff, float[] bias, int biasOff, boolean relu,
                              float[] y, int yOff, int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                              int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        if (SmallConv.applies(kh, kw, c)) {
            SmallConv.conv2d(x, xOff, k, kOff, bias, biasOff, relu, y, yOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft);
            return;
        }
        conv2dGemm(x, xOff, k, kOff, bias, biasOff, relu, y, yOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft);
    }

    /** The forward pass as an implicit GEMM, whatever the kernel's size. */
    static void conv2dGemm(float[] x, int xOff, float[] k, int kOff, float[] bias, int biasOff, boolean relu,
                           float[] y, int yOff, int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                           int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        int m = n * oh * ow, kk = kh * kw * c;
        Epilogue e = bias != null ? (relu ? Epilogue.BIAS_RELU : Epilogue.BIAS) : (relu ? Epilogue.RELU : Epilogue.NONE);
        if (direct(n, h, w, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft)) {
            DirectGemm d = DirectGemm.local();
            corners(d.rows(m), xOff, n, h, w, c, oh, ow, sh, sw, padTop, padLeft);
            taps(d.cols(kk), 0, w, c, kh, kw, dh, dw);
            d.run(x, m, f, kk, k, kOff, f, y, yOff, f, bias, biasOff, e.ordinal(), false, true, false);
            return;
        }
        ConvPatches a = ConvPatches.local().set(x, xOff, h, w, c, oh, ow, kw, sh, sw, dh, dw, padTop, padLeft);
        try {
            Gemm.sgemm(a, false, m, f, kk, k, kOff, f, y, yOff, f, false, bias, biasOff, e);
        } finally {
            a.clear();
        }
    }

    /** The input gradient: see {@link ConvInputGradient} (GEMM + col2im, chunk by chunk; no workspace). */
    public static void conv2dBackpropInput(float[] dy, int dyOff, float[] k, int kOff, float[] dx, int dxOff,
                                           int n, int h, int w, int c, int kh, int kw, int f,
                                           int oh, int ow, int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        ConvInputGradient.run(dy, dyOff, k, kOff, dx, dxOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft);
    }

    public static void conv2dBackpropFilter(float[] x, int xOff, float[] dy, int dyOff, float[] dk, int dkOff,
                                            int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                                            int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        if (direct(n, h, w, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft)) {
            DirectGemm d = DirectGemm.local();
            int kk = kh * kw * c, m = n * oh * ow;
            taps(d.rows(kk), xOff, w, c, kh, kw, dh, dw);
            corners(d.cols(m), 0, n, h, w, c, oh, ow, sh, sw, padTop, padLeft);
            d.run(x, kk, f, m, dy, dyOff, f, dk, dkOff, f, null, 0, 0, true, true, c % Gemm.MR == 0); // a tile's rows: one tap's channels
            return;
        }
        ConvPatchesT a = ConvPatchesT.local().set(x, xOff, h, w, c, oh, ow, kw, sh, sw, dh, dw, padTop, padLeft);
        try {
            Gemm.sgemm(a, false, kh * kw * c, f, n * oh * ow, dy, dyOff, f, dk, dkOff, f, false, null, 0, Epilogue.NONE);
        } finally {
            a.clear();
        }
    }

    /**
     * Whether the forward pass and the kernel gradient read the patches in place ({@link DirectGemm})
     * instead of packing them: when every window lies inside the input (no padding is read), so that
     * a patch element is {@code x[corner(position) + offset(tap, channel)]}, there is at least one
     * output position, and either the tile has 6 rows (the 16-register file: the patch packers copy
     * such panels element by element) or the filters span at most {@link #DIRECT_MAX_COLUMN_TILES}
     * column tiles (a packed 8-row panel is reused once per column tile, so with more tiles the
     * packing pays for itself).
     */
    static boolean direct(int n, int h, int w, int kh, int kw, int f, int oh, int ow, int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        return DirectGemm.enabled && n > 0 && oh > 0 && ow > 0 && padTop <= 0 && padLeft <= 0
                && (Gemm.MR != 8 || (f + Gemm.NR - 1) / Gemm.NR <= DIRECT_MAX_COLUMN_TILES)
                && (long) (oh - 1) * sh - padTop + (long) (kh - 1) * dh < h
                && (long) (ow - 1) * sw - padLeft + (long) (kw - 1) * dw < w;
    }

    /** at[i] = the offset of output position i's window corner (row-major positions), from base. */
    static void corners(int[] at, int base, int n, int h, int w, int c, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        int i = 0;
        for (int img = 0; img < n; img++)
            for (int oy = 0; oy < oh; oy++) {
                int o = base + ((img * h + oy * sh - padTop) * w - padLeft) * c;
                for (int ox = 0; ox < ow; ox++) at[i++] = o + ox * sw * c;
            }
    }

    /** at[p] = the offset of tap (a, b) and channel ch from a window's corner, p = (a·kw + b)·c + ch (HWIO order), plus base. */
    static void taps(int[] at, int base, int w, int c, int kh, int kw, int dh, int dw) {
        int p = 0;
        for (int a = 0; a < kh; a++)
            for (int b = 0; b < kw; b++)
                for (int ch = 0; ch < c; ch++) at[p++] = base + (a * dh * w + b * dw) * c + ch;
    }
}
