package dlm.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct f32 convolution (forward) for kernels with few taps ({@code kh·kw·c ≤}
 * {@link #MAX_TAPS}: a first layer on one- or three-channel images), where the implicit GEMM's
 * k (= taps) is too short for its packing to pay. Output channels run in the vector lanes
 * ({@link FloatVector#SPECIES_PREFERRED}, the last vector masked), taps are broadcast from the input.
 *
 * <p>Bit for bit the GEMM's results ({@link Convolution}), on every vector width and thread count:
 * each y element is the FMAs of its taps in k order (rows a, columns b, channels) from zero — one
 * k block, as taps ≤ {@link Gemm#KC} — with 0 for cells outside the input, then the bias added,
 * then {@code max(v, 0)}. Threads split output rows: every element is computed whole by one
 * thread. Allocation-free: the jobs are per thread and reused. (The kernel gradient stays on the
 * GEMM: its k is the output positions, long enough for the packing to pay.)
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
        boolean relu;
        float[] x, k, bias, y;
        int xOff, kOff, biasOff, yOff;
        int n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, padTop, padLeft;
        /** The taps, in k order. */
        final ConvTaps taps = new ConvTaps();

        @Override
        public void run(int part, int parts) {
            int rows = n * oh;
            int r0 = (int) ((long) rows * part / parts), r1 = (int) ((long) rows * (part + 1) / parts);
            if (r0 < r1) forwardRows(this, r0, r1);
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
        j.taps.set(h, w, c, kh, kw, dh, dw);
        return j;
    }

    private static void execute(Job j, int units) {
        try {
            long fmas = (long) j.n * j.oh * j.ow * j.taps.taps * j.f;
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
        j.k = k; j.kOff = kOff; j.bias = bias; j.biasOff = biasOff; j.relu = relu; j.y = y; j.yOff = yOff;
        execute(j, n * oh);
    }

    // ---- forward ----------------------------------------------------------------------------------

    private static void forwardRows(Job j, int r0, int r1) {
        final float[] x = j.x, k = j.k, y = j.y, bias = j.bias;
        final ConvTaps tt = j.taps;
        final int f = j.f, taps = tt.taps, kOff = j.kOff, oh = j.oh, ow = j.ow, c = j.c, w = j.w, h = j.h;
        final int sh = j.sh, sw = j.sw, padTop = j.padTop, padLeft = j.padLeft, biasOff = j.biasOff, xOff = j.xOff, yOff = j.yOff;
        final boolean relu = j.relu;
        final int[] tapOff = tt.off;
        final FloatVector z = FloatVector.zero(S);
        for (int r = r0; r < r1; r++) {
            int img = r / oh, oy = r % oh, iy0 = oy * sh - padTop;
            for (int ox = 0; ox < ow; ox++) {
                int ix0 = ox * sw - padLeft;
                boolean in = tt.inside(iy0, ix0);
                int base = xOff + ((img * h + iy0) * w + ix0) * c;
                int yo = yOff + (r * ow + ox) * f;
                int fo = 0;
                // two vectors of output channels at a time: each tap's input cell broadcast once
                for (; fo + 2 * V <= f; fo += 2 * V) {
                    FloatVector a0 = z, a1 = z;
                    for (int t = 0; t < taps; t++) {
                        FloatVector b = FloatVector.broadcast(S, in ? x[base + tapOff[t]] : tt.cell(x, xOff, img, iy0, ix0, t));
                        int ko = kOff + t * f + fo;
                        a0 = b.fma(FloatVector.fromArray(S, k, ko), a0);
                        a1 = b.fma(FloatVector.fromArray(S, k, ko + V), a1);
                    }
                    if (bias != null) {
                        a0 = a0.add(FloatVector.fromArray(S, bias, biasOff + fo));
                        a1 = a1.add(FloatVector.fromArray(S, bias, biasOff + fo + V));
                    }
                    if (relu) {
                        a0 = a0.max(z);
                        a1 = a1.max(z);
                    }
                    a0.intoArray(y, yo + fo);
                    a1.intoArray(y, yo + fo + V);
                }
                for (; fo < f; fo += V) {
                    VectorMask<Float> m = S.indexInRange(fo, f);
                    FloatVector acc = z;
                    for (int t = 0; t < taps; t++)
                        acc = FloatVector.broadcast(S, in ? x[base + tapOff[t]] : tt.cell(x, xOff, img, iy0, ix0, t))
                                .fma(FloatVector.fromArray(S, k, kOff + t * f + fo, m), acc);
                    if (bias != null) acc = acc.add(FloatVector.fromArray(S, bias, biasOff + fo, m));
                    if (relu) acc = acc.max(z);
                    acc.intoArray(y, yo + fo, m);
                }
            }
        }
    }
}
