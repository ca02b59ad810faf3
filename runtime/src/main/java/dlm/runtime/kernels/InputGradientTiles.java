package dlm.runtime.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The input gradient of a 2-D convolution in f32 as register tiles of {@code dy · kᵀ} whose epilogue
 * adds each tile straight into dx at the cells the forward pass read (col2im in the tile), with no
 * cols buffer: a tile's row is an output position, its columns (tap, channel) pairs, and each of its
 * vectors holds {@link MicroKernels#V} channels of one tap, so it adds to V consecutive floats of dx.
 * For channel counts that are a multiple of the vector width, at most {@link Gemm#KC} filters (one
 * k block) and at most 64 taps ({@link #applies}); {@link ConvInputGradient} runs the others.
 *
 * <p><b>The same bits as {@link ConvInputGradient}'s GEMM + col2im</b>, for every thread count, vector
 * width and tile:
 * <ul>
 *   <li>each term is one GEMM element: FMAs over the filters in order, from zero, one k block;</li>
 *   <li>each element of dx gets its terms in the order of the output positions (row-major), and
 *   that is the only order that matters: an output position reads an input cell through at most
 *   one tap. The tiles keep it: if positions r1 &lt; r2 reach the same cell, through taps t1, t2, then
 *   t1 &gt; t2 (r2 lies right of or below r1), so running a block's column panels from the last to
 *   the first, each over the block's row tiles in order, and adding a tile row by row, adds r1's
 *   term first whatever the tile's height or width;</li>
 *   <li>threads take whole images (different images' cells never meet).</li>
 * </ul>
 *
 * <p>kᵀ is packed once per call into NR-wide panels (the threads share the packing, then read it);
 * dy's rows are packed into {@link #ROWS}-row panels a block of {@link #BLOCK_ROWS} output positions at a time,
 * and each image's dx is cleared just before its first term (while it is in cache). The tiles
 * ({@link InputGradientKernels}: {@link #ROWS} rows × two vectors) add their registers into dx.
 * Scratch (the panels, the tables, the packed rows) is per thread and grows on demand: nothing is
 * allocated in a steady stream of calls.
 */
final class InputGradientTiles implements KernelPool.Job {
    private static final VectorSpecies<Float> S = MicroKernels.S;
    private static final int V = MicroKernels.V, NR = MicroKernels.NR;
    /** Rows of the register tile: 8 with 32 vector registers, 4 with 16 ({@link InputGradientKernels}). */
    static final int ROWS = MicroKernels.MR == 8 ? 8 : 4;
    /** Off switch for measurements and tests ({@code -Ddlm.conv.tiledCol2im=false}): the GEMM + col2im path. */
    static volatile boolean enabled = !"false".equals(System.getProperty("dlm.conv.tiledCol2im"));
    /** Output positions a thread takes at a time (a multiple of the tile heights). */
    static final int BLOCK_ROWS = Math.max(8, Integer.getInteger("dlm.conv.col2imBlock", 96) / 8 * 8);

    private static final ThreadLocal<InputGradientTiles> LOCAL = ThreadLocal.withInitial(InputGradientTiles::new);

    private float[] dy, dx;
    private int dyOff, dxOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, padTop, padLeft;
    /** kᵀ (f × kh·kw·c) packed in NR-wide panels, panel q at q·NR·f, element (j, x) at j·NR + x, zero-padded. */
    private float[] panels = new float[0];
    private int panelCount;
    /** Per vector of columns u (V channels of one tap): its offset in dx from a window's corner, and its tap's bit. */
    private int[] colOff = new int[0];
    private long[] colTap = new long[0];
    /** Per output row oy and column ox: the taps whose input row (column) lies inside the input. */
    private long[] rowTaps = new long[0], colTaps = new long[0];
    private final AtomicInteger packNext = new AtomicInteger(), packDone = new AtomicInteger();
    private float[] k;
    private int kOff;

    /** Whether this path computes the input gradient of that geometry (see the class comment). */
    static boolean applies(int c, int kh, int kw, int f) {
        return enabled && c > 0 && c % V == 0 && f > 0 && f <= Gemm.KC && kh * kw <= 64;
    }

    static void run(float[] dy, int dyOff, float[] k, int kOff, float[] dx, int dxOff, int n, int h, int w, int c,
                    int kh, int kw, int f, int oh, int ow, int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        InputGradientTiles q = LOCAL.get();
        q.dy = dy; q.dyOff = dyOff; q.k = k; q.kOff = kOff; q.dx = dx; q.dxOff = dxOff;
        q.n = n; q.h = h; q.w = w; q.c = c; q.kh = kh; q.kw = kw; q.f = f; q.oh = oh; q.ow = ow;
        q.sh = sh; q.sw = sw; q.padTop = padTop; q.padLeft = padLeft;
        try {
            q.tables(dh, dw);
            long flops = 2L * n * oh * ow * kh * kw * c * f;
            int parts = flops < Gemm.parallelMinFlops ? 1 : Math.min(KernelPool.parallelism(), n);
            q.packNext.set(0);
            q.packDone.set(0);
            if (parts <= 1) q.run(0, 1);
            else KernelPool.run(parts, q);
        } finally {
            q.dy = q.k = q.dx = null;
        }
    }

    /** The column and tap tables, and room for the panels. */
    private void tables(int dh, int dw) {
        int kk = kh * kw * c, vectors = kk / V;
        panelCount = (kk + NR - 1) / NR;
        if (panels.length < panelCount * NR * f) panels = new float[panelCount * NR * f];
        if (colOff.length < vectors + 1) {
            colOff = new int[vectors + 1];
            colTap = new long[vectors + 1];
        }
        for (int u = 0; u < vectors; u++) {
            int tap = u * V / c, ch = u * V - tap * c, a = tap / kw, b = tap - a * kw;
            colOff[u] = (a * dh * w + b * dw) * c + ch;
            colTap[u] = 1L << tap;
        }
        colOff[vectors] = 0;
        colTap[vectors] = 0; // the zero-padded half of an odd last panel adds nowhere
        if (rowTaps.length < oh) rowTaps = new long[oh];
        if (colTaps.length < ow) colTaps = new long[ow];
        for (int oy = 0; oy < oh; oy++) {
            long m = 0;
            for (int a = 0; a < kh; a++) {
                int iy = oy * sh - padTop + a * dh;
                if (iy >= 0 && iy < h) for (int b = 0; b < kw; b++) m |= 1L << (a * kw + b);
            }
            rowTaps[oy] = m;
        }
        for (int ox = 0; ox < ow; ox++) {
            long m = 0;
            for (int b = 0; b < kw; b++) {
                int ix = ox * sw - padLeft + b * dw;
                if (ix >= 0 && ix < w) for (int a = 0; a < kh; a++) m |= 1L << (a * kw + b);
            }
            colTaps[ox] = m;
        }
    }

    @Override
    public void run(int part, int parts) {
        packPanels();
        int i0 = (int) ((long) n * part / parts), i1 = (int) ((long) n * (part + 1) / parts);
        int cells = oh * ow, hwc = h * w * c;
        if (cells == 0) {
            java.util.Arrays.fill(dx, dxOff + i0 * hwc, dxOff + i1 * hwc, 0f);
            return;
        }
        Rows rows = Rows.LOCAL.get().size(BLOCK_ROWS, f);
        int end = i1 * cells, zeroed = i0; // images before 'zeroed' are cleared: each just before its first term, while it is in cache
        for (int r0 = i0 * cells; r0 < end; r0 += BLOCK_ROWS) {
            int len = Math.min(BLOCK_ROWS, end - r0), lastImage = (r0 + len - 1) / cells;
            java.util.Arrays.fill(dx, dxOff + zeroed * hwc, dxOff + (lastImage + 1) * hwc, 0f);
            zeroed = lastImage + 1;
            block(rows, r0, len);
        }
    }

    /** Packs the panels this thread claims, then waits until all are packed. */
    private void packPanels() {
        final int kk = kh * kw * c;
        for (int q; (q = packNext.getAndIncrement()) < panelCount; ) {
            int base = q * NR * f;
            for (int x = 0; x < NR; x++) {
                int p = q * NR + x, d = base + x;
                if (p < kk) {
                    for (int j = 0, src = kOff + p * f; j < f; j++, d += NR) panels[d] = k[src + j];
                } else {
                    for (int j = 0; j < f; j++, d += NR) panels[d] = 0f;
                }
            }
            packDone.incrementAndGet();
        }
        for (int spins = 0; packDone.get() < panelCount; spins++) {
            if (spins < 1_000) Thread.onSpinWait();
            else Thread.yield();
            if ((spins & 1023) == 1023) KernelPool.checkNotAborted();
        }
    }

    /** Per-thread scratch of a block of output positions: dy's rows packed, each position's window corner in dx and taps inside the input. */
    static final class Rows {
        static final ThreadLocal<Rows> LOCAL = ThreadLocal.withInitial(Rows::new);
        int[] corner = new int[0];
        long[] taps = new long[0];
        float[] a = new float[0];

        Rows size(int rows, int f) {
            if (corner.length < rows) {
                corner = new int[rows];
                taps = new long[rows];
            }
            if (a.length < rows * f) a = new float[rows * f];
            return this;
        }
    }

    /**
     * Output positions [r0, r0 + rows): column panels from
     * the last to the first, each over the block's row tiles in order (see the class comment).
     */
    private void block(Rows t, int r0, int rows) {
        final int cells = oh * ow;
        int img = r0 / cells, cell = r0 - img * cells, oy = cell / ow, ox = cell - oy * ow;
        int[] corner = t.corner;
        long[] taps = t.taps;
        int tiles = (rows + ROWS - 1) / ROWS * ROWS;
        for (int r = 0; r < tiles; r++) {
            if (r < rows) {
                corner[r] = dxOff + ((img * h + oy * sh - padTop) * w + ox * sw - padLeft) * c;
                taps[r] = rowTaps[oy] & colTaps[ox];
                if (++ox == ow) {
                    ox = 0;
                    if (++oy == oh) { oy = 0; img++; }
                }
            } else {
                corner[r] = 0;
                taps[r] = 0; // a partial tile's missing rows add nowhere
            }
        }
        final int vectors = kh * kw * c / V;
        float[] a = t.a;
        pack(dy, dyOff + r0 * f, f, rows, a);
        for (int q = panelCount - 1; q >= 0; q--) {
            int u0 = 2 * q, u1 = Math.min(u0 + 1, vectors), bi = q * NR * f;
            int o0 = colOff[u0], o1 = colOff[u1];
            long t0 = colTap[u0], t1 = colTap[u1];
            for (int i = 0; i < rows; i += ROWS) {
                if (ROWS == 8) InputGradientKernels.tile8(f, a, i * f, panels, bi, dx, corner, taps, i, o0, t0, o1, t1);
                else InputGradientKernels.tile4(f, a, i * f, panels, bi, dx, corner, taps, i, o0, t0, o1, t1);
            }
        }
    }

    /**
     * Packs {@code rows} rows of f floats from {@code a[off..]} into panels of {@link #ROWS} rows: row
     * i + r's element p at {@code dst[i·f + p·ROWS + r]} (i a multiple of ROWS), the last panel zero-padded.
     */
    static void pack(float[] a, int off, int f, int rows, float[] dst) {
        for (int i = 0; i < rows; i += ROWS)
            for (int r = 0; r < ROWS; r++) {
                int d = i * f + r;
                if (i + r < rows) {
                    for (int p = 0, src = off + (i + r) * f; p < f; p++, d += ROWS) dst[d] = a[src + p];
                } else {
                    for (int p = 0; p < f; p++, d += ROWS) dst[d] = 0f;
                }
            }
    }
}
