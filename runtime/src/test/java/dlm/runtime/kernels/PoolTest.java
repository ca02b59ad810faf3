package dlm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import dlm.runtime.exec.Pool;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Pool}'s max and average pooling and their gradients, f32 and f64, against naive
 * references that state the rules another way (max: the first NaN if there is one, else the first
 * cell equal to the maximum); the same order of additions, so exactly equal, bit for bit. Ties,
 * NaN, ±0, −∞ and padding by hand; thread counts; argument errors; no allocation.
 */
class PoolTest {

    /** {ph, pw, oh, ow, sh, sw, padTop, padLeft} for an n×h×w×c input, random. */
    record G(int n, int h, int w, int c, int ph, int pw, int oh, int ow, int sh, int sw, int padTop, int padLeft) {
        int xSize() { return n * h * w * c; }
        int ySize() { return n * oh * ow * c; }
    }

    /** Channel counts below, at and beyond a vector of 8 or 16 lanes (vector loops and scalar tails). */
    private static final int[] CHANNELS = {1, 2, 3, 5, 7, 8, 11, 16, 17, 33};

    static G random(Random r) {
        while (true) {
            int n = 1 + r.nextInt(3), h = 1 + r.nextInt(9), w = 1 + r.nextInt(9), c = CHANNELS[r.nextInt(CHANNELS.length)];
            int ph = 1 + r.nextInt(4), pw = 1 + r.nextInt(4), sh = 1 + r.nextInt(3), sw = 1 + r.nextInt(3);
            int mode = r.nextInt(3);
            int[] y = axis(r, mode, h, ph, sh), x = axis(r, mode, w, pw, sw);
            if (y != null && x != null) return new G(n, h, w, c, ph, pw, y[0], x[0], sh, sw, y[1], x[1]);
        }
    }

    private static int[] axis(Random r, int mode, int in, int p, int s) {
        int pad0 = 0, pad1 = 0;
        if (mode == 1) {
            int out = (in + s - 1) / s, total = Math.max(0, (out - 1) * s + p - in);
            pad0 = total / 2;
            pad1 = total - pad0;
        } else if (mode == 2) {
            pad0 = r.nextInt(p);
            pad1 = r.nextInt(p);
        }
        int span = in + pad0 + pad1 - p;
        return span < 0 ? null : new int[] {span / s + 1, pad0};
    }

    /** Values with many ties, ±0, an occasional NaN and ±∞. */
    static double[] data(Random r, int size, boolean specials) {
        double[] a = new double[size];
        for (int i = 0; i < size; i++) {
            int t = r.nextInt(40);
            a[i] = t < 20 ? r.nextInt(4) - 1 : t < 23 ? -0.0 : t < 38 || !specials ? r.nextDouble() : t == 38 ? Double.NaN : Double.NEGATIVE_INFINITY;
        }
        return a;
    }

