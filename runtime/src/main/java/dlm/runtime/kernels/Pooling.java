package dlm.runtime.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2-D max and average pooling on NHWC tensors, f32 and f64, and their gradients: fused loops,
 * allocation-free, deterministic. Geometry: window ph×pw, strides (sh, sw); output cell (oy, ox)
 * covers input rows {@code oy·sh − padTop + [0, ph)} and columns {@code ox·sw − padLeft + [0, pw)};
 * of these only the cells inside the input take part (padding is never read).
 *
 * <ul>
 *   <li>max: the value of the window's <em>first</em> maximal cell in row-major window order (per
 *   channel); a NaN beats every number and the first NaN wins (so max propagates NaN); between
 *   equal values (−0 and +0 included) the first wins. A window with no cell inside the input
 *   gives −∞. The gradient sends each window's dy to that same cell.</li>
 *   <li>average: the sum of the cells inside the input, in row-major window order, divided by
 *   their count (padded cells not counted, as Keras/TF "same"); a window with no such cell gives
 *   0. The gradient adds dy / count to each of those cells.</li>
 * </ul>
 *
 * <p>f32 max pooling and its gradient compare a vector of channels at a time, branch-free (the
 * winners are data-dependent: a branch per channel mispredicted about every other time, 10× slower).
 * Forward passes run output rows (image, oy) in parallel on the {@link KernelPool} when large
 * (each element's arithmetic does not depend on the split); gradients run images in parallel (windows
 * of one image overlap, so one image's scatter-adds stay on one thread, in window order: the
 * sums are the same whatever the thread count).
 */
public final class Pooling {
    private Pooling() {}

    /** Below this many window reads a call runs on the calling thread. */
    static final long PARALLEL_MIN_READS = 1L << 16;

    private enum Op { MAX, MAX_GRAD, AVG, AVG_GRAD }

    /** One call described for the pool's threads; one per calling thread, reused. */
    private static final class Job implements KernelPool.Job {
        Op op;
        float[] fa, fb, fc;
        double[] da, db, dc;
        int aOff, bOff, cOff, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft;
        /** max gradient only: a window whose winning value is not above 0 sends nothing (relu's mask, fused) */
        boolean positive;

        @Override
        public void run(int part, int parts) {
            boolean grad = op == Op.MAX_GRAD || op == Op.AVG_GRAD;
            int units = grad ? n : n * oh;
            int u0 = (int) ((long) units * part / parts), u1 = (int) ((long) units * (part + 1) / parts);
            if (u0 >= u1) return;
            if (fa != null) {
                switch (op) {
                    case MAX -> maxRows(this, u0, u1);
                    case AVG -> avgRows(this, u0, u1);
                    case MAX_GRAD -> maxGradImages(this, u0, u1);
                    case AVG_GRAD -> avgGradImages(this, u0, u1);
                }
            } else {
                switch (op) {
                    case MAX -> maxRowsD(this, u0, u1);
                    case AVG -> avgRowsD(this, u0, u1);
                    case MAX_GRAD -> maxGradImagesD(this, u0, u1);
                    case AVG_GRAD -> avgGradImagesD(this, u0, u1);
                }
            }
        }

        void clear() { fa = fb = fc = null; da = db = dc = null; }
    }

    private static final ThreadLocal<Job> LOCAL = ThreadLocal.withInitial(Job::new);

    private static Job job(Op op, int n, int h, int w, int c, int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        Job j = LOCAL.get();
        j.op = op; j.n = n; j.h = h; j.w = w; j.c = c; j.ph = ph; j.pw = pw; j.oh = oh; j.ow = ow;
        j.sh = sh; j.sw = sw; j.padTop = padTop; j.padLeft = padLeft;
        j.positive = false;
        return j;
    }

    private static void execute(Job j) {
        try {
            boolean grad = j.op == Op.MAX_GRAD || j.op == Op.AVG_GRAD;
            int units = grad ? j.n : j.n * j.oh;
            long reads = (long) j.n * j.oh * j.ow * j.c * j.ph * j.pw;
            int parts = reads < PARALLEL_MIN_READS ? 1 : Math.min(KernelPool.parallelism(), units);
            if (parts <= 1) j.run(0, 1);
            else KernelPool.run(parts, j);
        } finally {
            j.clear();
        }
    }

    // ---- f32 entry points -----------------------------------------------------------------------

