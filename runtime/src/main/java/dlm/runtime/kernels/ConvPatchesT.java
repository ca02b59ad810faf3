package dlm.runtime.kernels;

/**
 * The transposed patch matrix of a convolution as the GEMM's left operand, for the kernel's
 * gradient dk = patchesᵀ·dy: row p is a tap and an input channel, p = (a·kw + b)·c + ch (the
 * HWIO kernel's row order), column i an output position (img, oy, ox); the element is
 * {@code x[img][oy·sh − padTop + a·dh][ox·sw − padLeft + b·dw][ch]}, 0 outside the input.
 * Gathered straight into the packed panels ({@link PackA}'s layout), no im2col buffer.
 *
 * <p>One instance per calling thread ({@link #local()}); {@link #pack} only reads, so the pool's
 * threads call it concurrently. Nothing is allocated per call.
 */
final class ConvPatchesT implements PackA {
    private static final ThreadLocal<ConvPatchesT> LOCAL = ThreadLocal.withInitial(ConvPatchesT::new);

    private float[] x;
    private int xOff, h, w, c, oh, ow, kw, sh, sw, dh, dw, padTop, padLeft;

    static ConvPatchesT local() { return LOCAL.get(); }

    ConvPatchesT set(float[] x, int xOff, int h, int w, int c, int oh, int ow, int kw,
                     int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        this.x = x; this.xOff = xOff; this.h = h; this.w = w; this.c = c; this.oh = oh; this.ow = ow; this.kw = kw;
        this.sh = sh; this.sw = sw; this.dh = dh; this.dw = dw; this.padTop = padTop; this.padLeft = padLeft;
        return this;
    }

    void clear() { x = null; }

    @Override
    public void pack(int i0, int rows, int p0, int kc, float[] dst, int dstOff) {
        final int mr = Gemm.MR, cells = oh * ow;
        for (int ip = 0; ip < rows; ip += mr) {
            int d = dstOff + ip * kc;
            for (int r = 0; r < mr; r++) {
                int dr = d + r;
                if (ip + r >= rows) {
                    for (int p = 0; p < kc; p++) dst[dr + p * mr] = 0f;
                    continue;
                }
                int row = i0 + ip + r, tap = row / c, ch = row - tap * c, a = tap / kw, b = tap - a * kw;
                int ty = a * dh - padTop, tx = b * dw - padLeft;
                // walk the output positions p0 .. p0 + kc in order
                int img = p0 / cells, cell = p0 - img * cells, oy = cell / ow, ox = cell - oy * ow;
                int base = xOff + img * h * w * c + ch;
                for (int p = 0, o = dr; p < kc; p++, o += mr) {
                    int iy = oy * sh + ty, ix = ox * sw + tx;
                    dst[o] = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[base + (iy * w + ix) * c] : 0f;
                    if (++ox == ow) {
                        ox = 0;
                        if (++oy == oh) { oy = 0; base += h * w * c; }
                    }
                }
            }
        }
    }
}