    static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    /** The flat indices of window (img, oy, ox, ch)'s cells inside the input, in row-major window order. */
    static int[] cells(G g, int img, int oy, int ox, int ch) {
        int[] out = new int[g.ph() * g.pw()];
        int k = 0;
        for (int a = 0; a < g.ph(); a++)
            for (int b = 0; b < g.pw(); b++) {
                int iy = oy * g.sh() - g.padTop() + a, ix = ox * g.sw() - g.padLeft() + b;
                if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) out[k++] = ((img * g.h() + iy) * g.w() + ix) * g.c() + ch;
            }
        return Arrays.copyOf(out, k);
    }

    /** The cell max pooling takes: the first NaN, else the first equal to the maximum; -1 for an empty window. */
    static int argmax(double[] x, int[] cells) {
        for (int i : cells) if (Double.isNaN(x[i])) return i;
        double m = Double.NEGATIVE_INFINITY;
        for (int i : cells) m = Math.max(m, x[i]);
        for (int i : cells) if (x[i] == m) return i;
        return -1;
    }

    /** f32 references: {y max, dx max, y avg, dx avg}. */
    static float[][] referenceF(G g, float[] x, float[] dy) {
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) xd[i] = x[i];
        float[] ym = new float[g.ySize()], dxm = new float[g.xSize()], ya = new float[g.ySize()], dxa = new float[g.xSize()];
        forEachWindow(g, (o, cells) -> {
            int best = argmax(xd, cells);
            ym[o] = best < 0 ? Float.NEGATIVE_INFINITY : x[best];
            if (best >= 0) dxm[best] += dy[o];
            float s = 0f;
            for (int i : cells) s += x[i];
            ya[o] = cells.length == 0 ? 0f : s / cells.length;
            for (int i : cells) dxa[i] += dy[o] / (float) cells.length;
        });
        return new float[][] {ym, dxm, ya, dxa};
    }

    static double[][] referenceD(G g, double[] x, double[] dy) {
        double[] ym = new double[g.ySize()], dxm = new double[g.xSize()], ya = new double[g.ySize()], dxa = new double[g.xSize()];
        forEachWindow(g, (o, cells) -> {
            int best = argmax(x, cells);
            ym[o] = best < 0 ? Double.NEGATIVE_INFINITY : x[best];
            if (best >= 0) dxm[best] += dy[o];
            double s = 0;
            for (int i : cells) s += x[i];
            ya[o] = cells.length == 0 ? 0 : s / cells.length;
            for (int i : cells) dxa[i] += dy[o] / cells.length;
        });
        return new double[][] {ym, dxm, ya, dxa};
    }

    interface Window { void at(int out, int[] cells); }

    static void forEachWindow(G g, Window body) {
        for (int img = 0; img < g.n(); img++)
            for (int oy = 0; oy < g.oh(); oy++)
                for (int ox = 0; ox < g.ow(); ox++)
                    for (int ch = 0; ch < g.c(); ch++)
                        body.at(((img * g.oh() + oy) * g.ow() + ox) * g.c() + ch, cells(g, img, oy, ox, ch));
    }

    static float[][] runF(G g, float[] x, float[] dy) {
        float[] ym = new float[g.ySize()], dxm = new float[g.xSize()], ya = new float[g.ySize()], dxa = new float[g.xSize()];
        Arrays.fill(dxm, 3f);
        Arrays.fill(dxa, 3f);
        Pool.maxPool2d(x, 0, ym, 0, g.n(), g.h(), g.w(), g.c(), g.ph(), g.pw(), g.oh(), g.ow(), g.sh(), g.sw(), g.padTop(), g.padLeft());
        Pool.maxPool2dBackprop(x, 0, dy, 0, dxm, 0, g.n(), g.h(), g.w(), g.c(), g.ph(), g.pw(), g.oh(), g.ow(), g.sh(), g.sw(), g.padTop(), g.padLeft());
        Pool.avgPool2d(x, 0, ya, 0, g.n(), g.h(), g.w(), g.c(), g.ph(), g.pw(), g.oh(), g.ow(), g.sh(), g.sw(), g.padTop(), g.padLeft());
        Pool.avgPool2dBackprop(dy, 0, dxa, 0, g.n(), g.h(), g.w(), g.c(), g.ph(), g.pw(), g.oh(), g.ow(), g.sh(), g.sw(), g.padTop(), g.padLeft());
        return new float[][] {ym, dxm, ya, dxa};
    }

    static double[][] runD(G g, double[] x, double[] dy) {
        double[] ym = new double[g.ySize()], dxm = new double[g.xSize()], ya = new double[g.ySize()], dxa = new double[g.xSize()];
        Arrays.fill(dxm, 3);
        Arrays.fill(dxa, 3);
        Pool.maxPool2d(x, 0, ym, 0, g.n(), g.h(), g.w(), g.c(), g.ph(), g.pw(), g.oh(), g.ow(), g.sh(), g.sw(), g.padTop(), g.padLeft());
        Pool.maxPool2dBackprop(x, 0, dy, 0, dxm, 0, g.n(), g.h(), g.w(), g.c(), g.ph(), g.pw(), g.oh(), g.ow(), g.sh(), g.sw(), g.padTop(), g.padLeft());
        Pool.avgPool2d(x, 0, ya, 0, g.n(), g.h(), g.w(), g.c(), g.ph(), g.pw(), g.oh(), g.ow(), g.sh(), g.sw(), g.padTop(), g.padLeft());
        Pool.avgPool2dBackprop(dy, 0, dxa, 0, g.n(), g.h(), g.w(), g.c(), g.ph(), g.pw(), g.oh(), g.ow(), g.sh(), g.sw(), g.padTop(), g.padLeft());
        return new double[][] {ym, dxm, ya, dxa};
    }

    private static final String[] NAMES = {"max", "max gradient", "average", "average gradient"};

    @Test
    void randomGeometriesExactlyAsTheReference() {
        Random r = new Random(31);
        for (int t = 0; t < 400; t++) {
            G g = random(r);
            double[] x = data(r, g.xSize(), true), dy = data(r, g.ySize(), false);
            float[] xf = toFloat(x), dyf = toFloat(dy);
            float[][] got = runF(g, xf, dyf), want = referenceF(g, xf, dyf);
            double[][] gotD = runD(g, x, dy), wantD = referenceD(g, x, dy);
            for (int o = 0; o < 4; o++) {
                assertArrayEquals(want[o], got[o], NAMES[o] + " f32, " + g);
                assertArrayEquals(wantD[o], gotD[o], NAMES[o] + " f64, " + g);
            }
        }
    }

    /**
     * With {@code positive} (relu's mask fused) the max gradient is {@code where(x > 0, gradient, 0)}:
     * disjoint and overlapping windows, ties at 0, ±0, NaN and −∞, f32 and f64, bit for bit.
     */
    @Test
    void positiveGradientIsTheMaskedGradient() {
        Random r = new Random(35);
        int disjoint = 0;
        for (int t = 0; t < 400; t++) {
            G g = random(r);
            if (g.sh() >= g.ph() && g.sw() >= g.pw()) disjoint++;
            double[] x = data(r, g.xSize(), true), dy = data(r, g.ySize(), false);
            float[] xf = toFloat(x), dyf = toFloat(dy);
            float[] want = referenceF(g, xf, dyf)[1];
            double[] wantD = referenceD(g, x, dy)[1];
            for (int i = 0; i < want.length; i++) {
                if (!(xf[i] > 0)) want[i] = 0f;
                if (!(x[i] > 0)) wantD[i] = 0.0;
            }
            float[] got = new float[g.xSize()];
            double[] gotD = new double[g.xSize()];
            Arrays.fill(got, 3f);
            Arrays.fill(gotD, 3);
            Pool.maxPool2dBackprop(xf, 0, dyf, 0, true, got, 0, g.n(), g.h(), g.w(), g.c(), g.ph(), g.pw(), g.oh(), g.ow(), g.sh(), g.sw(), g.padTop(), g.padLeft());
            Pool.maxPool2dBackprop(x, 0, dy, 0, true, gotD, 0, g.n(), g.h(), g.w(), g.c(), g.ph(), g.pw(), g.oh(), g.ow(), g.sh(), g.sw(), g.padTop(), g.padLeft());
            assertArrayEquals(want, got, "masked max gradient f32, " + g);
            assertArrayEquals(wantD, gotD, "masked max gradient f64, " + g);
        }
        assertTrue(disjoint > 50 && disjoint < 350, "both window kinds drawn: " + disjoint + " disjoint of 400");
    }

    @Test
    void averageGradientIsTheAdjoint() {
        Random r = new Random(32);
        for (int t = 0; t < 100; t++) {
            G g = random(r);
            double[] x = data(r, g.xSize(), false), dy = data(r, g.ySize(), false);
            double[][] got = runD(g, x, dy);
            assertEquals(ConvF64Test.dot(got[2], dy), ConvF64Test.dot(got[3], x), 1e-12 * (1 + ConvF64Test.absDot(got[2], dy)), g.toString());
        }
    }

    /** 1 image, 2×2 input, 1 channel, one 2×2 window (valid). */
    private static float[][] one(float... x) {
        return runF(new G(1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 0, 0), x, new float[] {1f});
    }

    @Test
    void tiesNanAndZerosByHand() {
        // equal maxima: the first in row-major order takes the gradient
        float[][] r = one(3, 5, 5, 1);
        assertArrayEquals(new float[] {5}, r[0]);
        assertArrayEquals(new float[] {0, 1, 0, 0}, r[1]);
        // NaN beats every number; the first NaN wins
        r = one(1, Float.NaN, Float.NaN, 7);
        assertTrue(Float.isNaN(r[0][0]));
        assertArrayEquals(new float[] {0, 1, 0, 0}, r[1]);
        assertTrue(Float.isNaN(r[2][0]), "average with a NaN");
        // -0 and +0 tie: the first one is the value (bit for bit) and takes the gradient
        r = one(-1, -0f, 0f, -2);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(r[0][0]));
        assertArrayEquals(new float[] {0, 1, 0, 0}, r[1]);
        // all -inf: the first cell
        r = one(Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY);
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY}, r[0]);
        assertArrayEquals(new float[] {1, 0, 0, 0}, r[1]);
        // averages and their gradient: a quarter each
        r = one(1, 2, 3, 4);
        assertArrayEquals(new float[] {2.5f}, r[2]);
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, r[3]);
    }

    @Test
    void paddingIsNeverReadNorCounted() {
        // 1×3×3×1 of -1 .. -9, 2×2 windows, stride 2, one padded row/column on top/left ("same"-like):
        // windows {-1}, {-2,-3}, {-4,-7}, {-5,-6,-8,-9}
        G g = new G(1, 3, 3, 1, 2, 2, 2, 2, 2, 2, 1, 1);
        float[] x = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
        float[][] r = runF(g, x, new float[] {1, 2, 3, 4});
        assertArrayEquals(new float[] {-1, -2, -4, -5}, r[0], "padding is not a 0 that wins");
        assertArrayEquals(new float[] {1, 2, 0, 3, 4, 0, 0, 0, 0}, r[1]);
        assertArrayEquals(new float[] {-1, -2.5f, -5.5f, -7}, r[2], "averages over the cells inside only");
        assertArrayEquals(new float[] {1, 1, 1, 1.5f, 1, 1, 1.5f, 1, 1}, r[3]);
    }

    @Test
    void overlappingWindowsAccumulate() {
        // 1×1×3×1, windows of 2, stride 1: the middle cell is in both windows
        G g = new G(1, 1, 3, 1, 1, 2, 1, 2, 1, 1, 0, 0);
        float[][] r = runF(g, new float[] {1, 9, 2}, new float[] {10, 100});
        assertArrayEquals(new float[] {9, 9}, r[0]);
        assertArrayEquals(new float[] {0, 110, 0}, r[1]);
        assertArrayEquals(new float[] {5, 55, 50}, r[3]);
    }

    /** A window entirely in the padding (possible only with explicit padding ≥ the window): max −∞, average 0, no gradient. */
    @Test
    void windowsWithNoCellInside() {
        G g = new G(1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 0);
        float[][] r = runF(g, new float[] {4}, new float[] {1, 2});
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, 4}, r[0]);
        assertArrayEquals(new float[] {2}, r[1]);
        assertArrayEquals(new float[] {0, 4}, r[2]);
        assertArrayEquals(new float[] {2}, r[3]);
    }

    @Test
    void sameBitsWhateverTheThreadCount() {
        Random r = new Random(33);
        G[] gs = {new G(8, 26, 26, 32, 2, 2, 13, 13, 2, 2, 0, 0), new G(5, 17, 15, 9, 3, 3, 9, 8, 2, 2, 1, 1)};
        try (var saved = KernelSettings.save()) {
            for (G g : gs) {
                double[] x = data(r, g.xSize(), true), dy = data(r, g.ySize(), false);
                float[] xf = toFloat(x), dyf = toFloat(dy);
                KernelPool.setParallelism(1);
                float[][] one = runF(g, xf, dyf);
                double[][] oneD = runD(g, x, dy);
                KernelPool.setThreads(Math.max(2, KernelPool.size()));
                float[][] two = runF(g, xf, dyf);
                double[][] twoD = runD(g, x, dy);
                for (int o = 0; o < 4; o++) {
                    assertArrayEquals(one[o], two[o], NAMES[o] + " " + g);
                    assertArrayEquals(oneD[o], twoD[o], NAMES[o] + " f64 " + g);
                }
                assertArrayEquals(referenceF(g, xf, dyf)[3], two[3]);
            }
        }
    }

    @Test
    void badArguments() {
        float[] a = new float[16];
        assertThrows(IllegalArgumentException.class, () -> Pool.maxPool2d(a, 0, a, 0, 1, 4, 4, 1, 2, 2, 2, 2, 0, 2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Pool.avgPool2d(a, 0, a, 0, 1, 4, 4, 1, 0, 2, 2, 2, 2, 2, 0, 0));
        var e = assertThrows(IndexOutOfBoundsException.class, () -> Pool.maxPool2dBackprop(a, 0, a, 0, a, 1, 1, 4, 4, 1, 2, 2, 2, 2, 2, 2, 0, 0));
        assertTrue(e.getMessage().startsWith("dx (1x4x4x1 at offset 1)"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Pool.avgPool2dBackprop(new double[3], 0, new double[16], 0, 1, 4, 4, 1, 2, 2, 2, 2, 2, 2, 0, 0));
    }

    @Test
    void noAllocationPerCall() {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        G g = new G(2, 12, 12, 8, 2, 2, 6, 6, 2, 2, 0, 0);
        float[] x = toFloat(data(new Random(34), g.xSize(), false)), y = new float[g.ySize()], dx = new float[g.xSize()];
        try (var saved = KernelSettings.save()) {
            KernelPool.setParallelism(1);
            long least = Long.MAX_VALUE;
            long deadline = System.nanoTime() + 60_000_000_000L; // until the JIT has compiled the kernels, at most 60 s
            for (int attempt = 0; (attempt < 200 || System.nanoTime() < deadline) && least > 0; attempt++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 50; i++) {
                    Pool.maxPool2d(x, 0, y, 0, 2, 12, 12, 8, 2, 2, 6, 6, 2, 2, 0, 0);
                    Pool.maxPool2dBackprop(x, 0, y, 0, dx, 0, 2, 12, 12, 8, 2, 2, 6, 6, 2, 2, 0, 0);
                    Pool.maxPool2dBackprop(x, 0, y, 0, true, dx, 0, 2, 12, 12, 8, 2, 2, 5, 5, 2, 2, 0, 0);
                    Pool.maxPool2dBackprop(x, 0, y, 0, dx, 0, 2, 12, 12, 8, 3, 3, 5, 5, 2, 2, 0, 0);
                    Pool.avgPool2d(x, 0, y, 0, 2, 12, 12, 8, 2, 2, 6, 6, 2, 2, 0, 0);
                    Pool.avgPool2dBackprop(y, 0, dx, 0, 2, 12, 12, 8, 2, 2, 6, 6, 2, 2, 0, 0);
                }
                least = Math.min(least, mx.getCurrentThreadAllocatedBytes() - before);
            }
            assertEquals(0, least, "bytes allocated by 300 pooling calls");
        }
    }
}