    public static void maxPool2d(float[] x, int xOff, float[] y, int yOff, int n, int h, int w, int c, int ph, int pw,
                                 int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        Job j = job(Op.MAX, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
        j.fa = x; j.aOff = xOff; j.fc = y; j.cOff = yOff;
        execute(j);
    }

    public static void maxPool2dBackprop(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n, int h, int w, int c,
                                         int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        maxPool2dBackprop(x, xOff, dy, dyOff, false, dx, dxOff, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
    }

    /**
     * With {@code positive}, {@code where(x > 0, maxPool2dBackprop(x, dy), 0)}: a window sends its dy
     * only when its winning value is above 0 (a NaN is not), so relu's gradient mask on a pooled relu
     * output needs no pass of its own.
     */
    public static void maxPool2dBackprop(float[] x, int xOff, float[] dy, int dyOff, boolean positive, float[] dx, int dxOff,
                                         int n, int h, int w, int c, int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        Job j = job(Op.MAX_GRAD, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
        j.fa = x; j.aOff = xOff; j.fb = dy; j.bOff = dyOff; j.fc = dx; j.cOff = dxOff;
        j.positive = positive;
        execute(j);
    }

    public static void avgPool2d(float[] x, int xOff, float[] y, int yOff, int n, int h, int w, int c, int ph, int pw,
                                 int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        Job j = job(Op.AVG, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
        j.fa = x; j.aOff = xOff; j.fc = y; j.cOff = yOff;
        execute(j);
    }

    public static void avgPool2dBackprop(float[] dy, int dyOff, float[] dx, int dxOff, int n, int h, int w, int c, int ph, int pw,
                                         int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        Job j = job(Op.AVG_GRAD, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
        j.fa = dy; j.aOff = dyOff; j.fc = dx; j.cOff = dxOff;
        execute(j);
    }

    // ---- f64 entry points -----------------------------------------------------------------------

    public static void maxPool2d(double[] x, int xOff, double[] y, int yOff, int n, int h, int w, int c, int ph, int pw,
                                 int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        Job j = job(Op.MAX, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
        j.da = x; j.aOff = xOff; j.dc = y; j.cOff = yOff;
        execute(j);
    }

    public static void maxPool2dBackprop(double[] x, int xOff, double[] dy, int dyOff, double[] dx, int dxOff, int n, int h, int w, int c,
                                         int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        maxPool2dBackprop(x, xOff, dy, dyOff, false, dx, dxOff, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
    }

    /** As the f32 form: with {@code positive}, a window sends its dy only when its winning value is above 0. */
    public static void maxPool2dBackprop(double[] x, int xOff, double[] dy, int dyOff, boolean positive, double[] dx, int dxOff,
                                         int n, int h, int w, int c, int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        Job j = job(Op.MAX_GRAD, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
        j.da = x; j.aOff = xOff; j.db = dy; j.bOff = dyOff; j.dc = dx; j.cOff = dxOff;
        j.positive = positive;
        execute(j);
    }

    public static void avgPool2d(double[] x, int xOff, double[] y, int yOff, int n, int h, int w, int c, int ph, int pw,
                                 int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        Job j = job(Op.AVG, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
        j.da = x; j.aOff = xOff; j.dc = y; j.cOff = yOff;
        execute(j);
    }

    public static void avgPool2dBackprop(double[] dy, int dyOff, double[] dx, int dxOff, int n, int h, int w, int c, int ph, int pw,
                                         int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        Job j = job(Op.AVG_GRAD, n, h, w, c, ph, pw, oh, ow, sh, sw, padTop, padLeft);
        j.da = dy; j.aOff = dyOff; j.dc = dx; j.cOff = dxOff;
        execute(j);
    }

    // ---- loops (f32) ----------------------------------------------------------------------------
    // Window bounds: rows [y0, y1) and columns [x0, x1) of the input, clipped.

    private static void maxRows(Job q, int r0, int r1) {
        final float[] x = q.fa, y = q.fc;
        final int c = q.c;
        for (int row = r0; row < r1; row++) {
            int img = row / q.oh, oy = row - img * q.oh;
            int y0 = Math.max(0, oy * q.sh - q.padTop), y1 = Math.min(q.h, oy * q.sh - q.padTop + q.ph);
            for (int ox = 0; ox < q.ow; ox++) {
                int x0 = Math.max(0, ox * q.sw - q.padLeft), x1 = Math.min(q.w, ox * q.sw - q.padLeft + q.pw);
                int yo = q.cOff + (row * q.ow + ox) * c;
                if (y0 >= y1 || x0 >= x1) {
                    Arrays.fill(y, yo, yo + c, Float.NEGATIVE_INFINITY);
                    continue;
                }
                boolean first = true;
                for (int iy = y0; iy < y1; iy++) {
                    for (int ix = x0; ix < x1; ix++) {
                        int xo = q.aOff + ((img * q.h + iy) * q.w + ix) * c;
                        if (first) {
                            System.arraycopy(x, xo, y, yo, c);
                            first = false;
                        } else {
                            maxInto(x, xo, y, yo, c);
                        }
                    }
                }
            }
        }
    }

    private static void avgRows(Job q, int r0, int r1) {
        final float[] x = q.fa, y = q.fc;
        final int c = q.c;
        for (int row = r0; row < r1; row++) {
            int img = row / q.oh, oy = row - img * q.oh;
            int y0 = Math.max(0, oy * q.sh - q.padTop), y1 = Math.min(q.h, oy * q.sh - q.padTop + q.ph);
            for (int ox = 0; ox < q.ow; ox++) {
                int x0 = Math.max(0, ox * q.sw - q.padLeft), x1 = Math.min(q.w, ox * q.sw - q.padLeft + q.pw);
                int yo = q.cOff + (row * q.ow + ox) * c;
                Arrays.fill(y, yo, yo + c, 0f);
                if (y0 >= y1 || x0 >= x1) continue;
                for (int iy = y0; iy < y1; iy++) {
                    for (int ix = x0; ix < x1; ix++) {
                        int xo = q.aOff + ((img * q.h + iy) * q.w + ix) * c;
                        for (int ch = 0; ch < c; ch++) y[yo + ch] += x[xo + ch];
                    }
                }
                float count = (y1 - y0) * (x1 - x0);
                for (int ch = 0; ch < c; ch++) y[yo + ch] /= count;
            }
        }
    }

    private static void maxGradImages(Job q, int i0, int i1) {
        if (q.sh >= q.ph && q.sw >= q.pw) {
            maxGradImagesDisjoint(q, i0, i1);
            return;
        }
        final float[] x = q.fa, dy = q.fb, dx = q.fc;
        final int c = q.c, hwc = q.h * q.w * c;
        Arrays.fill(dx, q.cOff + i0 * hwc, q.cOff + i1 * hwc, 0f);
        int[] idx = LANES.get();
        for (int img = i0; img < i1; img++) {
            int xImg = q.aOff + img * hwc, dxImg = q.cOff + img * hwc;
            for (int oy = 0; oy < q.oh; oy++) {
                int y0 = Math.max(0, oy * q.sh - q.padTop), y1 = Math.min(q.h, oy * q.sh - q.padTop + q.ph);
                for (int ox = 0; ox < q.ow; ox++) {
                    int x0 = Math.max(0, ox * q.sw - q.padLeft), x1 = Math.min(q.w, ox * q.sw - q.padLeft + q.pw);
                    if (y0 >= y1 || x0 >= x1) continue;
                    int go = q.bOff + ((img * q.oh + oy) * q.ow + ox) * c;
                    maxGradWindow(x, xImg, dy, go, dx, dxImg, c, q.w, y0, y1, x0, x1, idx, q.positive);
                }
            }
        }
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = S.withLanes(int.class);
    private static final int V = S.length();
    private static final ThreadLocal<int[]> LANES = ThreadLocal.withInitial(() -> new int[V]);

    /**
     * The lanes where v takes a window's maximum from best by the tie rule: v is greater, or v is
     * the first NaN. (NaN tests as {@code v != v} compares: {@code test(IS_NAN)} and mask
     * {@code andNot} are not intrinsics on every JDK and made the loops several times slower.)
     */
    static VectorMask<Float> takes(FloatVector v, FloatVector best) {
        return v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v).and(best.compare(VectorOperators.EQ, best)));
    }

    /**
     * y[yo .. yo + c) takes x[xo .. xo + c) where x wins by the tie rule: greater, or the first NaN
     * (a vector per V channels; a branch on the data mispredicted about every other time).
     */
    private static void maxInto(float[] x, int xo, float[] y, int yo, int c) {
        int ch = 0;
        for (; ch <= c - V; ch += V) {
            FloatVector v = FloatVector.fromArray(S, x, xo + ch), b = FloatVector.fromArray(S, y, yo + ch);
            VectorMask<Float> take = takes(v, b);
            b.blend(v, take).intoArray(y, yo + ch);
        }
        for (; ch < c; ch++) {
            float v = x[xo + ch], b = y[yo + ch];
            y[yo + ch] = v > b || (v != v && b == b) ? v : b;
        }
    }

    /**
     * One window's gradient: per channel, dy goes to the window's first maximal cell (the tie rule of
     * {@link #maxInto}); rows [y0, y1) × columns [x0, x1) of the image at xImg (x) and dxImg (dx).
     */
    private static void maxGradWindow(float[] x, int xImg, float[] dy, int go, float[] dx, int dxImg, int c, int w,
                                      int y0, int y1, int x0, int x1, int[] idx, boolean positive) {
        int ch = 0;
        int first = (y0 * w + x0) * c;
        for (; ch <= c - V; ch += V) {
            FloatVector best = FloatVector.fromArray(S, x, xImg + first + ch);
            IntVector at = IntVector.broadcast(SI, first);
            for (int iy = y0; iy < y1; iy++) {
                for (int ix = iy == y0 ? x0 + 1 : x0; ix < x1; ix++) {
                    int cell = (iy * w + ix) * c;
                    FloatVector v = FloatVector.fromArray(S, x, xImg + cell + ch);
                    VectorMask<Float> take = takes(v, best);
                    best = best.blend(v, take);
                    at = at.blend(cell, take.cast(SI));
                }
            }
            at.intoArray(idx, 0);
            long send = positive ? best.compare(VectorOperators.GT, 0f).toLong() : -1L;
            for (int l = 0; l < V; l++) if ((send >>> l & 1) != 0) dx[dxImg + idx[l] + ch + l] += dy[go + ch + l];
        }
        for (; ch < c; ch++) {
            int at = first;
            float best = x[xImg + first + ch];
            for (int iy = y0; iy < y1; iy++) {
                for (int ix = iy == y0 ? x0 + 1 : x0; ix < x1; ix++) {
                    int cell = (iy * w + ix) * c;
                    float v = x[xImg + cell + ch];
                    boolean take = v > best || (v != v && best == best);
                    best = take ? v : best;
                    at = take ? cell : at;
                }
            }
            if (!positive || best > 0) dx[dxImg + at + ch] += dy[go + ch];
        }
    }

    /**
     * Disjoint windows (strides at least the pool size): each cell is in at most one window, so each
     * window writes its cells (dy at the winner, 0 elsewhere, a vector of channels at a time, no
     * scatter) and only the cells of no window are zeroed first.
     */
    private static void maxGradImagesDisjoint(Job q, int i0, int i1) {
        final float[] x = q.fa, dy = q.fb, dx = q.fc;
        final int c = q.c, h = q.h, w = q.w, hwc = h * w * c;
        for (int img = i0; img < i1; img++) {
            int xImg = q.aOff + img * hwc, dxImg = q.cOff + img * hwc;
            for (int iy = 0; iy < h; iy++) {
                int ry = iy + q.padTop, oy = ry / q.sh;
                int row = dxImg + iy * w * c;
                if (oy >= q.oh || ry - oy * q.sh >= q.ph) {
                    Arrays.fill(dx, row, row + w * c, 0f);
                    continue;
                }
                for (int ix = 0; ix < w; ix++) {
                    int rx = ix + q.padLeft, ox = rx / q.sw;
                    if (ox >= q.ow || rx - ox * q.sw >= q.pw) Arrays.fill(dx, row + ix * c, row + (ix + 1) * c, 0f);
                }
            }
            for (int oy = 0; oy < q.oh; oy++) {
                int y0 = Math.max(0, oy * q.sh - q.padTop), y1 = Math.min(h, oy * q.sh - q.padTop + q.ph);
                for (int ox = 0; ox < q.ow; ox++) {
                    int x0 = Math.max(0, ox * q.sw - q.padLeft), x1 = Math.min(w, ox * q.sw - q.padLeft + q.pw);
                    if (y0 >= y1 || x0 >= x1) continue;
                    int go = q.bOff + ((img * q.oh + oy) * q.ow + ox) * c;
                    maxGradWindowDisjoint(x, xImg, dy, go, dx, dxImg, c, w, y0, y1, x0, x1, q.positive);
                }
            }
        }
    }

    /** One window of {@link #maxGradImagesDisjoint}: finds the winners as {@link #maxGradWindow} does, then writes every cell. */
    private static void maxGradWindowDisjoint(float[] x, int xImg, float[] dy, int go, float[] dx, int dxImg, int c, int w,
                                              int y0, int y1, int x0, int x1, boolean positive) {
        int ch = 0;
        int first = (y0 * w + x0) * c;
        FloatVector zero = FloatVector.zero(S);
        for (; ch <= c - V; ch += V) {
            FloatVector best = FloatVector.fromArray(S, x, xImg + first + ch);
            IntVector at = IntVector.broadcast(SI, first);
            for (int iy = y0; iy < y1; iy++) {
                for (int ix = iy == y0 ? x0 + 1 : x0; ix < x1; ix++) {
                    int cell = (iy * w + ix) * c;
                    FloatVector v = FloatVector.fromArray(S, x, xImg + cell + ch);
                    VectorMask<Float> take = takes(v, best);
                    best = best.blend(v, take);
                    at = at.blend(cell, take.cast(SI));
                }
            }
            FloatVector g = FloatVector.fromArray(S, dy, go + ch).add(zero); // + 0: a −0 arrives as +0, as added into a zeroed dx
            if (positive) g = zero.blend(g, best.compare(VectorOperators.GT, 0f));
            for (int iy = y0; iy < y1; iy++) {
                for (int ix = x0; ix < x1; ix++) {
                    int cell = (iy * w + ix) * c;
                    zero.blend(g, at.compare(VectorOperators.EQ, cell).cast(S)).intoArray(dx, dxImg + cell + ch);
                }
            }
        }
        for (; ch < c; ch++) {
            int at = first;
            float best = x[xImg + first + ch];
            for (int iy = y0; iy < y1; iy++) {
                for (int ix = iy == y0 ? x0 + 1 : x0; ix < x1; ix++) {
                    int cell = (iy * w + ix) * c;
                    float v = x[xImg + cell + ch];
                    boolean take = v > best || (v != v && best == best);
                    best = take ? v : best;
                    at = take ? cell : at;
                }
            }
            float g = !positive || best > 0 ? dy[go + ch] + 0f : 0f;
            for (int iy = y0; iy < y1; iy++)
                for (int ix = x0; ix < x1; ix++) {
                    int cell = (iy * w + ix) * c;
                    dx[dxImg + cell + ch] = cell == at ? g : 0f;
                }
        }
    }

    private static void avgGradImages(Job q, int i0, int i1) {
        final float[] dy = q.fa, dx = q.fc;
        final int c = q.c, hwc = q.h * q.w * c;
        Arrays.fill(dx, q.cOff + i0 * hwc, q.cOff + i1 * hwc, 0f);
        for (int img = i0; img < i1; img++) {
            for (int oy = 0; oy < q.oh; oy++) {
                int y0 = Math.max(0, oy * q.sh - q.padTop), y1 = Math.min(q.h, oy * q.sh - q.padTop + q.ph);
                for (int ox = 0; ox < q.ow; ox++) {
                    int x0 = Math.max(0, ox * q.sw - q.padLeft), x1 = Math.min(q.w, ox * q.sw - q.padLeft + q.pw);
                    if (y0 >= y1 || x0 >= x1) continue;
                    int go = q.aOff + ((img * q.oh + oy) * q.ow + ox) * c;
                    float count = (y1 - y0) * (x1 - x0);
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            int xo = q.cOff + ((img * q.h + iy) * q.w + ix) * c;
                            for (int ch = 0; ch < c; ch++) dx[xo + ch] += dy[go + ch] / count;
                        }
                    }
                }
            }
        }
    }

    // ---- loops (f64): the same, in double ----------------------------------------------------

    private static void maxRowsD(Job q, int r0, int r1) {
        final double[] x = q.da, y = q.dc;
        final int c = q.c;
        for (int row = r0; row < r1; row++) {
            int img = row / q.oh, oy = row - img * q.oh;
            int y0 = Math.max(0, oy * q.sh - q.padTop), y1 = Math.min(q.h, oy * q.sh - q.padTop + q.ph);
            for (int ox = 0; ox < q.ow; ox++) {
                int x0 = Math.max(0, ox * q.sw - q.padLeft), x1 = Math.min(q.w, ox * q.sw - q.padLeft + q.pw);
                int yo = q.cOff + (row * q.ow + ox) * c;
                if (y0 >= y1 || x0 >= x1) {
                    Arrays.fill(y, yo, yo + c, Double.NEGATIVE_INFINITY);
                    continue;
                }
                boolean first = true;
                for (int iy = y0; iy < y1; iy++) {
                    for (int ix = x0; ix < x1; ix++) {
                        int xo = q.aOff + ((img * q.h + iy) * q.w + ix) * c;
                        if (first) {
                            System.arraycopy(x, xo, y, yo, c);
                            first = false;
                        } else {
                            for (int ch = 0; ch < c; ch++) {
                                double v = x[xo + ch], b = y[yo + ch];
                                // v wins if greater, or if it is the first NaN
                                if (v > b || (v != v && b == b)) y[yo + ch] = v;
                            }
                        }
                    }
                }
            }
        }
    }

    private static void avgRowsD(Job q, int r0, int r1) {
        final double[] x = q.da, y = q.dc;
        final int c = q.c;
        for (int row = r0; row < r1; row++) {
            int img = row / q.oh, oy = row - img * q.oh;
            int y0 = Math.max(0, oy * q.sh - q.padTop), y1 = Math.min(q.h, oy * q.sh - q.padTop + q.ph);
            for (int ox = 0; ox < q.ow; ox++) {
                int x0 = Math.max(0, ox * q.sw - q.padLeft), x1 = Math.min(q.w, ox * q.sw - q.padLeft + q.pw);
                int yo = q.cOff + (row * q.ow + ox) * c;
                Arrays.fill(y, yo, yo + c, 0.0);
                if (y0 >= y1 || x0 >= x1) continue;
                for (int iy = y0; iy < y1; iy++) {
                    for (int ix = x0; ix < x1; ix++) {
                        int xo = q.aOff + ((img * q.h + iy) * q.w + ix) * c;
                        for (int ch = 0; ch < c; ch++) y[yo + ch] += x[xo + ch];
                    }
                }
                double count = (y1 - y0) * (x1 - x0);
                for (int ch = 0; ch < c; ch++) y[yo + ch] /= count;
            }
        }
    }

    private static void maxGradImagesD(Job q, int i0, int i1) {
        final double[] x = q.da, dy = q.db, dx = q.dc;
        final int c = q.c, hwc = q.h * q.w * c;
        Arrays.fill(dx, q.cOff + i0 * hwc, q.cOff + i1 * hwc, 0.0);
        for (int img = i0; img < i1; img++) {
            for (int oy = 0; oy < q.oh; oy++) {
                int y0 = Math.max(0, oy * q.sh - q.padTop), y1 = Math.min(q.h, oy * q.sh - q.padTop + q.ph);
                for (int ox = 0; ox < q.ow; ox++) {
                    int x0 = Math.max(0, ox * q.sw - q.padLeft), x1 = Math.min(q.w, ox * q.sw - q.padLeft + q.pw);
                    if (y0 >= y1 || x0 >= x1) continue;
                    int go = q.bOff + ((img * q.oh + oy) * q.ow + ox) * c;
                    for (int ch = 0; ch < c; ch++) {
                        int best = ((img * q.h + y0) * q.w + x0) * c + ch;
                        double b = x[q.aOff + best];
                        for (int iy = y0; iy < y1; iy++) {
                            for (int ix = x0; ix < x1; ix++) {
                                int at = ((img * q.h + iy) * q.w + ix) * c + ch;
                                double v = x[q.aOff + at];
                                if (v > b || (v != v && b == b)) { b = v; best = at; }
                            }
                        }
                        if (!q.positive || b > 0) dx[q.cOff + best] += dy[go + ch];
                    }
                }
            }
        }
    }

    private static void avgGradImagesD(Job q, int i0, int i1) {
        final double[] dy = q.da, dx = q.dc;
        final int c = q.c, hwc = q.h * q.w * c;
        Arrays.fill(dx, q.cOff + i0 * hwc, q.cOff + i1 * hwc, 0.0);
        for (int img = i0; img < i1; img++) {
            for (int oy = 0; oy < q.oh; oy++) {
                int y0 = Math.max(0, oy * q.sh - q.padTop), y1 = Math.min(q.h, oy * q.sh - q.padTop + q.ph);
                for (int ox = 0; ox < q.ow; ox++) {
                    int x0 = Math.max(0, ox * q.sw - q.padLeft), x1 = Math.min(q.w, ox * q.sw - q.padLeft + q.pw);
                    if (y0 >= y1 || x0 >= x1) continue;
                    int go = q.aOff + ((img * q.oh + oy) * q.ow + ox) * c;
                    double count = (y1 - y0) * (x1 - x0);
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            int xo = q.cOff + ((img * q.h + iy) * q.w + ix) * c;
                            for (int ch = 0; ch < c; ch++) dx[xo + ch] += dy[go + ch] / count;
                        }
                    }
                }
            }
        }
    }
}
