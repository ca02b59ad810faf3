package dlm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import dlm.runtime.exec.Conv;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Conv}'s f32 convolutions against {@link ConvReference}: exactly equal to the reference that
 * sums in the GEMM's order, and within the float rounding bound of the double definitions, over
 * many random geometries; bit-identical across thread counts and parallel modes; hand-computed
 * small cases; argument errors; no allocation.
 */
class ConvTest {

    /** Runs the three f32 ops on random data of geometry g (offsets inside bigger arrays), checks everything. */
    static void check(ConvGeometry g, Random r) {
        int off = r.nextInt(5);
        float[] x = ConvGeometry.random(r, g.xSize()), k = ConvGeometry.random(r, g.kSize()), dy = ConvGeometry.random(r, g.ySize());
        float[] bias = r.nextBoolean() ? ConvGeometry.random(r, g.f()) : null;
        boolean relu = r.nextBoolean();
        float[] y = run(g, off, x, k, bias, relu), dx = runInput(g, off, dy, k), dk = runFilter(g, off, x, dy);

        assertSame(ConvReference.forwardExact(g, x, k, bias, relu), y, "forward " + g);
        assertSame(ConvReference.backpropInputExact(g, dy, k), dx, "input gradient " + g);
        assertSame(ConvReference.backpropFilterExact(g, x, dy), dk, "kernel gradient " + g);

        double[][] d = ConvReference.doubles(g, ConvReference.toDouble(x), ConvReference.toDouble(k), ConvReference.toDouble(dy));
        for (int i = 0; i < y.length; i++) {
            double want = d[0][i] + (bias == null ? 0 : bias[i % g.f()]);
            if (relu) want = Math.max(0, want);
            assertClose(want, y[i], d[3][i] + (bias == null ? 0 : Math.abs(bias[i % g.f()])), g.kh() * g.kw() * g.c(), "forward " + g + " at " + i);
        }
        for (int i = 0; i < dx.length; i++) assertClose(d[1][i], dx[i], d[4][i], g.kh() * g.kw() * g.f(), "input gradient " + g + " at " + i);
        for (int i = 0; i < dk.length; i++) assertClose(d[2][i], dk[i], d[5][i], g.n() * g.oh() * g.ow(), "kernel gradient " + g + " at " + i);
    }

