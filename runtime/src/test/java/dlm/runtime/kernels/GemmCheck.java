package dlm.runtime.kernels;

import java.util.Random;

/**
 * Shared test machinery: random problems with offsets and padded leading dimensions, the kernel
 * against {@link Gemm#sgemmReference}, and an element-wise error bound.
 *
 * <p>Tolerance: the kernel sums in float with fused multiply-adds (k order inside a k block, the
 * blocks in order; dot products in vector lanes, then across lanes). The classical bound for any such
 * order is |error| ≤ γ_k·Σ_p|a_ip·b_pj| with γ_k ≈ k·u, u = 2⁻²⁴, plus one rounding for each of the
 * accumulate and bias additions. We allow twice that: {@code tol = 2·(k + 3)·u·(Σ|a·b| + |c_old| + |bias|)}
 * against the double-precision reference. It is tight enough to catch any wrong or missing term,
 * which is at least one |a·b| out of Σ|a·b| for random data.
 */
final class GemmCheck {
    static final double U = Math.ulp(1.0f) / 2;  // 2^-24

    final boolean tA, tB, acc;
    final int m, n, k, aOff, lda, bOff, ldb, cOff, ldc, biasOff;
    final Epilogue e;
    final float[] a, b, c0, bias;

    GemmCheck(Random r, boolean tA, boolean tB, int m, int n, int k, boolean padded, boolean acc, Epilogue e) {
        this.tA = tA; this.tB = tB; this.m = m; this.n = n; this.k = k; this.acc = acc; this.e = e;
        int aRows = tA ? k : m, aCols = tA ? m : k, bRows = tB ? n : k, bCols = tB ? k : n;
        aOff = padded ? r.nextInt(5) : 0;
        bOff = padded ? r.nextInt(5) : 0;
        cOff = padded ? r.nextInt(5) : 0;
        biasOff = padded ? r.nextInt(3) : 0;
        lda = aCols + (padded ? r.nextInt(4) : 0);
        ldb = bCols + (padded ? r.nextInt(4) : 0);
        ldc = n + (padded ? r.nextInt(4) : 0);
        a = random(r, aOff + Math.max(aRows, 1) * lda + 3);
        b = random(r, bOff + Math.max(bRows, 1) * ldb + 3);
        c0 = random(r, cOff + Math.max(m, 1) * ldc + 3);
        bias = random(r, biasOff + n + 2);
    }

    static float[] random(Random r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = r.nextFloat() * 2 - 1;
        return x;
    }

    float[] runKernel() {
        float[] c = c0.clone();
        Gemm.sgemm(tA, tB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, acc, bias, biasOff, e);
        return c;
    }

    /**
     * Compares with a double-precision reference (the same definition as {@link Gemm#sgemmReference},
     * computed row by row together with Σ|a·b| for the bound); returns null when within tolerance,
     * else a description of the first bad element.
     */
    String verify(float[] got) {
        double[] sum = new double[n], mag = new double[n];
        for (int idx = 0; idx < got.length; idx++) {
            int rel = idx - cOff;
            int i = rel >= 0 ? rel / ldc : -1, j = rel >= 0 ? rel % ldc : -1;
            if (!(rel >= 0 && i < m && j < n) && Float.floatToRawIntBits(got[idx]) != Float.floatToRawIntBits(c0[idx]))
                return describe() + ": wrote outside C at index " + idx + " (i=" + i + ", j=" + j + ")";
        }
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(sum, 0);
            java.util.Arrays.fill(mag, 0);
            for (int p = 0; p < k; p++) {
                double x = tA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                for (int j = 0; j < n; j++) {
                    double xy = x * (tB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
                    sum[j] += xy;
                    mag[j] += Math.abs(xy);
                }
            }
            for (int j = 0; j < n; j++) {
                int idx = cOff + i * ldc + j;
                double s = sum[j], mg = mag[j];
                if (acc) { s += c0[idx]; mg += Math.abs(c0[idx]); }
                if (e.hasBias()) { s += bias[biasOff + j]; mg += Math.abs(bias[biasOff + j]); }
                float want = e.hasRelu() ? Math.max(0f, (float) s) : (float) s;
                double tol = 2 * (k + 3) * U * mg + Float.MIN_NORMAL;
                double diff = Math.abs((double) got[idx] - want);
                if (!(diff <= tol))
                    return describe() + ": C[" + i + "][" + j + "] = " + got[idx] + ", reference " + want
                            + " (|diff| " + diff + " > tol " + tol + ")";
            }
        }
        return null;
    }

    String describe() {
        return (tA ? "A^T" : "A") + "·" + (tB ? "B^T" : "B") + " m=" + m + " n=" + n + " k=" + k
                + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " offs=" + aOff + "/" + bOff + "/" + cOff
                + " acc=" + acc + " " + e;
    }

