package dlm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvMaxPool} against the unfused kernels it replaces: the forward pass bit for bit
 * ({@link SmallConv} then {@link Pooling#maxPool2d}), the kernel gradient against
 * {@link Pooling#maxPool2dBackprop} then the GEMM's {@link Convolution#conv2dBackpropFilter} (and
 * the bias gradient against the sum of the pooling gradient) to rounding (another order of the same terms) and against those terms summed in double, on random
 * convolution geometries (strides, dilation, padding, filters off the vector width) with random
 * poolings of their output (overlapping windows, "same" padding), with and without bias and relu;
 * the kernel gradient the same bits on 1, 2 and 3 threads.
 */
class ConvMaxPoolTest {

    /** A pooling of an oh×ow output: {ph, pw, poh, pow, psh, psw, pTop, pLeft}, or null when it does not fit. */
    static int[] randomPool(Random r, int oh, int ow) {
        int[] y = poolAxis(r, oh), x = poolAxis(r, ow);
        if (y == null || x == null) return null;
        return new int[] {y[0], x[0], y[1], x[1], y[2], x[2], y[3], x[3]};
    }

    /** {window, output, stride, leading padding} along one axis: "valid" or TF's "same". */
    private static int[] poolAxis(Random r, int in) {
        if (in < 1) return null;
        int k = 1 + r.nextInt(Math.min(3, in)), s = 1 + r.nextInt(3);
        if (r.nextBoolean()) return new int[] {k, (in - k) / s + 1, s, 0};
        int out = (in + s - 1) / s, total = Math.max(0, (out - 1) * s + k - in);
        return new int[] {k, out, s, total / 2};
    }

    record Case(ConvGeometry g, int[] p, float[] x, float[] k, float[] bias, boolean relu) {
        int pooledSize() { return g.n() * p[2] * p[3] * g.f(); }

        /** The unfused forward pass: the convolution's output, then pooled. */
        float[] conv() {
            float[] y = new float[g.ySize()];
            SmallConv.conv2d(x, 0, k, 0, bias, 0, relu, y, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(),
                    g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
            return y;
        }

        float[] pooled(float[] conv) {
            float[] y = new float[pooledSize()];
            Pooling.maxPool2d(conv, 0, y, 0, g.n(), g.oh(), g.ow(), g.f(), p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
            return y;
        }

        /** The fused forward pass: pooled values, then winner codes. */
        float[] fusedBoth() {
            float[] y = new float[2 * pooledSize()];
            ConvMaxPool.forward(x, 0, k, 0, bias, 0, relu, y, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(),
                    g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft(), p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
            return y;
        }

        float[] fused() { return java.util.Arrays.copyOf(fusedBoth(), pooledSize()); }

        float[] fusedFilterGradient(float[] dy) {
            float[] both = fusedBoth();
            float[] dk = new float[g.kSize() + g.f()];
            java.util.Arrays.fill(dk, Float.NaN); // overwritten, not added to
            ConvMaxPool.filterGradient(x, 0, both, pooledSize(), dy, 0, dk, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(),
                    g.oh(), g.ow(), g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft(), p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
            return dk;
        }

        /** The convolution's output gradient the unfused kernels give (relu's mask folded in the pooling gradient). */
        float[] convGradient(float[] conv, float[] dy) {
            float[] dc = new float[g.ySize()];
            Pooling.maxPool2dBackprop(conv, 0, dy, 0, relu, dc, 0, g.n(), g.oh(), g.ow(), g.f(), p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
            return dc;
        }
    }

    static Case randomCase(Random r) {
        while (true) {
            ConvGeometry g = SmallConvTest.randomSmall(r);
            int[] p = randomPool(r, g.oh(), g.ow());
            if (p == null) continue;
            return new Case(g, p, SmallConvTest.data(r, g.xSize()), SmallConvTest.data(r, g.kSize()),
                    r.nextBoolean() ? SmallConvTest.data(r, g.f()) : null, r.nextBoolean());
        }
    }

    /**
     * dk's terms x[winner + tap]·dy, window by window (a cell that wins two windows gives two terms:
     * the unfused kernels add its two dy first, in float), summed in double, and the sum of their
     * magnitudes (the rounding bound's scale).
     */
    static double[][] reference(Case t, float[] conv, float[] dy) {
        ConvGeometry g = t.g();
        int[] p = t.p();
        int f = g.f();
        double[] dk = new double[g.kSize() + f], mag = new double[g.kSize() + f], codes = new double[t.pooledSize()];
        for (int b = 0; b < g.n(); b++)
            for (int py = 0; py < p[2]; py++)
                for (int px = 0; px < p[3]; px++)
                    for (int fo = 0; fo < f; fo++) {
                        int wy = -1, wx = -1, q = 0, code = -1;
                        float best = 0;
                        for (int cy = Math.max(0, py * p[4] - p[6]); cy < Math.min(g.oh(), py * p[4] - p[6] + p[0]); cy++)
                            for (int cx = Math.max(0, px * p[5] - p[7]); cx < Math.min(g.ow(), px * p[5] - p[7] + p[1]); cx++, q++) {
                                float v = conv[((b * g.oh() + cy) * g.ow() + cx) * f + fo];
                                if (wy < 0 || v > best) { best = v; wy = cy; wx = cx; code = q; }
                            }
                        boolean sends = !t.relu() || best > 0;
                        codes[((b * p[2] + py) * p[3] + px) * f + fo] = sends ? code : -1;
                        if (!sends) continue;
                        double d = dy[((b * p[2] + py) * p[3] + px) * f + fo];
                        dk[g.kSize() + fo] += d;
                        mag[g.kSize() + fo] += Math.abs(d);
                        for (int a = 0; a < g.kh(); a++)
                            for (int bb = 0; bb < g.kw(); bb++) {
                                int iy = wy * g.sh() - g.padTop() + a * g.dh(), ix = wx * g.sw() - g.padLeft() + bb * g.dw();
                                if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) continue;
                                for (int ch = 0; ch < g.c(); ch++) {
                                    double term = t.x()[((b * g.h() + iy) * g.w() + ix) * g.c() + ch] * d;
                                    int at = ((a * g.kw() + bb) * g.c() + ch) * f + fo;
                                    dk[at] += term;
                                    mag[at] += Math.abs(term);
                                }
                            }
                    }
        return new double[][] {dk, mag, codes};
    }

    static void check(Case t, Random r) {
        ConvGeometry g = t.g();
        float[] conv = t.conv();
        SmallConvTest.assertBits(t.pooled(conv), t.fused(), "forward " + g + " pool " + java.util.Arrays.toString(t.p()));
        float[] dy = ConvGeometry.random(r, t.pooledSize());
        float[] dc = t.convGradient(conv, dy);
        float[] gemm = new float[g.kSize() + g.f()]; // the kernel gradient, then the bias gradient: dc summed over positions
        Convolution.conv2dBackpropFilter(t.x(), 0, dc, 0, gemm, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(),
                g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
        for (int i = 0; i < dc.length; i++) gemm[g.kSize() + i % g.f()] += dc[i];
        float[] got = t.fusedFilterGradient(dy);
        double[][] ref = reference(t, conv, dy);
        float[] both = t.fusedBoth();
        for (int i = 0; i < t.pooledSize(); i++)
            assertEquals(ref[2][i], both[t.pooledSize() + i], "winner code " + i + " of " + g + " pool " + java.util.Arrays.toString(t.p()));
        for (int i = 0; i < got.length; i++) {
            double tol = 1e-5 * ref[1][i] + 1e-30;
            if (!(Math.abs(got[i] - ref[0][i]) <= tol) || !(Math.abs(gemm[i] - ref[0][i]) <= tol))
                fail("kernel gradient " + g + " pool " + java.util.Arrays.toString(t.p()) + " relu " + t.relu() + ": element " + i
                        + " is " + got[i] + ", the unfused kernels give " + gemm[i] + ", in double " + ref[0][i]);
        }
    }

    @Test
    void randomGeometriesMatchTheUnfusedKernels() {
        Random r = new Random(31);
        for (int t = 0; t < 400; t++) check(randomCase(r), r);
    }

    @Test
    void theBooksFirstLayerOnAnyThreadCount() {
        Random r = new Random(32);
        int before = KernelPool.parallelism();
        ConvGeometry conv1 = new ConvGeometry(8, 28, 28, 1, 3, 3, 32, 26, 26, 1, 1, 1, 1, 0, 0);
        Case t = new Case(conv1, new int[] {2, 2, 13, 13, 2, 2, 0, 0}, SmallConvTest.data(r, conv1.xSize()),
                SmallConvTest.data(r, conv1.kSize()), SmallConvTest.data(r, 32), true);
        Case rgb = new Case(new ConvGeometry(3, 17, 19, 3, 3, 3, 20, 17, 19, 1, 1, 1, 1, 1, 1), new int[] {3, 3, 9, 10, 2, 2, 1, 1},
                SmallConvTest.data(r, 3 * 17 * 19 * 3), SmallConvTest.data(r, 27 * 20), null, true);
        float[] dy = ConvGeometry.random(r, t.pooledSize()), dyRgb = ConvGeometry.random(r, rgb.pooledSize());
        try {
            float[] one = null, oneRgb = null;
            for (int threads : new int[] {1, 2, 3}) {
                KernelPool.setParallelism(threads);
                check(t, r);
                check(rgb, r);
                // every window 2×2 and inside, filters off the vector width: the register paths and their tails
                ConvGeometry g4 = new ConvGeometry(3, 12, 12, 3, 3, 3, 20, 10, 10, 1, 1, 1, 1, 0, 0);
                check(new Case(g4, new int[] {2, 2, 5, 5, 2, 2, 0, 0}, SmallConvTest.data(r, g4.xSize()), SmallConvTest.data(r, g4.kSize()),
                        SmallConvTest.data(r, 20), threads != 2), r);
                float[] dk = t.fusedFilterGradient(dy), dkRgb = rgb.fusedFilterGradient(dyRgb);
                if (one == null) {
                    one = dk;
                    oneRgb = dkRgb;
                } else {
                    SmallConvTest.assertBits(one, dk, "kernel gradient on " + threads + " threads");
                    SmallConvTest.assertBits(oneRgb, dkRgb, "kernel gradient (RGB) on " + threads + " threads");
                }
            }
        } finally {
            KernelPool.setParallelism(before);
        }
    }

    @Test
    void aNaNWinsItsWindowAsInThePooling() {
        Random r = new Random(33);
        ConvGeometry g = new ConvGeometry(2, 8, 8, 1, 3, 3, 5, 6, 6, 1, 1, 1, 1, 0, 0);
        float[] x = SmallConvTest.data(r, g.xSize());
        x[13] = Float.NaN;
        x[70] = Float.POSITIVE_INFINITY;
        Case t = new Case(g, new int[] {2, 2, 3, 3, 2, 2, 0, 0}, x, SmallConvTest.data(r, g.kSize()), null, true);
        float[] got = t.fused();
        SmallConvTest.assertBits(t.pooled(t.conv()), got, "forward with NaN and infinity");
        int nans = 0;
        for (float v : got) if (Float.isNaN(v)) nans++;
        assertTrue(nans > 0, "the NaN's windows are NaN");
    }

    @Test
    void noAllocationInSteadyState() {
        ConvGeometry g = new ConvGeometry(2, 28, 28, 1, 3, 3, 32, 26, 26, 1, 1, 1, 1, 0, 0);
        float[] x = new float[g.xSize()], k = new float[g.kSize()], b = new float[32], y = new float[2 * 2 * 13 * 13 * 32], dk = new float[g.kSize() + 32];
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Runnable call = () -> {
            ConvMaxPool.forward(x, 0, k, 0, b, 0, true, y, 0, 2, 28, 28, 1, 3, 3, 32, 26, 26, 1, 1, 1, 1, 0, 0, 2, 2, 13, 13, 2, 2, 0, 0);
            ConvMaxPool.filterGradient(x, 0, y, 2 * 13 * 13 * 32, y, 0, dk, 0, 2, 28, 28, 1, 3, 3, 32, 26, 26, 1, 1, 1, 1, 0, 0, 2, 2, 13, 13, 2, 2, 0, 0);
        };
        for (int i = 0; i < 20000; i++) call.run();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200; i++) call.run();
        assertEquals(0, Math.max(0, mx.getCurrentThreadAllocatedBytes() - before - 4096), "allocates");
    }
}
