package dlm.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct f32 convolution and kernel gradient for kernels with few taps ({@code kh·kw·c ≤}
 * {@link #MAX_TAPS}: a first layer on one- or three-channel images), where the implicit GEMM's
 * k (= taps) is too short for its packing to pay. Output channels run in the vector lanes
 * ({@link FloatVector#SPECIES_PREFERRED}, the last vector masked), taps are broadcast from the input.
 *
 * <p>Bit for bit the GEMM's results ({@link Convolution}), on every vector width and thread count:
 * <ul>
 *   <li>forward: each y element is the FMAs of its taps in k order (rows a, columns b, channels)
 *   from zero — one k block, as taps ≤ {@link Gemm#KC} — with 0 for cells outside the input, then
 *   the bias added, then {@code max(v, 0)};</li>
 *   <li>kernel gradient: each dk element is, per k block of output positions (the GEMM's balanced
 *   blocks of at most {@link Gemm#KC}), the FMAs of its positions in order from zero, and the
 *   blocks' sums added in order ({@code block + total}).</li>
 * </ul>
 * Threads split output rows (forward) or taps (gradient): every element is computed whole by one
 * thread. Allocation-free: the jobs are per thread and reused.
 */
final class SmallConv {
    private SmallConv() {}

    /** The most taps (kh·kw·c) computed directly; larger kernels use the implicit GEMM. */
    static final int MAX_TAPS = 32;
    /** Off switch for measurements ({@code -Ddlm.conv.direct=false}): every convolution on the GEMM. */
    private static final boolean ENABLED = !"false".equals(System.getProperty("dlm.conv.direct"));
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** Multiply-adds below which a call runs on the calling thread alone. */
    private static final long PARALLEL_MIN_FMAS = 1 << 18;

    static boolean applies(int kh, int kw, int c) {
        long taps = (long) kh * kw * c;
        return ENABLED && taps >= 1 && taps <= MAX_TAPS;
    }

    private static final class Job implements KernelPool.Job {
        boolean grad, relu;
        float[] x, k, bias, y;
        int xOff, kOff, biasOff, yOff;
        int n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft;
        /** Per tap (a, b, ch) in k order: its offset from a window's top-left cell, its row and column. */
        final int[] tapOff = new int[MAX_TAPS], tapRow = new int[MAX_TAPS], tapCol = new int[MAX_TAPS], tapCh = new int[MAX_TAPS];
        int taps;

        void geometry() {
            int t = 0;
            for (int a = 0; a < kh; a++)
                for (int b = 0; b < kw; b++)
                    for (int ch = 0; ch < c; ch++, t++) {
                        tapRow[t] = a * dh;
                        tapCol[t] = b * dw;
                        tapCh[t] = ch;
                        tapOff[t] = (a * dh * w + b * dw) * c + ch;
                    }
            taps = t;
        }

        @Override
        public void run(int part, int parts) {
            if (grad) {
                int t0 = taps * part / parts, t1 = taps * (part + 1) / parts;
                if (t0 < t1) filterTaps(this, t0, t1);
            } else {
                int rows = n * oh;
                int r0 = (int) ((long) rows * part / parts), r1 = (int) ((long) rows * (part + 1) / parts);
                if (r0 < r1) forwardRows(this, r0, r1);
            }
        }

        void clear() { x = k = bias = y = null; }
    }

    private static final ThreadLocal<Job> LOCAL = ThreadLocal.withInitial(Job::new);

    private static Job job(float[] x, int xOff, int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                           int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        Job j = LOCAL.get();
        j.x = x; j.xOff = xOff;
        j.n = n; j.h = h; j.w = w; j.c = c; j.kh = kh; j.kw = kw; j.f = f; j.oh = oh; j.ow = ow;
        j.sh = sh; j.sw = sw; j.dh = dh; j.dw = dw; j.padTop = padTop; j.padLeft = padLeft;
        j.geometry();
        return j;
    }

    private static void execute(Job j, int units) {
        try {
            long fmas = (long) j.n * j.oh * j.ow * j.taps * j.f;
            int parts = fmas < PARALLEL_MIN_FMAS ? 1 : Math.min(KernelPool.parallelism(), units);
            if (parts <= 1) j.run(0, 1);
            else KernelPool.run(parts, j);
        } finally {
            j.clear();
        }
    }

    /** {@code y = conv(x, k) [+ bias] [relu]}, as {@link Convolution#conv2d}. */
    static void conv2d(float[] x, int xOff, float[] k, int kOff, float[] bias, int biasOff, boolean relu,
                       float[] y, int yOff, int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                       int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        Job j = job(x, xOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft);
        j.grad = false;
        j.k = k; j.kOff = kOff; j.bias = bias; j.biasOff = biasOff; j.relu = relu; j.y = y; j.yOff = yOff;
        execute(j, n * oh);
    }

    /** {@code dk = patches(x)ᵀ · dy}, as {@link Convolution#conv2dBackpropFilter}; overwrites dk. */
    static void conv2dBackpropFilter(float[] x, int xOff, float[] dy, int dyOff, float[] dk, int dkOff,
                                     int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                                     int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        Job j = job(x, xOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft);
        j.grad = true;
        j.k = dy; j.kOff = dyOff; j.y = dk; j.yOff = dkOff;
        execute(j, j.taps);
    }

    /** The input cell of tap t for the window at (iy0, ix0), or 0 when it is outside the input. */
    private static float cell(Job j, int img, int iy0, int ix0, int t) {
        int iy = iy0 + j.tapRow[t], ix = ix0 + j.tapCol[t];
        if (iy < 0 || iy >= j.h || ix < 0 || ix >= j.w) return 0f;
        return j.x[j.xOff + ((img * j.h + iy) * j.w + ix) * j.c + j.tapCh[t]];
    }

    /** Whether the window at (iy0, ix0) lies inside the input (then tap t is at base + tapOff[t]). */
    private static boolean inside(Job j, int iy0, int ix0) {
        return iy0 >= 0 && ix0 >= 0 && iy0 + j.tapRow[j.taps - 1] < j.h && ix0 + (j.kw - 1) * j.dw < j.w;
    }

    // ---- forward ------------------------------------------------------------------------------------

    private static void forwardRows(Job j, int r0, int r1) {
        final float[] x = j.x, k = j.k, y = j.y;
        final int f = j.f, taps = j.taps, kOff = j.kOff;
        final int[] tapOff = j.tapOff;
        final FloatVector z = FloatVector.zero(S);
        for (int r = r0; r < r1; r++) {
            int img = r / j.oh, oy = r % j.oh, iy0 = oy * j.sh - j.padTop;
            for (int ox = 0; ox < j.ow; ox++) {
                int ix0 = ox * j.sw - j.padLeft;
                boolean in = inside(j, iy0, ix0);
                int base = j.xOff + ((img * j.h + iy0) * j.w + ix0) * j.c;
                int yo = j.yOff + (r * j.ow + ox) * f;
                for (int fo = 0; fo < f; fo += V) {
                    VectorMask<Float> m = S.indexInRange(fo, f);
                    FloatVector acc = z;
                    if (in) {
                        for (int t = 0; t < taps; t++)
                            acc = FloatVector.broadcast(S, x[base + tapOff[t]]).fma(FloatVector.fromArray(S, k, kOff + t * f + fo, m), acc);
                    } else {
                        for (int t = 0; t < taps; t++)
                            acc = FloatVector.broadcast(S, cell(j, img, iy0, ix0, t)).fma(FloatVector.fromArray(S, k, kOff + t * f + fo, m), acc);
                    }
                    if (j.bias != null) acc = acc.add(FloatVector.fromArray(S, j.bias, j.biasOff + fo, m));
                    if (j.relu) acc = acc.max(z);
                    acc.intoArray(y, yo + fo, m);
                }
            }
        }
    }

    // ---- kernel gradient ----------------------------------------------------------------------------

    /**
     * Taps [t0, t1) of dk: for each vector of output channels and each tap, the k blocks of output
     * positions in order, each summed from zero by FMAs in position order and added to the total.
     * Four taps at a time, so that four independent FMA chains hide the FMA's latency (a group of
     * fewer repeats its last tap and stores it once).
     */
    private static void filterTaps(Job j, int t0, int t1) {
        final float[] x = j.x, dy = j.k, dk = j.y;
        final int f = j.f, dyOff = j.kOff;
        final int m = j.n * j.oh * j.ow;
        final int kBlocks = Math.max(1, (m + Gemm.KC - 1) / Gemm.KC), kc = (m + kBlocks - 1) / kBlocks;
        final FloatVector z = FloatVector.zero(S);
        for (int fo = 0; fo < f; fo += V) {
            VectorMask<Float> mask = S.indexInRange(fo, f);
            for (int t = t0; t < t1; t += 4) {
                final int ta = t, tb = Math.min(t + 1, t1 - 1), tc = Math.min(t + 2, t1 - 1), td = Math.min(t + 3, t1 - 1);
                final int oa = j.tapOff[ta], ob = j.tapOff[tb], oc = j.tapOff[tc], od = j.tapOff[td];
                FloatVector sa = z, sb = z, sc = z, sd = z;
                for (int p0 = 0; p0 < m; p0 += kc) {
                    int p1 = Math.min(m, p0 + kc);
                    FloatVector a = z, b = z, c = z, d = z;
                    int img = p0 / (j.oh * j.ow), oy = p0 / j.ow % j.oh, ox = p0 % j.ow;
                    for (int p = p0; p < p1; p++) {
                        int iy0 = oy * j.sh - j.padTop, ix0 = ox * j.sw - j.padLeft;
                        FloatVector g = FloatVector.fromArray(S, dy, dyOff + p * f + fo, mask);
                        float va, vb, vc, vd;
                        if (inside(j, iy0, ix0)) {
                            int base = j.xOff + ((img * j.h + iy0) * j.w + ix0) * j.c;
                            va = x[base + oa]; vb = x[base + ob]; vc = x[base + oc]; vd = x[base + od];
                        } else {
                            va = cell(j, img, iy0, ix0, ta); vb = cell(j, img, iy0, ix0, tb);
                            vc = cell(j, img, iy0, ix0, tc); vd = cell(j, img, iy0, ix0, td);
                        }
                        a = FloatVector.broadcast(S, va).fma(g, a);
                        b = FloatVector.broadcast(S, vb).fma(g, b);
                        c = FloatVector.broadcast(S, vc).fma(g, c);
                        d = FloatVector.broadcast(S, vd).fma(g, d);
                        if (++ox == j.ow) {
                            ox = 0;
                            if (++oy == j.oh) {
                                oy = 0;
                                img++;
                            }
                        }
                    }
                    boolean first = p0 == 0;
                    sa = first ? a : a.add(sa);
                    sb = first ? b : b.add(sb);
                    sc = first ? c : c.add(sc);
                    sd = first ? d : d.add(sd);
                }
                sa.intoArray(dk, j.yOff + ta * f + fo, mask);
                sb.intoArray(dk, j.yOff + tb * f + fo, mask);
                sc.intoArray(dk, j.yOff + tc * f + fo, mask);
                sd.intoArray(dk, j.yOff + td * f + fo, mask);
            }
        }
    }
}
