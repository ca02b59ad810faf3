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

    /** Patches have too few whole zero k-steps for the skipping kernel (see {@link PackA#zeroStepsLikely}). */
    @Override
    public boolean zeroStepsLikely() { return false; }

    static ConvPatchesT local() { return LOCAL.get(); }

    ConvPatchesT set(float[] x, int xOff, int h, int w, int c, int oh, int ow, int kw,
                     int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        this.x = x; this.xOff = xOff; this.h = h; this.w = w; this.c = c; this.oh = oh; this.ow = ow; this.kw = kw;
        this.sh = sh; this.sw = sw; this.dh = dh; this.dw = dw; this.padTop = padTop; this.padLeft = padLeft;
        return this;
    }

    void clear() { x = null; }

    /** Per-thread scratch of {@link #pack}: the panel rows' tap offsets and tap positions. */
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
     * A full panel of 8 rows (taps × channels): at each output position whose 8 cells are all inside
     * the input, one 8-float copy (8 consecutive channels of one tap) or 8 loads; else cell by cell.
     */
    private void panel8(int row0, int p0, int kc, float[] dst, int d, int[] t) {
        final int cells = oh * ow, hwc = h * w * c;
        // t: [0, 8): offset of the row's cell from the position's corner; [8, 16): ty; [16, 24): tx
        int tyMin = Integer.MAX_VALUE, tyMax = Integer.MIN_VALUE, txMin = Integer.MAX_VALUE, txMax = Integer.MIN_VALUE;
        boolean consecutive = true;
        for (int r = 0; r < 8; r++) {
            int row = row0 + r, tap = row / c, ch = row - tap * c, a = tap / kw, b = tap - a * kw;
            int ty = a * dh - padTop, tx = b * dw - padLeft;
            t[8 + r] = ty;
            t[16 + r] = tx;
            t[r] = (ty * w + tx) * c + ch;
            consecutive &= t[r] == t[0] + r;
            tyMin = Math.min(tyMin, ty); tyMax = Math.max(tyMax, ty);
            txMin = Math.min(txMin, tx); txMax = Math.max(txMax, tx);
        }
        int img = p0 / cells, cell = p0 - img * cells, oy = cell / ow, ox = cell - oy * ow;
        int imgBase = xOff + img * hwc;
        for (int p = 0, o = d; p < kc; p++, o += 8) {
            int iy = oy * sh, ix = ox * sw, corner = imgBase + (iy * w + ix) * c;
            if (iy + tyMin >= 0 && iy + tyMax < h && ix + txMin >= 0 && ix + txMax < w) {
                // plain copies: vector loads here were not always compiled to vector instructions
                // (C2's inlining decisions vary from run to run) and then allocated per step
                if (consecutive) {
                    System.arraycopy(x, corner + t[0], dst, o, 8);
                } else {
                    dst[o] = x[corner + t[0]]; dst[o + 1] = x[corner + t[1]]; dst[o + 2] = x[corner + t[2]]; dst[o + 3] = x[corner + t[3]];
                    dst[o + 4] = x[corner + t[4]]; dst[o + 5] = x[corner + t[5]]; dst[o + 6] = x[corner + t[6]]; dst[o + 7] = x[corner + t[7]];
                }
            } else {
                for (int r = 0; r < 8; r++) {
                    int y = iy + t[8 + r], xx = ix + t[16 + r];
                    dst[o + r] = y >= 0 && y < h && xx >= 0 && xx < w ? x[corner + t[r]] : 0f;
                }
            }
            if (++ox == ow) {
                ox = 0;
                if (++oy == oh) { oy = 0; imgBase += hwc; }
            }
        }
    }

    /** Any panel (mr ≤ MR rows, zero-padded to MR), row by row. */
    private void panel(int row0, int mr, int p0, int kc, float[] dst, int d) {
        final int MR = Gemm.MR, cells = oh * ow;
        for (int r = 0; r < MR; r++) {
            int dr = d + r;
            if (r >= mr) {
                for (int p = 0; p < kc; p++) dst[dr + p * MR] = 0f;
                continue;
            }
            int row = row0 + r, tap = row / c, ch = row - tap * c, a = tap / kw, b = tap - a * kw;
            int ty = a * dh - padTop, tx = b * dw - padLeft;
            // walk the output positions p0 .. p0 + kc in order
            int img = p0 / cells, cell = p0 - img * cells, oy = cell / ow, ox = cell - oy * ow;
            int base = xOff + img * h * w * c + ch;
            for (int p = 0, o = dr; p < kc; p++, o += MR) {
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