    static float[] run(ConvGeometry g, int off, float[] x, float[] k, float[] bias, boolean relu) {
        float[] xs = shifted(x, off), ks = shifted(k, off), bs = bias == null ? null : shifted(bias, off), y = new float[g.ySize() + 2 * off];
        java.util.Arrays.fill(y, 7f);
        Conv.conv2d(xs, off, ks, off, bs, off, relu, y, off, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(),
                g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
        return unshift(y, off, g.ySize());
    }

    static float[] runInput(ConvGeometry g, int off, float[] dy, float[] k) {
        float[] dx = new float[g.xSize() + 2 * off];
        java.util.Arrays.fill(dx, 7f);
        float[] work = new float[Conv.conv2dBackpropInputWorkspace(g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow()) + off];
        java.util.Arrays.fill(work, 7f);
        Conv.conv2dBackpropInput(shifted(dy, off), off, shifted(k, off), off, dx, off, work, off, g.n(), g.h(), g.w(), g.c(),
                g.kh(), g.kw(), g.f(), g.oh(), g.ow(), g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
        return unshift(dx, off, g.xSize());
    }

    static float[] runFilter(ConvGeometry g, int off, float[] x, float[] dy) {
        float[] dk = new float[g.kSize() + 2 * off];
        java.util.Arrays.fill(dk, 7f);
        Conv.conv2dBackpropFilter(shifted(x, off), off, shifted(dy, off), off, dk, off, g.n(), g.h(), g.w(), g.c(),
                g.kh(), g.kw(), g.f(), g.oh(), g.ow(), g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
        return unshift(dk, off, g.kSize());
    }

    /** a at offset off in an array with off spare elements on both sides (filled with NaN: reading them shows). */
    static float[] shifted(float[] a, int off) {
        float[] s = new float[a.length + 2 * off];
        java.util.Arrays.fill(s, Float.NaN);
        System.arraycopy(a, 0, s, off, a.length);
        return s;
    }

    /** The result at off; the spare elements around it must be untouched (7). */
    static float[] unshift(float[] s, int off, int size) {
        for (int i = 0; i < off; i++) {
            assertEquals(7f, s[i], "written before the result");
            assertEquals(7f, s[off + size + i], "written after the result");
        }
        return java.util.Arrays.copyOfRange(s, off, off + size);
    }

    /** Equal as numbers (−0 == +0: a skipped zero step may keep the sign of an exact-zero sum, see Gemm). */
    static void assertSame(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (!(want[i] == got[i] || (Float.isNaN(want[i]) && Float.isNaN(got[i]))))
                fail(what + ": element " + i + " is " + got[i] + ", the GEMM-order reference " + want[i]);
        }
    }

    /** |got − want| within the bound of a float sum of k terms: (k + 2)·2⁻²⁴·Σ|terms| (u = 2⁻²⁴ per FMA, plus the last rounding). */
    static void assertClose(double want, float got, double absSum, int k, String what) {
        double tol = (k + 2) * Math.scalb(1.0, -24) * absSum + Double.MIN_NORMAL;
        if (!(Math.abs(got - want) <= tol)) fail(what + ": " + got + " vs " + want + " (tolerance " + tol + ")");
    }

    @Test
    void manyRandomGeometries() {
        Random r = new Random(11);
        for (int t = 0; t < 400; t++) check(ConvGeometry.random(r), r);
    }

    /** Beyond one k block of the GEMM (K > KC = 256): many channels, or many output positions for dk. */
    @Test
    void severalKBlocks() {
        Random r = new Random(12);
        check(new ConvGeometry(2, 7, 6, 40, 3, 3, 19, 5, 4, 1, 1, 1, 1, 0, 0), r);      // K = 360
        check(new ConvGeometry(3, 12, 11, 3, 2, 2, 35, 11, 10, 1, 1, 1, 1, 0, 0), r);   // dk sums 330 positions
        check(new ConvGeometry(1, 9, 9, 70, 3, 3, 5, 5, 5, 2, 2, 1, 1, 1, 1), r);       // K = 630: 3 blocks
        check(new ConvGeometry(2, 10, 10, 33, 3, 3, 40, 5, 5, 2, 2, 2, 2, 2, 2), r);    // dilated, strided, K = 297
    }

    @Test
    void theBookConvnetLayersAtASmallBatch() {
        Random r = new Random(13);
        check(new ConvGeometry(2, 28, 28, 1, 3, 3, 32, 26, 26, 1, 1, 1, 1, 0, 0), r);
        check(new ConvGeometry(2, 13, 13, 32, 3, 3, 64, 11, 11, 1, 1, 1, 1, 0, 0), r);
        check(new ConvGeometry(2, 5, 5, 64, 3, 3, 128, 3, 3, 1, 1, 1, 1, 0, 0), r);
    }

    /** 1×1 kernels: a plain product over channels; strided 1×1 leaves the skipped cells' gradient 0. */
    @Test
    void oneByOneKernels() {
        Random r = new Random(14);
        check(new ConvGeometry(2, 5, 4, 6, 1, 1, 9, 5, 4, 1, 1, 1, 1, 0, 0), r);
        check(new ConvGeometry(1, 5, 5, 3, 1, 1, 4, 3, 3, 2, 2, 1, 1, 0, 0), r);
        check(new ConvGeometry(1, 6, 7, 3, 1, 1, 4, 2, 3, 3, 3, 2, 2, 0, 0), r);
    }

    /** A hand-computed case: 1 image 3×3×1, kernel 2×2×1×1 of ones, stride 1, bias 0.5, padding 1 on top/left. */
    @Test
    void smallCaseByHand() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9}, k = {1, 1, 1, 1}, y = new float[9];
        // oh = ow = 3 with padTop = padLeft = 1 (and none at the bottom/right): window sums of the zero-padded input
        Conv.conv2d(x, 0, k, 0, new float[] {0.5f}, 0, false, y, 0, 1, 3, 3, 1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 1, 1);
        assertArrayEquals(new float[] {1.5f, 3.5f, 5.5f, 5.5f, 12.5f, 16.5f, 11.5f, 24.5f, 28.5f}, y);
        // dy = 1 everywhere: dx counts the windows each cell is in; dk sums the cells each tap reads
        float[] dy = {1, 1, 1, 1, 1, 1, 1, 1, 1}, dx = new float[9], dk = new float[4];
        Conv.conv2dBackpropInput(dy, 0, k, 0, dx, 0, null, 0, 1, 3, 3, 1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 1, 1);
        assertArrayEquals(new float[] {4, 4, 2, 4, 4, 2, 2, 2, 1}, dx);
        Conv.conv2dBackpropFilter(x, 0, dy, 0, dk, 0, 1, 3, 3, 1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 1, 1);
        assertArrayEquals(new float[] {12, 21, 27, 45}, dk);
        // relu with a negative bias clamps
        Conv.conv2d(x, 0, k, 0, new float[] {-6f}, 0, true, y, 0, 1, 3, 3, 1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 1, 1);
        assertArrayEquals(new float[] {0, 0, 0, 0, 6, 10, 5, 18, 22}, y);
    }

