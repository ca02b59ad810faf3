package dlm.runtime.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A direct f32 convolution with its max pooling, fused, for kernels with few taps (a first layer on
 * one- or three-channel images): {@code maxPool(act(conv(x, k) + b))} with act relu or none, and the
 * kernel gradient of that composition, without ever storing the convolution's output or its gradient.
 *
 * <p>Geometry as {@code dlm.runtime.exec.Conv} (the convolution: input n×h×w×c, kernel kh×kw×c×f,
 * output oh×ow, strides, dilation, padding) then {@code dlm.runtime.exec.Pool} (the pooling of that
 * oh×ow×f output: window ph×pw, output poh×pow, strides, padding).
 *
 * <ul>
 *   <li>The forward pass writes two n×poh×pow×f blocks: the pooled values, then each window's
 *   <em>winner code</em> per channel — the index of the cell that won, in row-major order of the
 *   window's cells inside the convolution's output, as a float; −1 when the window sends no
 *   gradient (with relu: its maximum is not above 0, as {@code maxPool2dBackprop} with relu's mask).
 *   Every convolution value is computed as {@link SmallConv} computes it — its taps' FMAs in k order
 *   from zero, then the bias, then {@code max(v, 0)} — and a window's maximum is chosen by
 *   {@link Pooling}'s rule (the first greatest cell, a NaN beats every number, the first NaN wins),
 *   so the pooled values are exactly the bits of the unfused convolution then pooling.</li>
 *   <li>The kernel gradient reads the winner codes (nothing is recomputed) and adds
 *   {@code x[winner + tap] · dy} into one partial dk per image; the partials are summed in image
 *   order. Threads take whole images, so the result does not depend on the thread count. It differs
 *   from the unfused GEMM's by rounding (another order of the same terms; a cell that wins two
 *   overlapping windows gives two terms), and windows whose gradient is zero in every lane of a
 *   vector add nothing.</li>
 * </ul>
 * Output channels run in the vector lanes ({@link FloatVector#SPECIES_PREFERRED}, the last vector
 * masked). Scratch (the partials, the tap tables, a window's values) is per thread, grown on demand
 * and reused.
 */
public final class ConvMaxPool {
    private ConvMaxPool() {}

    /**
     * The most taps (kh·kw·c) of a kernel the fused forms take: {@link SmallConv}'s (larger kernels'
     * convolutions run on the GEMM). A constant, so that asking does not load this class (and the
     * Vector API with it).
     */
    public static final int MAX_TAPS = SmallConv.MAX_TAPS;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** Multiply-adds below which a call runs on the calling thread alone. */
    private static final long PARALLEL_MIN_FMAS = 1 << 18;

    private static final class Job implements KernelPool.Job {
        boolean grad, relu;
        float[] x, k, bias, y, dy, codes;
        int xOff, kOff, biasOff, yOff, dyOff, codesOff;
        int n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft;
        int ph, pw, poh, pow, psh, psw, pTop, pLeft;
        final ConvTaps taps = new ConvTaps();
        /** The kernel gradient's partial sums, one kh·kw·c × f block per image. */
        float[] partials = new float[0];

        @Override
        public void run(int part, int parts) {
            int units = grad ? n : n * poh;
            int u0 = (int) ((long) units * part / parts), u1 = (int) ((long) units * (part + 1) / parts);
            if (u0 >= u1) return;
            if (grad) filterImages(this, u0, u1);
            else forwardRows(this, u0, u1);
        }

        void clear() { x = k = bias = y = dy = codes = null; }
    }

    private static final ThreadLocal<Job> LOCAL = ThreadLocal.withInitial(Job::new);

    private static Job job(float[] x, int xOff, float[] k, int kOff, float[] bias, int biasOff, boolean relu,
                           int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow, int sh, int sw, int dh, int dw,
                           int padTop, int padLeft, int ph, int pw, int poh, int pow, int psh, int psw, int pTop, int pLeft) {
        Job j = LOCAL.get();
        j.x = x; j.xOff = xOff; j.k = k; j.kOff = kOff; j.bias = bias; j.biasOff = biasOff; j.relu = relu;
        j.n = n; j.h = h; j.w = w; j.c = c; j.kh = kh; j.kw = kw; j.f = f; j.oh = oh; j.ow = ow;
        j.sh = sh; j.sw = sw; j.dh = dh; j.dw = dw; j.padTop = padTop; j.padLeft = padLeft;
        j.ph = ph; j.pw = pw; j.poh = poh; j.pow = pow; j.psh = psh; j.psw = psw; j.pTop = pTop; j.pLeft = pLeft;
        j.taps.set(h, w, c, kh, kw, dh, dw);
        return j;
    }

    private static void execute(Job j, int units) {
        try {
            long fmas = (long) j.n * j.poh * j.pow * (j.grad ? 1 : j.ph * j.pw) * j.taps.taps * j.f;
            int parts = fmas < PARALLEL_MIN_FMAS ? 1 : Math.min(KernelPool.parallelism(), units);
            if (parts <= 1) j.run(0, 1);
            else KernelPool.run(parts, j);
        } finally {
            j.clear();
        }
    }

    /**
     * {@code y[0 .. m) = maxPool(act(conv(x, k) + bias))} and {@code y[m .. 2m)} its winner codes,
     * m = n·poh·pow·f; bias may be null.
     */
    public static void forward(float[] x, int xOff, float[] k, int kOff, float[] bias, int biasOff, boolean relu, float[] y, int yOff,
                               int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow, int sh, int sw, int dh, int dw,
                               int padTop, int padLeft, int ph, int pw, int poh, int pow, int psh, int psw, int pTop, int pLeft) {
        Job j = job(x, xOff, k, kOff, bias, biasOff, relu, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft,
                ph, pw, poh, pow, psh, psw, pTop, pLeft);
        j.grad = false;
        j.y = y; j.yOff = yOff;
        execute(j, n * poh);
    }

    /**
     * The gradients w.r.t. k and b of {@code sum(dy * maxPool(act(conv(x, k) + b)))} given the forward
     * pass's winner codes (n×poh×pow×f, from codesOff) and dy (n×poh×pow×f), into
     * {@code dk[dkOff ..]} as kh·kw·c + 1 rows of f: the kernel's rows (HWIO order), then the bias's
     * (the sum of dy over the windows that send a gradient); overwrites them.
     */
    public static void filterGradient(float[] x, int xOff, float[] codes, int codesOff, float[] dy, int dyOff, float[] dk, int dkOff,
                                      int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow, int sh, int sw, int dh, int dw,
                                      int padTop, int padLeft, int ph, int pw, int poh, int pow, int psh, int psw, int pTop, int pLeft) {
        Job j = job(x, xOff, null, 0, null, 0, false, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft,
                ph, pw, poh, pow, psh, psw, pTop, pLeft);
        int block = (j.taps.taps + 1) * f;
        if (j.partials.length < (long) n * block) j.partials = new float[Math.multiplyExact(n, block)];
        j.grad = true;
        j.dy = dy; j.dyOff = dyOff; j.codes = codes; j.codesOff = codesOff;
        float[] partials = j.partials;
        execute(j, n);
        // dk = the images' partials summed in image order (the same sums on any thread count)
        if (n == 0) {
            Arrays.fill(dk, dkOff, dkOff + block, 0f);
            return;
        }
        int i = 0;
        for (; i <= block - V; i += V) {
            FloatVector sum = FloatVector.fromArray(S, partials, i);
            for (int img = 1; img < n; img++) sum = sum.add(FloatVector.fromArray(S, partials, img * block + i));
            sum.intoArray(dk, dkOff + i);
        }
        for (; i < block; i++) {
            float sum = partials[i];
            for (int img = 1; img < n; img++) sum += partials[img * block + i];
            dk[dkOff + i] = sum;
        }
    }

    /** Per thread (the pool's threads share a job): one window's cells and values. */
    private static final class Window {
        /** The cells' values, f each, row-major window order, and V floats of slack. */
        float[] values = new float[0];
        /** Per cell: its output row and column, and its window corner's offset in x (when inside). */
        int[] cy = new int[0], cx = new int[0], base = new int[0];
        int cells;
        /** Whether every cell's taps lie inside the input (then tap t of cell q is x[base[q] + off[t]]). */
        boolean inside;

        void fit(int cells, int f) {
            if (cy.length < cells) {
                cy = new int[cells];
                cx = new int[cells];
                base = new int[cells];
            }
            if (values.length < cells * f + V) values = new float[cells * f + V];
        }
    }

    private static final ThreadLocal<Window> WINDOW = ThreadLocal.withInitial(Window::new);

    private static Window window(Job j) {
        Window win = WINDOW.get();
        win.fit(j.ph * j.pw, j.f);
        return win;
    }

    /**
     * The window's cells (row-major, clipped to the convolution's output) into {@code win}: their rows
     * and columns, their windows' corners in x, how many, and whether all their taps lie inside the input.
     */
    private static void locate(Job j, int img, int cy0, int cy1, int cx0, int cx1, Window win) {
        int q = 0;
        boolean inside = true;
        for (int cy = cy0; cy < cy1; cy++)
            for (int cx = cx0; cx < cx1; cx++, q++) {
                win.cy[q] = cy;
                win.cx[q] = cx;
                win.base[q] = corner(j, img, cy, cx);
                inside &= j.taps.inside(cy * j.sh - j.padTop, cx * j.sw - j.padLeft);
            }
        win.cells = q;
        win.inside = inside;
    }

    /**
     * The window's cells ({@link #locate}) and their values act(conv(x, k) + b), f each, into
     * {@code win}: four cells at a time when their taps are all inside the input (each k vector loaded
     * once for the four), else cell by cell.
     */
    private static void windowValues(Job j, int img, int cy0, int cy1, int cx0, int cx1, Window win) {
        locate(j, img, cy0, cy1, cx0, cx1, win);
        int done = 0, q = win.cells;
        if (win.inside)
            for (; done + 4 <= q; done += 4) fourCells(j, win, done);
        for (; done < q; done++) cellValues(j, img, win.cy[done], win.cx[done], win.values, done * j.f);
    }

    /**
     * Cells q0 .. q0+3 of the window (taps inside the input), all channels: {@link SmallConv}'s
     * arithmetic per element (taps' FMAs in k order from zero, bias, relu), four cells × two vectors
     * of channels in flight so that the FMAs' latency is hidden.
     */
    private static void fourCells(Job j, Window win, int q0) {
        final float[] x = j.x, k = j.k, bias = j.bias, out = win.values;
        final int[] off = j.taps.off;
        final int taps = j.taps.taps, f = j.f, kOff = j.kOff, biasOff = j.biasOff;
        final int b0 = win.base[q0], b1 = win.base[q0 + 1], b2 = win.base[q0 + 2], b3 = win.base[q0 + 3];
        final int o0 = q0 * f, o1 = o0 + f, o2 = o1 + f, o3 = o2 + f;
        final boolean relu = j.relu;
        final FloatVector z = FloatVector.zero(S);
        int fo = 0;
        for (; fo + 2 * V <= f; fo += 2 * V) {
            FloatVector a0 = z, a1 = z, a2 = z, a3 = z, c0 = z, c1 = z, c2 = z, c3 = z;
            for (int t = 0; t < taps; t++) {
                int ko = kOff + t * f + fo, o = off[t];
                FloatVector k0 = FloatVector.fromArray(S, k, ko), k1 = FloatVector.fromArray(S, k, ko + V);
                FloatVector x0 = FloatVector.broadcast(S, x[b0 + o]), x1 = FloatVector.broadcast(S, x[b1 + o]);
                FloatVector x2 = FloatVector.broadcast(S, x[b2 + o]), x3 = FloatVector.broadcast(S, x[b3 + o]);
                a0 = x0.fma(k0, a0); c0 = x0.fma(k1, c0);
                a1 = x1.fma(k0, a1); c1 = x1.fma(k1, c1);
                a2 = x2.fma(k0, a2); c2 = x2.fma(k1, c2);
                a3 = x3.fma(k0, a3); c3 = x3.fma(k1, c3);
            }
            if (bias != null) {
                FloatVector bv0 = FloatVector.fromArray(S, bias, biasOff + fo), bv1 = FloatVector.fromArray(S, bias, biasOff + fo + V);
                a0 = a0.add(bv0); a1 = a1.add(bv0); a2 = a2.add(bv0); a3 = a3.add(bv0);
                c0 = c0.add(bv1); c1 = c1.add(bv1); c2 = c2.add(bv1); c3 = c3.add(bv1);
            }
            if (relu) {
                a0 = a0.max(z); a1 = a1.max(z); a2 = a2.max(z); a3 = a3.max(z);
                c0 = c0.max(z); c1 = c1.max(z); c2 = c2.max(z); c3 = c3.max(z);
            }
            a0.intoArray(out, o0 + fo); c0.intoArray(out, o0 + fo + V);
            a1.intoArray(out, o1 + fo); c1.intoArray(out, o1 + fo + V);
            a2.intoArray(out, o2 + fo); c2.intoArray(out, o2 + fo + V);
            a3.intoArray(out, o3 + fo); c3.intoArray(out, o3 + fo + V);
        }
        for (; fo < f; fo += V) {
            // one vector (the last one masked); lanes past f compute 0 · 0 and are overwritten by the next cell or are slack
            VectorMask<Float> m = S.indexInRange(fo, f);
            FloatVector a0 = z, a1 = z, a2 = z, a3 = z;
            for (int t = 0; t < taps; t++) {
                int o = off[t];
                FloatVector k0 = FloatVector.fromArray(S, k, kOff + t * f + fo, m);
                a0 = FloatVector.broadcast(S, x[b0 + o]).fma(k0, a0);
                a1 = FloatVector.broadcast(S, x[b1 + o]).fma(k0, a1);
                a2 = FloatVector.broadcast(S, x[b2 + o]).fma(k0, a2);
                a3 = FloatVector.broadcast(S, x[b3 + o]).fma(k0, a3);
            }
            if (bias != null) {
                FloatVector bv = FloatVector.fromArray(S, bias, biasOff + fo, m);
                a0 = a0.add(bv); a1 = a1.add(bv); a2 = a2.add(bv); a3 = a3.add(bv);
            }
            if (relu) {
                a0 = a0.max(z); a1 = a1.max(z); a2 = a2.max(z); a3 = a3.max(z);
            }
            a0.intoArray(out, o0 + fo, m);
            a1.intoArray(out, o1 + fo, m);
            a2.intoArray(out, o2 + fo, m);
            a3.intoArray(out, o3 + fo, m);
        }
    }

    /**
     * act(conv(x, k) + b) at output cell (cy, cx) of image img, all f channels, into
     * {@code out[at .. at + f)}: {@link SmallConv}'s arithmetic. (Values pass through memory, not as
     * returned vectors: a vector returned by a method C2 does not inline is allocated.)
     */
    private static void cellValues(Job j, int img, int cy, int cx, float[] out, int at) {
        final ConvTaps tt = j.taps;
        final float[] x = j.x, k = j.k, bias = j.bias;
        final int taps = tt.taps, f = j.f, kOff = j.kOff;
        final boolean relu = j.relu;
        int iy0 = cy * j.sh - j.padTop, ix0 = cx * j.sw - j.padLeft;
        boolean in = tt.inside(iy0, ix0);
        final int[] off = tt.off;
        int base = corner(j, img, cy, cx);
        for (int fo = 0; fo < f; fo += V) {
            VectorMask<Float> m = S.indexInRange(fo, f);
            FloatVector acc = FloatVector.zero(S);
            for (int t = 0; t < taps; t++)
                acc = FloatVector.broadcast(S, in ? x[base + off[t]] : tt.cell(x, j.xOff, img, iy0, ix0, t))
                        .fma(FloatVector.fromArray(S, k, kOff + t * f + fo, m), acc);
            if (bias != null) acc = acc.add(FloatVector.fromArray(S, bias, j.biasOff + fo, m));
            if (relu) acc = acc.max(0f);
            acc.intoArray(out, at + fo, m);
        }
    }

    // ---- forward: pooled rows (image, py) -------------------------------------------------------

    private static void forwardRows(Job j, int r0, int r1) {
        final int f = j.f, codes = j.n * j.poh * j.pow * f;
        final Window win = window(j);
        final FloatVector none = FloatVector.broadcast(S, -1f);
        for (int r = r0; r < r1; r++) {
            int img = r / j.poh, py = r - img * j.poh;
            int cy0 = Math.max(0, py * j.psh - j.pTop), cy1 = Math.min(j.oh, py * j.psh - j.pTop + j.ph);
            for (int px = 0; px < j.pow; px++) {
                int cx0 = Math.max(0, px * j.psw - j.pLeft), cx1 = Math.min(j.ow, px * j.psw - j.pLeft + j.pw);
                int yo = j.yOff + (r * j.pow + px) * f;
                if (cy0 >= cy1 || cx0 >= cx1) {
                    Arrays.fill(j.y, yo, yo + f, Float.NEGATIVE_INFINITY);
                    Arrays.fill(j.y, yo + codes, yo + codes + f, -1f);
                    continue;
                }
                if (cy1 - cy0 == 2 && cx1 - cx0 == 2 && insideCorners(j, cy0, cx0)) {
                    pooledFour(j, img, cy0, cx0, yo, yo + codes);
                    continue;
                }
                windowValues(j, img, cy0, cy1, cx0, cx1, win);
                final float[] vals = win.values;
                final int cells = win.cells;
                for (int fo = 0; fo < f; fo += V) {
                    // whole vectors are read (the buffer has V floats of slack); the tail's extra lanes are not stored
                    FloatVector best = FloatVector.fromArray(S, vals, fo), at = FloatVector.zero(S);
                    for (int q = 1; q < cells; q++) {
                        FloatVector v = FloatVector.fromArray(S, vals, q * f + fo);
                        VectorMask<Float> take = Pooling.takes(v, best);
                        best = best.blend(v, take);
                        at = at.blend(FloatVector.broadcast(S, q), take);
                    }
                    if (j.relu) at = none.blend(at, best.compare(VectorOperators.GT, 0f));
                    if (fo + V <= f) {
                        best.intoArray(j.y, yo + fo);
                        at.intoArray(j.y, yo + codes + fo);
                    } else {
                        VectorMask<Float> m = S.indexInRange(fo, f);
                        best.intoArray(j.y, yo + fo, m);
                        at.intoArray(j.y, yo + codes + fo, m);
                    }
                }
            }
        }
    }

    /** Whether the taps of the 2×2 cells from (cy0, cx0) all lie inside the input. */
    private static boolean insideCorners(Job j, int cy0, int cx0) {
        int iy0 = cy0 * j.sh - j.padTop, ix0 = cx0 * j.sw - j.padLeft;
        return j.taps.inside(iy0, ix0) && j.taps.inside(iy0 + j.sh, ix0 + j.sw);
    }

    /** x's offset of the corner of output cell (cy, cx)'s window, in image img. */
    private static int corner(Job j, int img, int cy, int cx) {
        return j.xOff + ((img * j.h + cy * j.sh - j.padTop) * j.w + cx * j.sw - j.padLeft) * j.c;
    }

    /**
     * A window of 2×2 cells from (cy0, cx0), every tap inside the input (the common case): the four
     * cells' values as {@link #fourCells} computes them, pooled in registers (no round trip through
     * memory), the maximum to y[yo ..] and the winner codes to y[co ..].
     */
    private static void pooledFour(Job j, int img, int cy0, int cx0, int yo, int co) {
        final float[] x = j.x, k = j.k, bias = j.bias, y = j.y;
        final int[] off = j.taps.off;
        final int taps = j.taps.taps, f = j.f, kOff = j.kOff, biasOff = j.biasOff;
        final int b0 = corner(j, img, cy0, cx0), b1 = corner(j, img, cy0, cx0 + 1), b2 = corner(j, img, cy0 + 1, cx0), b3 = corner(j, img, cy0 + 1, cx0 + 1);
        final boolean relu = j.relu;
        final FloatVector z = FloatVector.zero(S), none = FloatVector.broadcast(S, -1f);
        final FloatVector q1 = FloatVector.broadcast(S, 1f), q2 = FloatVector.broadcast(S, 2f), q3 = FloatVector.broadcast(S, 3f);
        int fo = 0;
        for (; fo + V <= f; fo += V) {
            FloatVector a0 = z, a1 = z, a2 = z, a3 = z;
            for (int t = 0; t < taps; t++) {
                int o = off[t];
                FloatVector kv = FloatVector.fromArray(S, k, kOff + t * f + fo);
                a0 = FloatVector.broadcast(S, x[b0 + o]).fma(kv, a0);
                a1 = FloatVector.broadcast(S, x[b1 + o]).fma(kv, a1);
                a2 = FloatVector.broadcast(S, x[b2 + o]).fma(kv, a2);
                a3 = FloatVector.broadcast(S, x[b3 + o]).fma(kv, a3);
            }
            if (bias != null) {
                FloatVector bv = FloatVector.fromArray(S, bias, biasOff + fo);
                a0 = a0.add(bv); a1 = a1.add(bv); a2 = a2.add(bv); a3 = a3.add(bv);
            }
            if (relu) {
                a0 = a0.max(z); a1 = a1.max(z); a2 = a2.max(z); a3 = a3.max(z);
            }
            VectorMask<Float> take = Pooling.takes(a1, a0);
            FloatVector best = a0.blend(a1, take), at = z.blend(q1, take);
            take = Pooling.takes(a2, best);
            best = best.blend(a2, take);
            at = at.blend(q2, take);
            take = Pooling.takes(a3, best);
            best = best.blend(a3, take);
            at = at.blend(q3, take);
            if (relu) at = none.blend(at, best.compare(VectorOperators.GT, 0f));
            best.intoArray(y, yo + fo);
            at.intoArray(y, co + fo);
        }
        if (fo < f) pooledFourTail(j, b0, b1, b2, b3, fo, yo, co);
    }

    /** {@link #pooledFour}'s last, partial vector of channels [fo, f). */
    private static void pooledFourTail(Job j, int b0, int b1, int b2, int b3, int fo, int yo, int co) {
        final float[] x = j.x, k = j.k;
        final int[] off = j.taps.off;
        final int f = j.f;
        VectorMask<Float> m = S.indexInRange(fo, f);
        FloatVector z = FloatVector.zero(S), a0 = z, a1 = z, a2 = z, a3 = z;
        for (int t = 0; t < j.taps.taps; t++) {
            int o = off[t];
            FloatVector kv = FloatVector.fromArray(S, k, j.kOff + t * f + fo, m);
            a0 = FloatVector.broadcast(S, x[b0 + o]).fma(kv, a0);
            a1 = FloatVector.broadcast(S, x[b1 + o]).fma(kv, a1);
            a2 = FloatVector.broadcast(S, x[b2 + o]).fma(kv, a2);
            a3 = FloatVector.broadcast(S, x[b3 + o]).fma(kv, a3);
        }
        if (j.bias != null) {
            FloatVector bv = FloatVector.fromArray(S, j.bias, j.biasOff + fo, m);
            a0 = a0.add(bv); a1 = a1.add(bv); a2 = a2.add(bv); a3 = a3.add(bv);
        }
        if (j.relu) {
            a0 = a0.max(z); a1 = a1.max(z); a2 = a2.max(z); a3 = a3.max(z);
        }
        VectorMask<Float> take = Pooling.takes(a1, a0);
        FloatVector best = a0.blend(a1, take), at = z.blend(1f, take);
        take = Pooling.takes(a2, best);
        best = best.blend(a2, take);
        at = at.blend(FloatVector.broadcast(S, 2f), take);
        take = Pooling.takes(a3, best);
        best = best.blend(a3, take);
        at = at.blend(FloatVector.broadcast(S, 3f), take);
        if (j.relu) at = FloatVector.broadcast(S, -1f).blend(at, best.compare(VectorOperators.GT, 0f));
        best.intoArray(j.y, yo + fo, m);
        at.intoArray(j.y, co + fo, m);
    }

    // ---- kernel gradient: whole images, one partial each ---------------------------------------

    /**
     * Whether every window is 2×2 cells of the convolution's output whose taps all lie inside the
     * input (then {@link #filterFour} runs): a 2×2 pooling without padding, over a convolution whose
     * first and last windows' cells are inside (the rest lie between them).
     */
    private static boolean allFour(Job j) {
        if (j.ph != 2 || j.pw != 2 || j.pTop != 0 || j.pLeft != 0 || j.poh == 0 || j.pow == 0) return false;
        int lastY = (j.poh - 1) * j.psh, lastX = (j.pow - 1) * j.psw;
        return lastY + 2 <= j.oh && lastX + 2 <= j.ow && insideCorners(j, 0, 0) && insideCorners(j, lastY, lastX);
    }

    /**
     * The kernel and bias gradients of one image into its partial (from pb), whole vectors of channels
     * only, when every window is 2×2 cells inside the input ({@link #allFour}): four taps at a time
     * accumulate in registers over all the image's windows (windows in row-major order, the same
     * order for every tap), so the partial is written once per tap, not once per window.
     */
    private static void filterFour(Job j, int img, int pb) {
        final float[] x = j.x, part = j.partials, codes = j.codes, dy = j.dy;
        final int[] off = j.taps.off;
        final int f = j.f, taps = j.taps.taps, poh = j.poh, pow = j.pow;
        final FloatVector zero = FloatVector.zero(S);
        final FloatVector one = FloatVector.broadcast(S, 1f), two = FloatVector.broadcast(S, 2f), three = FloatVector.broadcast(S, 3f);
        final int dx = j.sw * j.c, dyRow = j.sh * j.w * j.c; // x offsets of the next cell along a row, and down a column
        for (int fo = 0; fo + V <= f; fo += V) {
            FloatVector bias = zero;
            for (int t0 = 0; t0 < taps; t0 += 4) {
                final int o0 = off[t0], o1 = off[Math.min(t0 + 1, taps - 1)], o2 = off[Math.min(t0 + 2, taps - 1)], o3 = off[Math.min(t0 + 3, taps - 1)];
                FloatVector s0 = zero, s1 = zero, s2 = zero, s3 = zero;
                for (int py = 0; py < poh; py++) {
                    int go = (img * poh + py) * pow * f + fo;
                    for (int px = 0; px < pow; px++, go += f) {
                        FloatVector code = FloatVector.fromArray(S, codes, j.codesOff + go);
                        FloatVector g = zero.blend(FloatVector.fromArray(S, dy, j.dyOff + go), code.compare(VectorOperators.GE, 0f));
                        if (t0 == 0) bias = bias.add(g);
                        VectorMask<Float> m1 = code.compare(VectorOperators.EQ, one), m2 = code.compare(VectorOperators.EQ, two),
                                m3 = code.compare(VectorOperators.EQ, three);
                        int b0 = corner(j, img, py * j.psh, px * j.psw), b1 = b0 + dx, b2 = b0 + dyRow, b3 = b2 + dx;
                        s0 = FloatVector.broadcast(S, x[b0 + o0]).blend(FloatVector.broadcast(S, x[b1 + o0]), m1)
                                .blend(FloatVector.broadcast(S, x[b2 + o0]), m2).blend(FloatVector.broadcast(S, x[b3 + o0]), m3).fma(g, s0);
                        s1 = FloatVector.broadcast(S, x[b0 + o1]).blend(FloatVector.broadcast(S, x[b1 + o1]), m1)
                                .blend(FloatVector.broadcast(S, x[b2 + o1]), m2).blend(FloatVector.broadcast(S, x[b3 + o1]), m3).fma(g, s1);
                        s2 = FloatVector.broadcast(S, x[b0 + o2]).blend(FloatVector.broadcast(S, x[b1 + o2]), m1)
                                .blend(FloatVector.broadcast(S, x[b2 + o2]), m2).blend(FloatVector.broadcast(S, x[b3 + o2]), m3).fma(g, s2);
                        s3 = FloatVector.broadcast(S, x[b0 + o3]).blend(FloatVector.broadcast(S, x[b1 + o3]), m1)
                                .blend(FloatVector.broadcast(S, x[b2 + o3]), m2).blend(FloatVector.broadcast(S, x[b3 + o3]), m3).fma(g, s3);
                    }
                }
                // taps past the last (when fewer than four remain) repeat it and are not stored
                s0.intoArray(part, pb + t0 * f + fo);
                if (t0 + 1 < taps) s1.intoArray(part, pb + (t0 + 1) * f + fo);
                if (t0 + 2 < taps) s2.intoArray(part, pb + (t0 + 2) * f + fo);
                if (t0 + 3 < taps) s3.intoArray(part, pb + (t0 + 3) * f + fo);
            }
            bias.intoArray(part, pb + taps * f + fo);
        }
    }

    private static void filterImages(Job j, int i0, int i1) {
        final ConvTaps tt = j.taps;
        final int f = j.f, taps = tt.taps, block = (taps + 1) * f;
        final float[] x = j.x, part = j.partials, codes = j.codes, dy = j.dy;
        final int[] off = tt.off;
        final Window win = window(j);
        final int[] base = win.base;
        final FloatVector zero = FloatVector.zero(S);
        final FloatVector one = FloatVector.broadcast(S, 1f), two = FloatVector.broadcast(S, 2f), three = FloatVector.broadcast(S, 3f);
        final boolean four = allFour(j);
        for (int img = i0; img < i1; img++) {
            final int pb = img * block;
            Arrays.fill(part, pb, pb + block, 0f);
            if (four) filterFour(j, img, pb);
            if (four && f % V == 0) continue;
            for (int py = 0; py < j.poh; py++) {
                int cy0 = Math.max(0, py * j.psh - j.pTop), cy1 = Math.min(j.oh, py * j.psh - j.pTop + j.ph);
                for (int px = 0; px < j.pow; px++) {
                    int cx0 = Math.max(0, px * j.psw - j.pLeft), cx1 = Math.min(j.ow, px * j.psw - j.pLeft + j.pw);
                    if (cy0 >= cy1 || cx0 >= cx1) continue;
                    locate(j, img, cy0, cy1, cx0, cx1, win);
                    final int cells = win.cells;
                    final boolean inside = win.inside;
                    int go = ((img * j.poh + py) * j.pow + px) * f;
                    for (int fo = four ? f - f % V : 0; fo < f; fo += V) { // filterFour did the whole vectors
                        boolean full = fo + V <= f;
                        VectorMask<Float> m = S.indexInRange(fo, f);
                        FloatVector code = full ? FloatVector.fromArray(S, codes, j.codesOff + go + fo) : FloatVector.fromArray(S, codes, j.codesOff + go + fo, m);
                        FloatVector g = full ? FloatVector.fromArray(S, dy, j.dyOff + go + fo) : FloatVector.fromArray(S, dy, j.dyOff + go + fo, m);
                        g = zero.blend(g, code.compare(VectorOperators.GE, 0f));
                        if (!g.compare(VectorOperators.NE, 0f).anyTrue()) continue; // adds nothing (but signs of zero)
                        int pbias = pb + taps * f + fo;
                        if (full) g.add(FloatVector.fromArray(S, part, pbias)).intoArray(part, pbias);
                        else g.add(FloatVector.fromArray(S, part, pbias, m)).intoArray(part, pbias, m);
                        // dk[tap] += x[winner + tap] · dy: per lane, the tap's input cell of that lane's winner
                        int po = pb + fo;
                        if (inside && cells == 4) {
                            VectorMask<Float> m1 = code.compare(VectorOperators.EQ, one), m2 = code.compare(VectorOperators.EQ, two),
                                    m3 = code.compare(VectorOperators.EQ, three);
                            final int b0 = base[0], b1 = base[1], b2 = base[2], b3 = base[3];
                            for (int t = 0; t < taps; t++, po += f) {
                                int o = off[t];
                                FloatVector xs = FloatVector.broadcast(S, x[b0 + o]).blend(FloatVector.broadcast(S, x[b1 + o]), m1)
                                        .blend(FloatVector.broadcast(S, x[b2 + o]), m2).blend(FloatVector.broadcast(S, x[b3 + o]), m3);
                                if (full) xs.fma(g, FloatVector.fromArray(S, part, po)).intoArray(part, po);
                                else xs.fma(g, FloatVector.fromArray(S, part, po, m)).intoArray(part, po, m);
                            }
                        } else {
                            for (int t = 0; t < taps; t++, po += f) {
                                FloatVector xs = zero;
                                for (int q = 0; q < cells; q++) {
                                    float xv = inside ? x[base[q] + off[t]] : tt.cell(x, j.xOff, img, win.cy[q] * j.sh - j.padTop, win.cx[q] * j.sw - j.padLeft, t);
                                    xs = xs.blend(FloatVector.broadcast(S, xv), code.compare(VectorOperators.EQ, (float) q));
                                }
                                if (full) xs.fma(g, FloatVector.fromArray(S, part, po)).intoArray(part, po);
                                else xs.fma(g, FloatVector.fromArray(S, part, po, m)).intoArray(part, po, m);
                            }
                        }
                    }
                }
            }
        }
    }
}