    /**
     * A bit pattern of the results of a fixed set of products (all layouts, epilogues, accumulation,
     * partial tiles, the narrow, transposed and packed paths, one and several threads' worth of
     * work) with k ≤ {@link Gemm#KC}: there every path, tile and vector width computes each element
     * by the same FMAs in k order, so the results, and this digest, must be the same bits in every
     * JVM, whatever its vector width or register tile.
     */
    static String digest() {
        Random r = new Random(2024);
        Epilogue[] es = Epilogue.values();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        int[][] fixed = {{128, 512, 200}, {128, 10, 256}, {200, 130, 128}, {256, 10, 128}, {128, 512, 10}, {13, 77, 31}};
        for (int t = 0; t < 64; t++) {
            int[] f = fixed[t % fixed.length];
            int m = t < 24 ? f[0] : 1 + r.nextInt(90), n = t < 24 ? f[1] : 1 + r.nextInt(90), k = t < 24 ? f[2] : 1 + r.nextInt(90);
            GemmCheck g = new GemmCheck(r, (t & 1) != 0, (t & 2) != 0, m, n, k, true, (t & 4) != 0, es[t % es.length]);
            for (float v : g.runKernel()) {
                int bits = Float.floatToRawIntBits(v);
                crc.update(bits); crc.update(bits >>> 8); crc.update(bits >>> 16); crc.update(bits >>> 24);
            }
        }
        return Long.toHexString(crc.getValue());
    }

    /**
     * A self-check for child JVMs with another vector width ({@code -XX:MaxVectorSize=32} makes the
     * preferred species 256 bits) or register tile: prints the lane count, the tile, "ok N" and the
     * {@link #digest}; exits 1 on the first failure.
     */
    public static void main(String[] args) {
        Random r = new Random(42);
        int count = 0;
        Epilogue[] es = Epilogue.values();
        int[][] fixed = {{64, 200, 300}, {128, 10, 512}, {200, 130, 128}, {512, 10, 128}, {128, 512, 10}, {3, 70, 600}};
        for (int t = 0; t < 160; t++) {
            int m, n, k;
            if (t < fixed.length * 4) {
                int[] f = fixed[t / 4];
                m = f[0]; n = f[1]; k = f[2];
            } else {
                m = 1 + r.nextInt(70); n = 1 + r.nextInt(70); k = 1 + r.nextInt(70);
            }
            boolean tA = (t & 1) != 0, tB = (t & 2) != 0;
            GemmCheck g = new GemmCheck(r, tA, tB, m, n, k, true, r.nextBoolean(), es[r.nextInt(es.length)]);
            String err = g.verify(g.runKernel());
            if (err != null) {
                System.out.println("FAIL lanes=" + Gemm.V + " " + err);
                System.exit(1);
            }
            count++;
        }
        // u8 table operands, mostly zero: the zero-step skipping gives the dense bits at this width too
        float[] table = new float[256];
        for (int c = 0; c < 256; c++) table[c] = c / 255f;
        for (int t = 0; t < 8; t++) {
            boolean tA = (t & 1) != 0;
            int m = 20 + r.nextInt(140), n = 1 + r.nextInt(90), k = 1 + r.nextInt(300), lda = tA ? m : k;
            byte[] a = new byte[(tA ? k : m) * lda];
            for (int i = 0; i < a.length; i++) a[i] = r.nextInt(10) < 8 ? 0 : (byte) (1 + r.nextInt(255));
            float[] b = random(r, k * n), bias = random(r, n);
            float[][] c = new float[2][m * n];
            for (int skip = 0; skip < 2; skip++) {
                Gemm.skipZeroSteps = skip == 1;
                dlm.runtime.exec.Blas.sgemmTable(tA, false, m, n, k, a, 0, lda, table, b, 0, n, c[skip], 0, n, bias, 0, t % 4);
            }
            if (!java.util.Arrays.equals(c[0], c[1])) {
                System.out.println("FAIL lanes=" + Gemm.V + " zero-step skipping differs from the dense product, " + m + "x" + n + "x" + k);
                System.exit(1);
            }
            count++;
        }
        // the parallel modes with this JVM's tile (chunks of rows are whole MR-row panels): the same bits as one thread
        KernelPool.setThreads(2);
        Gemm.parallelMinFlops = 0;
        for (String mode : new String[] {"shared", "phased", "static"}) {
            Gemm.sharedMaxFloats = mode.equals("shared") ? Long.MAX_VALUE : 0;
            Gemm.phasedMinRowTiles = mode.equals("phased") ? 2 : Integer.MAX_VALUE;
            int[][] shapes = {{200, 300, 260}, {128, 512, 100}, {300, 7, 33}, {67, 53, 301}};
            for (int[] sh : shapes) {
                for (int layout = 0; layout < 4; layout++) {
                    GemmCheck g = new GemmCheck(r, (layout & 1) != 0, (layout & 2) != 0, sh[0], sh[1], sh[2], true, layout == 2, Epilogue.BIAS_RELU);
                    KernelPool.setParallelism(1);
                    float[] single = g.runKernel();
                    KernelPool.setParallelism(2);
                    float[] parallel = g.runKernel();
                    if (!java.util.Arrays.equals(single, parallel)) {
                        System.out.println("FAIL lanes=" + Gemm.V + " " + mode + " parallel mode differs from one thread: " + g.describe());
                        System.exit(1);
                    }
                    count++;
                }
            }
        }
        System.out.println("lanes=" + Gemm.V + " tile=" + Gemm.MR + "x" + Gemm.NR + " ok " + count + " digest=" + digest());
    }
}
