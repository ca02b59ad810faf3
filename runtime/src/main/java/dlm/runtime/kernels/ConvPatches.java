package dlm.runtime.kernels;


/**
 * The patch matrix of a convolution as the GEMM's left operand, gathered straight into the packed
 * panels ({@link PackA}'s layout) from an NHWC input: no im2col buffer. Row i is an output position
 * (img, oy, ox) (row-major), column p a tap and a channel, p = (a·kw + b)·c + ch (the order of an
 * HWIO kernel's rows); the element is {@code x[img][oy·sh − padTop + a·dh][ox·sw − padLeft + b·dw][ch]},
 * 0 outside the input.
 *
 * <p>One instance per calling thread ({@link #local()}), set before the product and cleared after;
 * the pool's threads call {@link #pack} concurrently, which only reads. Nothing is allocated per call.
 */
final class ConvPatches implements PackA {
    private static final ThreadLocal<ConvPatches> LOCAL = ThreadLocal.withInitial(ConvPatches::new);

    // the element of row (img, oy, ox), column (a, b, ch) is src[img][oy·mulY + offY + a·stepY][ox·mulX + offX + b·stepX][ch]
    private float[] src;
    private int srcOff, srcH, srcW, srcC, gridH, gridW, kw;
    private int mulY, offY, stepY, mulX, offX, stepX;

    /** Patches have too few whole zero k-steps for the skipping kernel (see {@link PackA#zeroStepsLikely}). */
    @Override
    public boolean zeroStepsLikely() { return false; }

    static ConvPatches local() { return LOCAL.get(); }

    /** x (n × h × w × c) read for an output of oh × ow positions. */
    ConvPatches set(float[] x, int xOff, int h, int w, int c, int oh, int ow, int kw,
                    int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        this.src = x; this.srcOff = xOff; this.srcH = h; this.srcW = w; this.srcC = c;
        this.gridH = oh; this.gridW = ow; this.kw = kw;
        this.mulY = sh; this.offY = -padTop; this.stepY = dh;
        this.mulX = sw; this.offX = -padLeft; this.stepX = dw;
        return this;
    }

    void clear() { src = null; }

    /** Per-thread scratch of {@link #pack}: the panel rows' source offsets and positions. */
    private static final ThreadLocal<int[]> ROWS = ThreadLocal.withInitial(() -> new int[3 * 8]);

    @Override
    public void pack(int i0, int rows, int p0, int kc, float[] dst, int dstOff) {
        final int mr = Gemm.MR;
        int[] t = ROWS.get(); // once a block of panels: a lookup per panel cost as much as its copies
        for (int ip = 0; ip < rows; ip += mr) {
            int d = dstOff + ip * kc;
            if (mr == 8 && rows - ip >= 8) panel8(i0 + ip, p0, kc, dst, d, t);
            else panel(i0 + ip, Math.min(mr, rows - ip), p0, kc, dst, d);
        }
    }

    /**
     * A full panel of 8 rows: for each tap whose source cells are inside the source for all 8 rows, each k step
     * copies the 8 rows' cells at the same tap and channel; other taps go row by row.
     */
    private void panel8(int i, int p0, int kc, float[] dst, int d, int[] t) {
        final int C = srcC, cells = gridH * gridW;
        // t: [0, 8): cell offsets, [8, 16): ny0, [16, 24): nx0
        int img = i / cells, cell = i - img * cells, oy = cell / gridW, ox = cell - oy * gridW;
        for (int r = 0; r < 8; r++) {
            int ny = oy * mulY + offY, nx = ox * mulX + offX;
            t[8 + r] = ny;
            t[16 + r] = nx;
            t[r] = srcOff + img * srcH * srcW * C + (ny * srcW + nx) * C;
            if (++ox == gridW) {
                ox = 0;
                if (++oy == gridH) { oy = 0; img++; }
            }
        }
        int tap = p0 / C, ch = p0 - tap * C, a = tap / kw, b = tap - a * kw;
        for (int p = 0; p < kc; ) {
            int run = Math.min(C - ch, kc - p);
            int dy = a * stepY, dx = b * stepX;
            boolean all = true, none = true;
            for (int r = 0; r < 8; r++) {
                int sy = t[8 + r] + dy, sx = t[16 + r] + dx;
                boolean in = sy >= 0 && sy < srcH && sx >= 0 && sx < srcW;
                all &= in;
                none &= !in;
            }
            int o = d + p * 8;
            if (all) {
                int delta = (dy * srcW + dx) * C + ch;
                // scalar loads: a vector gather here was not always compiled to one (C2's inlining
                // decisions vary from run to run) and then allocated a vector per step
                int s0 = t[0] + delta, s1 = t[1] + delta, s2 = t[2] + delta, s3 = t[3] + delta;
                int s4 = t[4] + delta, s5 = t[5] + delta, s6 = t[6] + delta, s7 = t[7] + delta;
                for (int q = 0; q < run; q++, o += 8) {
                    dst[o] = src[s0 + q]; dst[o + 1] = src[s1 + q]; dst[o + 2] = src[s2 + q]; dst[o + 3] = src[s3 + q];
                    dst[o + 4] = src[s4 + q]; dst[o + 5] = src[s5 + q]; dst[o + 6] = src[s6 + q]; dst[o + 7] = src[s7 + q];
                }
            } else if (none) {
                java.util.Arrays.fill(dst, o, o + run * 8, 0f);
            } else {
                for (int r = 0; r < 8; r++) {
                    int sy = t[8 + r] + dy, sx = t[16 + r] + dx, or = o + r;
                    if (sy >= 0 && sy < srcH && sx >= 0 && sx < srcW) {
                        int s = t[r] + (dy * srcW + dx) * C + ch;
                        for (int q = 0; q < run; q++, or += 8) dst[or] = src[s + q];
                    } else {
                        for (int q = 0; q < run; q++, or += 8) dst[or] = 0f;
                    }
                }
            }
            p += run;
            ch = 0;
            if (++b == kw) { b = 0; a++; }
        }
    }

    /** Any panel (mr ≤ MR rows, zero-padded to MR), row by row. */
    private void panel(int i0, int mr, int p0, int kc, float[] dst, int d) {
        final int MR = Gemm.MR, C = srcC, cells = gridH * gridW;
        for (int r = 0; r < MR; r++) {
            int dr = d + r;
            if (r >= mr) {
                for (int p = 0; p < kc; p++) dst[dr + p * MR] = 0f;
                continue;
            }
            int i = i0 + r, img = i / cells, cell = i - img * cells, oy = cell / gridW, ox = cell - oy * gridW;
            int base = srcOff + img * srcH * srcW * C;
            int ny0 = oy * mulY + offY, nx0 = ox * mulX + offX;
            int tap = p0 / C, ch = p0 - tap * C, a = tap / kw, b = tap - a * kw;
            for (int p = 0; p < kc; ) {
                int run = Math.min(C - ch, kc - p);
                int ny = ny0 + a * stepY, nx = nx0 + b * stepX;
                int o = dr + p * MR;
                if (ny >= 0 && nx >= 0 && ny < srcH && nx < srcW) {
                    int s = base + (ny * srcW + nx) * C + ch;
                    for (int q = 0; q < run; q++, o += MR) dst[o] = src[s + q];
                } else {
                    for (int q = 0; q < run; q++, o += MR) dst[o] = 0f;
                }
                p += run;
                ch = 0;
                if (++b == kw) { b = 0; a++; }
            }
        }
    }
}
