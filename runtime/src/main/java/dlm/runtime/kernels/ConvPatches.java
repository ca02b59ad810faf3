package dlm.runtime.kernels;

/**
 * The patch matrix of a convolution as the GEMM's left operand, gathered straight into the packed
 * panels ({@link PackA}'s layout) from an NHWC tensor: no im2col buffer.
 *
 * <p>Row i is a position (img, oy, ox) of an {@code img × gridH × gridW} grid (row-major); column
 * p is a tap and a channel, p = (a·kw + b)·C + ch (the order of an HWIO kernel's rows). The element
 * is {@code src[img][sy][sx][ch]} where
 * <pre>  sy = (oy·mulY + offY + a·stepY) / divY,  sx likewise,</pre>
 * and 0 when the numerator is negative or not a multiple of the divisor, or (sy, sx) lies outside
 * the {@code H × W} source. Two instances of it:
 * <ul>
 *   <li>the forward convolution: the source is x, the grid the output (mul = stride,
 *   off = -pad, step = dilation, div = 1);</li>
 *   <li>the input gradient in its direct form: the source is dy, the grid the input, and
 *   dx(iy, ix) = Σ dy((iy + padTop − a·dh)/sh, …)·k[a][b] over the taps whose division is exact
 *   (mul = 1, off = pad, step = −dilation, div = stride).</li>
 * </ul>
 *
 * <p>One instance per calling thread ({@link #local()}), set before the product and cleared after;
 * the pool's threads call {@link #pack} concurrently, which only reads. Nothing is allocated per call.
 */
final class ConvPatches implements PackA {
    private static final ThreadLocal<ConvPatches> LOCAL = ThreadLocal.withInitial(ConvPatches::new);

    private float[] src;
    private int srcOff, srcH, srcW, srcC, gridH, gridW, kw;
    private int mulY, offY, stepY, divY, mulX, offX, stepX, divX;

    static ConvPatches local() { return LOCAL.get(); }

    ConvPatches set(float[] src, int srcOff, int srcH, int srcW, int srcC, int gridH, int gridW, int kw,
                    int mulY, int offY, int stepY, int divY, int mulX, int offX, int stepX, int divX) {
        this.src = src; this.srcOff = srcOff; this.srcH = srcH; this.srcW = srcW; this.srcC = srcC;
        this.gridH = gridH; this.gridW = gridW; this.kw = kw;
        this.mulY = mulY; this.offY = offY; this.stepY = stepY; this.divY = divY;
        this.mulX = mulX; this.offX = offX; this.stepX = stepX; this.divX = divX;
        return this;
    }

    void clear() { src = null; }

    @Override
    public void pack(int i0, int rows, int p0, int kc, float[] dst, int dstOff) {
        final int mr = Gemm.MR, C = srcC, cells = gridH * gridW;
        for (int ip = 0; ip < rows; ip += mr) {
            int d = dstOff + ip * kc;
            for (int r = 0; r < mr; r++) {
                int dr = d + r;
                if (ip + r >= rows) {
                    for (int p = 0; p < kc; p++) dst[dr + p * mr] = 0f;
                    continue;
                }
                int i = i0 + ip + r, img = i / cells, cell = i - img * cells, oy = cell / gridW, ox = cell - oy * gridW;
                int base = srcOff + img * srcH * srcW * C;
                int ny0 = oy * mulY + offY, nx0 = ox * mulX + offX;
                int tap = p0 / C, ch = p0 - tap * C, a = tap / kw, b = tap - a * kw;
                for (int p = 0; p < kc; ) {
                    int run = Math.min(C - ch, kc - p);
                    int ny = ny0 + a * stepY, nx = nx0 + b * stepX;
                    int sy = ny / divY, sx = nx / divX;
                    int o = dr + p * mr;
                    if (ny >= 0 && nx >= 0 && sy < srcH && sx < srcW && sy * divY == ny && sx * divX == nx) {
                        int s = base + (sy * srcW + sx) * C + ch;
                        for (int q = 0; q < run; q++, o += mr) dst[o] = src[s + q];
                    } else {
                        for (int q = 0; q < run; q++, o += mr) dst[o] = 0f;
                    }
                    p += run;
                    ch = 0;
                    if (++b == kw) { b = 0; a++; }
                }
            }
        }
    }
}
