package dlm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DirectGemm} (the left operand read in place through index tables) against {@link Gemm}'s
 * packed path on the materialized operand, and the convolutions that use it against the same
 * convolutions with their patches packed ({@code DirectGemm.enabled = false}), bit for bit (raw
 * bits), at 1, 2 and 3 threads: partial row tiles, partial column tiles, several k blocks, every
 * epilogue, strides and dilation, the wide (4-row × 4-vector) tiles and without them; padded
 * geometries keep the packed path.
 */
class DirectGemmTest {

    static void assertBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++)
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i]))
                fail(what + ": element " + i + " is " + got[i] + ", the packed GEMM gives " + want[i]);
    }

    static float[] data(Random r, int size) {
        float[] a = ConvGeometry.random(r, size);
        for (int i = 0; i < size; i++) if (r.nextInt(5) == 0) a[i] = r.nextBoolean() ? 0f : -0f;
        return a;
    }

    /**
     * A random m×k operand in x through row and column tables, against the GEMM on it materialized,
     * in both table forms: general (rows strided, colAt[p] = p) and consecutive rows
     * (rowAt[i] = base + i, columns strided by at least m).
     */
    static void checkTables(Random r, int m, int n, int k, Epilogue e) {
        boolean rowsConsecutive = r.nextBoolean();
        int base = r.nextInt(4);
        int rowStride = rowsConsecutive ? 1 : k + r.nextInt(3), colStride = rowsConsecutive ? m + r.nextInt(3) : 1;
        float[] x = data(r, base + m * rowStride + k * colStride);
        float[] b = data(r, 3 + k * (n + 2));
        float[] bias = data(r, n + 1);
        int bOff = r.nextInt(3), ldb = n + r.nextInt(3), ldc = n + r.nextInt(2);
        float[] a = new float[m * k];
        DirectGemm d = DirectGemm.local();
        int[] rows = d.rows(m), cols = d.cols(k);
        for (int i = 0; i < m; i++) rows[i] = base + i * rowStride;
        for (int p = 0; p < k; p++) cols[p] = p * colStride;
        for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) a[i * k + p] = x[rows[i] + cols[p]];
        float[] want = new float[m * ldc + 1], got = new float[m * ldc + 1];
        java.util.Arrays.fill(want, 5f);
        java.util.Arrays.fill(got, 5f);
        Gemm.sgemm(false, false, m, n, k, a, 0, k, b, bOff, ldb, want, 1, ldc, false, bias, 1, e);
        d.run(x, m, n, k, b, bOff, ldb, got, 1, ldc, bias, 1, e.ordinal(), r.nextBoolean(), true, rowsConsecutive);
        assertBits(want, got, "m=" + m + " n=" + n + " k=" + k + " " + e + " consecutive " + rowsConsecutive);
    }

    @Test
    void tablesGiveTheGemmsBits() {
        Random r = new Random(31);
        try (var saved = KernelSettings.save()) {
            Gemm.parallelMinFlops = 0;
            for (int threads : new int[] {1, 2, 3}) {
                KernelPool.setParallelism(threads);
                for (int t = 0; t < 90; t++) {
                    int m = 1 + r.nextInt(40), n = Gemm.SMALL_N + r.nextInt(70), k = 1 + r.nextInt(3 * Gemm.KC);
                    checkTables(r, m, n, k, Epilogue.values()[r.nextInt(Epilogue.values().length)]);
                }
                checkTables(r, 9, 32, 2 * Gemm.KC + 7, Epilogue.NONE);      // the book's conv1 kernel gradient, short
                checkTables(r, 13, 4 * Gemm.V * 2 + 3, 300, Epilogue.BIAS_RELU); // wide tiles, partial wide rows, a column tail
                checkTables(r, Gemm.MR, 2 * Gemm.NR, Gemm.KC, Epilogue.BIAS_RELU); // whole tiles, one block
            }
        }
    }

    @Test
    void narrowTilesAloneGiveTheSameBits() {
        boolean before = DirectGemm.wide;
        try {
            Random r = new Random(36);
            for (boolean wide : new boolean[] {false, true}) {
                DirectGemm.wide = wide && Gemm.MR == 8;
                for (int t = 0; t < 30; t++) checkTables(r, 1 + r.nextInt(20), 4 * Gemm.V + r.nextInt(4 * Gemm.V), 1 + r.nextInt(600), Epilogue.BIAS_RELU);
                checkConv(new ConvGeometry(2, 13, 13, 32, 3, 3, 64, 11, 11, 1, 1, 1, 1, 0, 0), r);
            }
        } finally {
            DirectGemm.wide = before;
        }
    }

    @Test
    void emptyKGivesTheEpilogueOfZero() {
        float[] c = new float[3 * 32];
        java.util.Arrays.fill(c, 9f);
        float[] bias = new float[32];
        for (int j = 0; j < 32; j++) bias[j] = j - 16;
        DirectGemm d = DirectGemm.local();
        d.rows(3);
        d.run(new float[1], 3, 32, 0, new float[1], 0, 32, c, 0, 32, bias, 0, Epilogue.BIAS_RELU.ordinal(), false, true, false);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 32; j++) assertEquals(Math.max(0, j - 16), c[i * 32 + j]);
    }

    /** The three convolutions with the in-place operands against the same with packed patches. */
    static void checkConv(ConvGeometry g, Random r) {
        float[] x = data(r, g.xSize()), k = data(r, g.kSize()), dy = data(r, g.ySize());
        float[] bias = r.nextBoolean() ? data(r, g.f()) : null;
        boolean relu = r.nextBoolean();
        float[][] want = new float[3][], got = new float[3][];
        boolean before = DirectGemm.enabled;
        try {
            DirectGemm.enabled = false;
            want = conv(g, x, k, dy, bias, relu);
            DirectGemm.enabled = true;
            got = conv(g, x, k, dy, bias, relu);
        } finally {
            DirectGemm.enabled = before;
        }
        assertBits(want[0], got[0], "forward " + g);
        assertBits(want[1], got[1], "input gradient " + g);
        assertBits(want[2], got[2], "kernel gradient " + g);
    }

    static float[][] conv(ConvGeometry g, float[] x, float[] k, float[] dy, float[] bias, boolean relu) {
        float[] y = new float[g.ySize()], dx = new float[g.xSize()], dk = new float[g.kSize()];
        Convolution.conv2dGemm(x, 0, k, 0, bias, 0, relu, y, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(),
                g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
        Convolution.conv2dBackpropInput(dy, 0, k, 0, dx, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(), g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
        Convolution.conv2dBackpropFilter(x, 0, dy, 0, dk, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(),
                g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
        return new float[][] {y, dx, dk};
    }

    @Test
    void randomGeometriesAreThePackedBits() {
        Random r = new Random(32);
        int inside = 0;
        for (int t = 0; t < 400; t++) {
            ConvGeometry g = ConvGeometry.random(r);
            if (Convolution.direct(g.n(), g.h(), g.w(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(), g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft())) inside++;
            checkConv(g, r);
        }
        assertTrue(inside > 100, "only " + inside + " geometries took the direct path");
    }

    @Test
    void theBookConvnetAndStridedDilatedLayersAtSeveralThreadCounts() {
        Random r = new Random(33);
        try (var saved = KernelSettings.save()) {
            for (int threads : new int[] {1, 2, 3}) {
                KernelPool.setParallelism(threads);
                checkConv(new ConvGeometry(3, 28, 28, 1, 3, 3, 32, 26, 26, 1, 1, 1, 1, 0, 0), r);    // conv1 (kernel gradient: 9 rows)
                checkConv(new ConvGeometry(4, 13, 13, 32, 3, 3, 64, 11, 11, 1, 1, 1, 1, 0, 0), r);   // conv2: k = 288, two blocks
                checkConv(new ConvGeometry(5, 5, 5, 64, 3, 3, 128, 3, 3, 1, 1, 1, 1, 0, 0), r);     // conv3
                checkConv(new ConvGeometry(2, 15, 14, 12, 3, 2, 40, 5, 6, 3, 2, 2, 2, 0, 0), r);     // strides, dilation, odd f
                checkConv(new ConvGeometry(2, 9, 9, 33, 2, 2, 35, 8, 8, 1, 1, 1, 1, 0, 0), r);       // k = 132, partial tiles both ways
            }
        }
    }

    @Test
    void paddingKeepsThePackedPath() {
        assertFalse(Convolution.direct(2, 13, 13, 3, 3, 64, 13, 13, 1, 1, 1, 1, 1, 1), "\"same\" padding reads outside the input");
        assertFalse(Convolution.direct(2, 13, 13, 3, 3, 64, 11, 13, 1, 1, 1, 1, 0, 1), "left padding");
        assertFalse(Convolution.direct(0, 13, 13, 3, 3, 64, 11, 11, 1, 1, 1, 1, 0, 0), "no images");
        assertEquals(Gemm.MR != 8, Convolution.direct(2, 13, 13, 3, 3, 2 * Gemm.NR + 1, 11, 11, 1, 1, 1, 1, 0, 0), "three column tiles: packing 8-row panels pays");
        assertTrue(Convolution.direct(2, 13, 13, 3, 3, 2 * Gemm.NR, 11, 11, 1, 1, 1, 1, 0, 0), "valid");
        assertTrue(Convolution.direct(2, 13, 13, 3, 3, 64, 6, 6, 2, 2, 1, 1, 0, 0), "valid, strided: the last row read is 12");
        Random r = new Random(34);
        checkConv(new ConvGeometry(2, 13, 13, 32, 3, 3, 64, 13, 13, 1, 1, 1, 1, 1, 1), r);
    }

    @Test
    void noAllocationInSteadyState() {
        ConvGeometry g = new ConvGeometry(2, 13, 13, 32, 3, 3, 64, 11, 11, 1, 1, 1, 1, 0, 0);
        float[] x = new float[g.xSize()], k = new float[g.kSize()], y = new float[g.ySize()], dk = new float[g.kSize()], b = new float[64];
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Runnable call = () -> {
            Convolution.conv2dGemm(x, 0, k, 0, b, 0, true, y, 0, 2, 13, 13, 32, 3, 3, 64, 11, 11, 1, 1, 1, 1, 0, 0);
            Convolution.conv2dBackpropFilter(x, 0, y, 0, dk, 0, 2, 13, 13, 32, 3, 3, 64, 11, 11, 1, 1, 1, 1, 0, 0);
        };
        for (int i = 0; i < 2000; i++) call.run();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200; i++) call.run();
        assertTrue(mx.getCurrentThreadAllocatedBytes() - before < 4096, "allocates");
    }

    /** The same checks in child JVMs with AVX2's width and register file, and the other tile forced. */
    @ParameterizedTest
    @ValueSource(strings = {"-XX:UseAVX=2", "-Ddlm.gemm.registers=16", "-Ddlm.gemm.registers=16 -XX:MaxVectorSize=16"})
    void otherVectorWidthsAndTiles(String jvmOptions) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "--add-modules", "jdk.incubator.vector"));
        cmd.addAll(List.of(jvmOptions.split(" ")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DirectGemmCheck.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "child JVM hung: " + out);
        assertEquals(0, p.exitValue(), out);
        if (jvmOptions.contains("registers=16")) assertTrue(out.contains(" tile=6x"), out);
        assertTrue(out.contains(" ok"), out);
    }
}