    /** The same bits with 1 and 2 threads, in each of the GEMM's parallel modes. */
    @ParameterizedTest
    @ValueSource(strings = {"shared", "phased", "static", "default"})
    void sameBitsWhateverTheThreadCount(String mode) {
        Random r = new Random(15);
        ConvGeometry[] gs = {
                new ConvGeometry(4, 28, 28, 1, 3, 3, 32, 26, 26, 1, 1, 1, 1, 0, 0),
                new ConvGeometry(4, 13, 13, 32, 3, 3, 64, 11, 11, 1, 1, 1, 1, 0, 0),
                new ConvGeometry(8, 5, 5, 64, 3, 3, 128, 3, 3, 1, 1, 1, 1, 0, 0),
                new ConvGeometry(3, 15, 14, 7, 3, 2, 21, 8, 7, 2, 2, 1, 2, 1, 0),
        };
        try (var saved = KernelSettings.save()) {
            if (!mode.equals("default")) {
                Gemm.parallelMinFlops = 0;
                Gemm.sharedMaxFloats = mode.equals("shared") ? Long.MAX_VALUE : 0;
                Gemm.phasedMinRowTiles = mode.equals("phased") ? 2 : Integer.MAX_VALUE;
            }
            for (ConvGeometry g : gs) {
                float[] x = ConvGeometry.random(r, g.xSize()), k = ConvGeometry.random(r, g.kSize()), dy = ConvGeometry.random(r, g.ySize());
                // ReLU'd activations, as a convnet's inner layers see: zero steps for the skipping
                for (int i = 0; i < x.length; i += 2) x[i] = Math.max(0, x[i]);
                float[] bias = ConvGeometry.random(r, g.f());
                KernelPool.setParallelism(1);
                float[] y1 = run(g, 0, x, k, bias, true), dx1 = runInput(g, 0, dy, k), dk1 = runFilter(g, 0, x, dy);
                KernelPool.setThreads(Math.max(2, KernelPool.size()));
                float[] y2 = run(g, 0, x, k, bias, true), dx2 = runInput(g, 0, dy, k), dk2 = runFilter(g, 0, x, dy);
                assertArrayEquals(y1, y2, "forward " + g);
                assertArrayEquals(dx1, dx2, "input gradient " + g);
                assertArrayEquals(dk1, dk2, "kernel gradient " + g);
            }
        }
    }

