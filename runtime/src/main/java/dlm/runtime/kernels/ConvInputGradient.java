package dlm.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The input gradient of a 2-D convolution in f32 as GEMM + col2im, chunk by chunk: for a chunk of
 * output positions (rows of dy), {@code cols = dy_chunk · kᵀ} (rows × kh·kw·c, one GEMM), then each
 * row's taps are added into dx at the input cells the forward pass read (cells outside the input
 * are dropped). A chunk of cols fits L2 ({@link #COLS_FLOATS}), so it is read back from cache.
 *
 * <p>Determinism: dx's element gets its terms in a fixed order — output positions in row-major
 * order, each one's taps in order — and each term is one GEMM element (the same bits on any
 * thread). Threads take whole images (different images' cells never meet), so the result does not
 * depend on the thread count; with fewer images than threads, the chunks' GEMMs run in parallel
 * instead. Strides and dilations cost nothing extra (no zero taps are multiplied).
 *
 * <p>Scratch: a chunk of cols per thread, grown on demand (nothing allocated in a steady stream of calls).
 *
 * <p>Geometries that {@link InputGradientTiles} takes (channels a multiple of the vector width, one k
 * block of filters) run there instead: the same bits with no cols buffer.
 */
final class ConvInputGradient implements KernelPool.Job {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** Floats of cols per chunk: 256 KB, an L2's worth beside the GEMM's packed panels. */
    static final int COLS_FLOATS = Integer.getInteger("dlm.conv.colsFloats", 1 << 16);
    /** Calls under this many flops (2·M·K·f) run on the calling thread. */
    static final long PARALLEL_MIN_FLOPS = 4_000_000L;

    private static final ThreadLocal<ConvInputGradient> LOCAL = ThreadLocal.withInitial(ConvInputGradient::new);
    private static final ThreadLocal<float[][]> COLS = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    private float[] dy, k, dx;
    /** kᵀ (f × kh·kw·c), the GEMM's right operand with contiguous rows (its packing then copies vectors). */
    private float[] kT = new float[0];
    private int dyOff, kOff, dxOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft;

    static void run(float[] dy, int dyOff, float[] k, int kOff, float[] dx, int dxOff, int n, int h, int w, int c,
                    int kh, int kw, int f, int oh, int ow, int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        if (InputGradientTiles.applies(c, kh, kw, f)) {
            InputGradientTiles.run(dy, dyOff, k, kOff, dx, dxOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft);
            return;
        }
        ConvInputGradient q = LOCAL.get();
        q.dy = dy; q.dyOff = dyOff; q.k = k; q.kOff = kOff; q.dx = dx; q.dxOff = dxOff;
        q.n = n; q.h = h; q.w = w; q.c = c; q.kh = kh; q.kw = kw; q.f = f; q.oh = oh; q.ow = ow;
        q.sh = sh; q.sw = sw; q.dh = dh; q.dw = dw; q.padTop = padTop; q.padLeft = padLeft;
        int kk = kh * kw * c;
        if (q.kT.length < kk * f) q.kT = new float[kk * f];
        for (int p = 0; p < kk; p++) {
            for (int j = 0, src = kOff + p * f; j < f; j++) q.kT[j * kk + p] = k[src + j];
        }
        try {
            long flops = 2L * n * oh * ow * kh * kw * c * f;
            int parts = flops < PARALLEL_MIN_FLOPS ? 1 : Math.min(KernelPool.parallelism(), n);
            if (parts <= 1) q.run(0, 1);
            else KernelPool.run(parts, q);
        } finally {
            q.dy = q.k = q.dx = null;
        }
    }

    @Override
    public void run(int part, int parts) {
        int i0 = (int) ((long) n * part / parts), i1 = (int) ((long) n * (part + 1) / parts);
        int hwc = h * w * c;
        java.util.Arrays.fill(dx, dxOff + i0 * hwc, dxOff + i1 * hwc, 0f);
        int kk = kh * kw * c, cells = oh * ow;
        if (kk == 0 || cells == 0 || i0 >= i1) return;
        int rowsEnd = i1 * cells;
        int chunk = Math.max(Gemm.MR, Math.min(rowsEnd - i0 * cells, COLS_FLOATS / kk / Gemm.MR * Gemm.MR));
        float[][] holder = COLS.get();
        if (holder[0].length < chunk * kk) holder[0] = new float[chunk * kk];
        float[] cols = holder[0];
        for (int r0 = i0 * cells; r0 < rowsEnd; r0 += chunk) {
            int rows = Math.min(chunk, rowsEnd - r0);
            // cols (rows × kk) = dy rows · kᵀ
            Gemm.sgemm(false, false, rows, kk, f, dy, dyOff + r0 * f, f, kT, 0, kk, cols, 0, kk, false);
            scatter(cols, r0, rows);
        }
    }

    /** dx += col2im(cols) for output positions [r0, r0 + rows), in order. */
    private void scatter(float[] cols, int r0, int rows) {
        final int cells = oh * ow, kk = kh * kw * c;
        int img = r0 / cells, cell = r0 - img * cells, oy = cell / ow, ox = cell - oy * ow;
        for (int r = 0; r < rows; r++) {
            int src = r * kk, imgBase = dxOff + img * h * w * c;
            for (int a = 0; a < kh; a++) {
                int iy = oy * sh - padTop + a * dh;
                if (iy < 0 || iy >= h) {
                    src += kw * c;
                    continue;
                }
                for (int b = 0; b < kw; b++, src += c) {
                    int ix = ox * sw - padLeft + b * dw;
                    if (ix < 0 || ix >= w) continue;
                    int dst = imgBase + (iy * w + ix) * c, ch = 0;
                    for (; ch <= c - V; ch += V)
                        FloatVector.fromArray(S, dx, dst + ch).add(FloatVector.fromArray(S, cols, src + ch)).intoArray(dx, dst + ch);
                    for (; ch < c; ch++) dx[dst + ch] += cols[src + ch];
                }
            }
            if (++ox == ow) {
                ox = 0;
                if (++oy == oh) { oy = 0; img++; }
            }
        }
    }
}