    @Test
    void badArguments() {
        float[] a = new float[100];
        // strides and dilations must be positive
        assertThrows(IllegalArgumentException.class, () -> Conv.conv2d(a, 0, a, 0, null, 0, false, a, 0, 1, 3, 3, 1, 2, 2, 1, 2, 2, 0, 1, 1, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Conv.conv2dBackpropFilter(a, 0, a, 0, a, 0, 1, 3, 3, 1, 2, 2, 1, 2, 2, 1, 1, 0, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Conv.conv2d(a, 0, a, 0, null, 0, false, a, 0, 1, 3, 3, 1, 0, 2, 1, 2, 2, 1, 1, 1, 1, 0, 0));
        // a tensor that does not fit its array
        var e = assertThrows(IndexOutOfBoundsException.class, () -> Conv.conv2d(a, 95, a, 0, null, 0, false, a, 0, 1, 3, 3, 1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 0, 0));
        assertTrue(e.getMessage().startsWith("x (1x3x3x1 at offset 95)"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Conv.conv2d(a, 0, a, 0, new float[1], 0, false, a, 0, 1, 3, 3, 1, 2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Conv.conv2dBackpropInput(new float[3], 0, a, 0, a, 0, null, 0, 1, 3, 3, 1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 0, 0));
        assertThrows(NullPointerException.class, () -> Conv.conv2dBackpropInput(null, 0, a, 0, a, 0, null, 0, 1, 3, 3, 1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 0, 0));
        assertThrows(NullPointerException.class, () -> Conv.conv2dBackpropFilter(a, 0, a, 0, null, 0, 1, 3, 3, 1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 0, 0));
    }

    /** Empty tensors: nothing to do, or (no input channels) the output is the epilogue of 0. */
    @Test
    void emptyDimensions() {
        float[] y = {9, 9};
        Conv.conv2d(new float[0], 0, new float[0], 0, new float[] {-1, 2}, 0, true, y, 0, 1, 1, 1, 0, 1, 1, 2, 1, 1, 1, 1, 1, 1, 0, 0);
        assertArrayEquals(new float[] {0, 2}, y);
        float[] dk = {9, 9};
        Conv.conv2dBackpropFilter(new float[0], 0, new float[0], 0, dk, 0, 0, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 0, 0);
        assertArrayEquals(new float[] {0, 0}, dk);
    }

    /** Once warm, a stream of calls allocates nothing (on one thread: the pool's workers are not measured). */
    @ParameterizedTest
    @ValueSource(strings = {"2 9 9 5 3 3 20 4 4 2 2 1 1 1 1", "2 28 28 1 3 3 32 26 26 1 1 1 1 0 0", "2 13 13 32 3 3 64 11 11 1 1 1 1 0 0"})
    void noAllocationPerCall(String geometry) {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int[] v = java.util.Arrays.stream(geometry.split(" ")).mapToInt(Integer::parseInt).toArray();
        ConvGeometry g = new ConvGeometry(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14]);
        Random r = new Random(16);
        float[] x = ConvGeometry.random(r, g.xSize()), k = ConvGeometry.random(r, g.kSize()), dy = ConvGeometry.random(r, g.ySize());
        float[] y = new float[g.ySize()], dx = new float[g.xSize()], dk = new float[g.kSize()], bias = new float[g.f()];
        float[] work = new float[Conv.conv2dBackpropInputWorkspace(g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow())];
        try (var saved = KernelSettings.save()) {
            KernelPool.setParallelism(1);
            long[] least = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
            // until the JIT has compiled the kernels (C2 removes the vectors' boxes; on a busy machine
            // that takes a while), at most 60 s: a kernel that still allocates then fails
            long deadline = System.nanoTime() + 60_000_000_000L;
            for (int attempt = 0; (attempt < 400 || System.nanoTime() < deadline) && least[0] + least[1] + least[2] > 0; attempt++) {
                for (int op = 0; op < 3; op++) {
                    long before = mx.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 10; i++) {
                        if (op == 0) Conv.conv2d(x, 0, k, 0, bias, 0, true, y, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(), g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
                        if (op == 1) Conv.conv2dBackpropInput(dy, 0, k, 0, dx, 0, work, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(), g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
                        if (op == 2) Conv.conv2dBackpropFilter(x, 0, dy, 0, dk, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(), g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
                    }
                    least[op] = Math.min(least[op], mx.getCurrentThreadAllocatedBytes() - before);
                }
            }
            assertArrayEquals(new long[] {0, 0, 0}, least, "bytes allocated by 10 calls of forward, input and kernel gradient, " + g);
        }
    }
}
