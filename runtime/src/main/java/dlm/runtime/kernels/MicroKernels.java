package dlm.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM's register tiles: an {@link #MR}×{@link #NR} block of C (MR rows × two vectors of
 * {@link FloatVector#SPECIES_PREFERRED}) accumulated in registers by broadcast-FMA over a packed
 * A panel (MR floats per k step) and a packed B panel (NR floats per k step).
 *
 * <p><b>The tile is chosen for the register file</b>, not for one CPU. A tile of MR rows needs
 * 2·MR accumulators, 2 B vectors and at least one broadcast register; when they do not fit, C2
 * spills accumulators to the stack and every FMA waits on a store and a reload.
 * <ul>
 *   <li>32 vector registers (AVX-512's zmm0-31; AArch64's v0-31): 8 rows, 16 accumulators
 *       (8×32 floats with AVX-512).</li>
 *   <li>16 vector registers (AVX2's ymm0-15, SSE): 6 rows, 12 accumulators + 2 B + 1 broadcast =
 *       15 registers (6×16 floats with AVX2, the tile BLIS and OpenBLAS use for Haswell/Zen).</li>
 * </ul>
 * The register count is inferred from what the JVM reports: a 512-bit preferred species means
 * AVX-512, hence 32 registers; on x86 anything narrower is assumed to be AVX2 or SSE with 16
 * (an AVX-512 CPU run with {@code -XX:MaxVectorSize=32} still has 32, but the smaller tile is
 * only a little slower there, never wrong); AArch64 has 32. The system property
 * {@code dlm.gemm.registers} overrides the inference (tests use it to run both tiles at every
 * vector width).
 *
 * <p><b>Invariant:</b> every element of C is the same sequence of FMAs in k order whatever the
 * tile, so MR changes no bit of any result: tiles, threads and vector widths all agree.
 *
 * <p>Each tile size is one hand-unrolled method whose loop, accumulation into C and epilogue are
 * a single method on purpose: C2 keeps the accumulators in registers only while they are locals
 * of one compiled method (a shared epilogue method would take them as arguments, which C2 may box),
 * and a loop over an array of vectors is not scalar-replaced. Hence the near-copies below.
 */
final class MicroKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int V = S.length();
    /** Vector registers the tile may use (see the class comment). */
    static final int REGISTERS = vectorRegisters();
    /** Rows of the register tile: 8 with 32 vector registers, 6 with 16. */
    static final int MR = REGISTERS >= 32 ? 8 : 6;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * V;

    static final int E_BIAS = 1, E_RELU = 2;

    private MicroKernels() {}

    static int vectorRegisters() {
        Integer forced = Integer.getInteger("dlm.gemm.registers");
        if (forced != null) {
            if (forced != 16 && forced != 32) throw new IllegalArgumentException("dlm.gemm.registers must be 16 or 32, not " + forced);
            return forced;
        }
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("aarch64") || arch.equals("arm64")) return 32;
        return S.vectorBitSize() >= 512 ? 32 : 16;
    }

    /**
     * An MR×NR tile of {@code c} at {@code ci} (row stride ldc) gets
     * e(Σ_p pa[ai + p·MR + r] · pb[bi + p·bs + x] [+ c]), the sum in p order; bs is NR for a packed
     * panel, op(B)'s row stride when it is read in place.
     */
    static void kernel(int kc, float[] pa, int ai, float[] pb, int bi, int bs, float[] c, int ci, int ldc,
                       boolean load, int e, float[] bias, int bo) {
        if (MR == 8) dense8(kc, pa, ai, pb, bi, bs, c, ci, ldc, load, e, bias, bo);
        else dense6(kc, pa, ai, pb, bi, bs, c, ci, ldc, load, e, bias, bo);
    }

    /**
     * {@link #kernel} over the kept k steps of a compacted A panel ({@link Packing#compactPanels}), with
     * op(B) packed (row stride NR): step x multiplies the panel's x-th column (at
     * {@code pa[ai + x·MR ..]}) by the row of op(B) at {@code pb[bi + kIdx[kOff + x] ..]}. The sums are
     * those of {@link #kernel} without the steps whose MR A values are all zero: bit for bit the same
     * when op(B) is finite, as a skipped step only adds ±0 (up to the sign of an exact-zero sum,
     * see {@link Gemm}). A separate method rather than an optional index, which would put a test
     * in the dense kernel's loop.
     */
    static void kernelSkipping(int count, int[] kIdx, int kOff, float[] pa, int ai, float[] pb, int bi, float[] c, int ci, int ldc,
                               boolean load, int e, float[] bias, int bo) {
        if (MR == 8) skipping8(count, kIdx, kOff, pa, ai, pb, bi, c, ci, ldc, load, e, bias, bo);
        else skipping6(count, kIdx, kOff, pa, ai, pb, bi, c, ci, ldc, load, e, bias, bo);
    }

    static void dense8(int kc, float[] pa, int ai, float[] pb, int bi, int bs, float[] c, int ci, int ldc,
                       boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z;
        FloatVector c70 = z, c71 = z;
        for (int p = 0; p < kc; p++) {
            FloatVector b00 = FloatVector.fromArray(S, pb, bi);
            FloatVector b10 = FloatVector.fromArray(S, pb, bi + V);
            FloatVector a00 = FloatVector.broadcast(S, pa[ai]);
            c00 = a00.fma(b00, c00); c01 = a00.fma(b10, c01);
            FloatVector a10 = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = a10.fma(b00, c10); c11 = a10.fma(b10, c11);
            FloatVector a20 = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = a20.fma(b00, c20); c21 = a20.fma(b10, c21);
            FloatVector a30 = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = a30.fma(b00, c30); c31 = a30.fma(b10, c31);
            FloatVector a40 = FloatVector.broadcast(S, pa[ai + 4]);
            c40 = a40.fma(b00, c40); c41 = a40.fma(b10, c41);
            FloatVector a50 = FloatVector.broadcast(S, pa[ai + 5]);
            c50 = a50.fma(b00, c50); c51 = a50.fma(b10, c51);
            FloatVector a60 = FloatVector.broadcast(S, pa[ai + 6]);
            c60 = a60.fma(b00, c60); c61 = a60.fma(b10, c61);
            FloatVector a70 = FloatVector.broadcast(S, pa[ai + 7]);
            c70 = a70.fma(b00, c70); c71 = a70.fma(b10, c71);
            ai += 8;
            bi += bs;
        }
        final int r0 = ci, r1 = ci + 1 * ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc, r4 = ci + 4 * ldc, r5 = ci + 5 * ldc, r6 = ci + 6 * ldc, r7 = ci + 7 * ldc;
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + V));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + V));
            c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + V));
            c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + V));
            c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + V));
            c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + V));
            c60 = c60.add(FloatVector.fromArray(S, c, r6)); c61 = c61.add(FloatVector.fromArray(S, c, r6 + V));
            c70 = c70.add(FloatVector.fromArray(S, c, r7)); c71 = c71.add(FloatVector.fromArray(S, c, r7 + V));
        }
        if ((e & E_BIAS) != 0) {
            FloatVector y0 = FloatVector.fromArray(S, bias, bo), y1 = FloatVector.fromArray(S, bias, bo + V);
            c00 = c00.add(y0); c01 = c01.add(y1);
            c10 = c10.add(y0); c11 = c11.add(y1);
            c20 = c20.add(y0); c21 = c21.add(y1);
            c30 = c30.add(y0); c31 = c31.add(y1);
            c40 = c40.add(y0); c41 = c41.add(y1);
            c50 = c50.add(y0); c51 = c51.add(y1);
            c60 = c60.add(y0); c61 = c61.add(y1);
            c70 = c70.add(y0); c71 = c71.add(y1);
        }
        if ((e & E_RELU) != 0) {
            c00 = c00.max(z); c01 = c01.max(z);
            c10 = c10.max(z); c11 = c11.max(z);
            c20 = c20.max(z); c21 = c21.max(z);
            c30 = c30.max(z); c31 = c31.max(z);
            c40 = c40.max(z); c41 = c41.max(z);
            c50 = c50.max(z); c51 = c51.max(z);
            c60 = c60.max(z); c61 = c61.max(z);
            c70 = c70.max(z); c71 = c71.max(z);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + V);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + V);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + V);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + V);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + V);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + V);
        c60.intoArray(c, r6); c61.intoArray(c, r6 + V);
        c70.intoArray(c, r7); c71.intoArray(c, r7 + V);
    }

    static void skipping8(int count, int[] kIdx, int kOff, float[] pa, int ai, float[] pb, int bi, float[] c, int ci, int ldc,
                          boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z;
        FloatVector c70 = z, c71 = z;
        for (int x = 0; x < count; x++) {
            final int bp0 = bi + kIdx[kOff + x];
            FloatVector b00 = FloatVector.fromArray(S, pb, bp0);
            FloatVector b10 = FloatVector.fromArray(S, pb, bp0 + V);
            FloatVector a00 = FloatVector.broadcast(S, pa[ai]);
            c00 = a00.fma(b00, c00); c01 = a00.fma(b10, c01);
            FloatVector a10 = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = a10.fma(b00, c10); c11 = a10.fma(b10, c11);
            FloatVector a20 = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = a20.fma(b00, c20); c21 = a20.fma(b10, c21);
            FloatVector a30 = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = a30.fma(b00, c30); c31 = a30.fma(b10, c31);
            FloatVector a40 = FloatVector.broadcast(S, pa[ai + 4]);
            c40 = a40.fma(b00, c40); c41 = a40.fma(b10, c41);
            FloatVector a50 = FloatVector.broadcast(S, pa[ai + 5]);
            c50 = a50.fma(b00, c50); c51 = a50.fma(b10, c51);
            FloatVector a60 = FloatVector.broadcast(S, pa[ai + 6]);
            c60 = a60.fma(b00, c60); c61 = a60.fma(b10, c61);
            FloatVector a70 = FloatVector.broadcast(S, pa[ai + 7]);
            c70 = a70.fma(b00, c70); c71 = a70.fma(b10, c71);
            ai += 8;
        }
        final int r0 = ci, r1 = ci + 1 * ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc, r4 = ci + 4 * ldc, r5 = ci + 5 * ldc, r6 = ci + 6 * ldc, r7 = ci + 7 * ldc;
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + V));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + V));
            c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + V));
            c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + V));
            c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + V));
            c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + V));
            c60 = c60.add(FloatVector.fromArray(S, c, r6)); c61 = c61.add(FloatVector.fromArray(S, c, r6 + V));
            c70 = c70.add(FloatVector.fromArray(S, c, r7)); c71 = c71.add(FloatVector.fromArray(S, c, r7 + V));
        }
        if ((e & E_BIAS) != 0) {
            FloatVector y0 = FloatVector.fromArray(S, bias, bo), y1 = FloatVector.fromArray(S, bias, bo + V);
            c00 = c00.add(y0); c01 = c01.add(y1);
            c10 = c10.add(y0); c11 = c11.add(y1);
            c20 = c20.add(y0); c21 = c21.add(y1);
            c30 = c30.add(y0); c31 = c31.add(y1);
            c40 = c40.add(y0); c41 = c41.add(y1);
            c50 = c50.add(y0); c51 = c51.add(y1);
            c60 = c60.add(y0); c61 = c61.add(y1);
            c70 = c70.add(y0); c71 = c71.add(y1);
        }
        if ((e & E_RELU) != 0) {
            c00 = c00.max(z); c01 = c01.max(z);
            c10 = c10.max(z); c11 = c11.max(z);
            c20 = c20.max(z); c21 = c21.max(z);
            c30 = c30.max(z); c31 = c31.max(z);
            c40 = c40.max(z); c41 = c41.max(z);
            c50 = c50.max(z); c51 = c51.max(z);
            c60 = c60.max(z); c61 = c61.max(z);
            c70 = c70.max(z); c71 = c71.max(z);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + V);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + V);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + V);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + V);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + V);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + V);
        c60.intoArray(c, r6); c61.intoArray(c, r6 + V);
        c70.intoArray(c, r7); c71.intoArray(c, r7 + V);
    }

    static void dense6(int kc, float[] pa, int ai, float[] pb, int bi, int bs, float[] c, int ci, int ldc,
                       boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        int p = 0;
        for (; p + 1 < kc; p += 2) {
            FloatVector b00 = FloatVector.fromArray(S, pb, bi);
            FloatVector b10 = FloatVector.fromArray(S, pb, bi + V);
            FloatVector a00 = FloatVector.broadcast(S, pa[ai]);
            c00 = a00.fma(b00, c00); c01 = a00.fma(b10, c01);
            FloatVector a10 = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = a10.fma(b00, c10); c11 = a10.fma(b10, c11);
            FloatVector a20 = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = a20.fma(b00, c20); c21 = a20.fma(b10, c21);
            FloatVector a30 = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = a30.fma(b00, c30); c31 = a30.fma(b10, c31);
            FloatVector a40 = FloatVector.broadcast(S, pa[ai + 4]);
            c40 = a40.fma(b00, c40); c41 = a40.fma(b10, c41);
            FloatVector a50 = FloatVector.broadcast(S, pa[ai + 5]);
            c50 = a50.fma(b00, c50); c51 = a50.fma(b10, c51);
            FloatVector b01 = FloatVector.fromArray(S, pb, bi + bs);
            FloatVector b11 = FloatVector.fromArray(S, pb, bi + bs + V);
            FloatVector a01 = FloatVector.broadcast(S, pa[ai + 6]);
            c00 = a01.fma(b01, c00); c01 = a01.fma(b11, c01);
            FloatVector a11 = FloatVector.broadcast(S, pa[ai + 7]);
            c10 = a11.fma(b01, c10); c11 = a11.fma(b11, c11);
            FloatVector a21 = FloatVector.broadcast(S, pa[ai + 8]);
            c20 = a21.fma(b01, c20); c21 = a21.fma(b11, c21);
            FloatVector a31 = FloatVector.broadcast(S, pa[ai + 9]);
            c30 = a31.fma(b01, c30); c31 = a31.fma(b11, c31);
            FloatVector a41 = FloatVector.broadcast(S, pa[ai + 10]);
            c40 = a41.fma(b01, c40); c41 = a41.fma(b11, c41);
            FloatVector a51 = FloatVector.broadcast(S, pa[ai + 11]);
            c50 = a51.fma(b01, c50); c51 = a51.fma(b11, c51);
            ai += 12;
            bi += 2 * bs;
        }
        if (p < kc) {
            FloatVector b00 = FloatVector.fromArray(S, pb, bi);
            FloatVector b10 = FloatVector.fromArray(S, pb, bi + V);
            FloatVector a00 = FloatVector.broadcast(S, pa[ai]);
            c00 = a00.fma(b00, c00); c01 = a00.fma(b10, c01);
            FloatVector a10 = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = a10.fma(b00, c10); c11 = a10.fma(b10, c11);
            FloatVector a20 = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = a20.fma(b00, c20); c21 = a20.fma(b10, c21);
            FloatVector a30 = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = a30.fma(b00, c30); c31 = a30.fma(b10, c31);
            FloatVector a40 = FloatVector.broadcast(S, pa[ai + 4]);
            c40 = a40.fma(b00, c40); c41 = a40.fma(b10, c41);
            FloatVector a50 = FloatVector.broadcast(S, pa[ai + 5]);
            c50 = a50.fma(b00, c50); c51 = a50.fma(b10, c51);
        }
        final int r0 = ci, r1 = ci + 1 * ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc, r4 = ci + 4 * ldc, r5 = ci + 5 * ldc;
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + V));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + V));
            c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + V));
            c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + V));
            c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + V));
            c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + V));
        }
        if ((e & E_BIAS) != 0) {
            FloatVector y0 = FloatVector.fromArray(S, bias, bo), y1 = FloatVector.fromArray(S, bias, bo + V);
            c00 = c00.add(y0); c01 = c01.add(y1);
            c10 = c10.add(y0); c11 = c11.add(y1);
            c20 = c20.add(y0); c21 = c21.add(y1);
            c30 = c30.add(y0); c31 = c31.add(y1);
            c40 = c40.add(y0); c41 = c41.add(y1);
            c50 = c50.add(y0); c51 = c51.add(y1);
        }
        if ((e & E_RELU) != 0) {
            c00 = c00.max(z); c01 = c01.max(z);
            c10 = c10.max(z); c11 = c11.max(z);
            c20 = c20.max(z); c21 = c21.max(z);
            c30 = c30.max(z); c31 = c31.max(z);
            c40 = c40.max(z); c41 = c41.max(z);
            c50 = c50.max(z); c51 = c51.max(z);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + V);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + V);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + V);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + V);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + V);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + V);
    }

    static void skipping6(int count, int[] kIdx, int kOff, float[] pa, int ai, float[] pb, int bi, float[] c, int ci, int ldc,
                          boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        int x = 0;
        for (; x + 1 < count; x += 2) {
            final int bp0 = bi + kIdx[kOff + x];
            FloatVector b00 = FloatVector.fromArray(S, pb, bp0);
            FloatVector b10 = FloatVector.fromArray(S, pb, bp0 + V);
            FloatVector a00 = FloatVector.broadcast(S, pa[ai]);
            c00 = a00.fma(b00, c00); c01 = a00.fma(b10, c01);
            FloatVector a10 = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = a10.fma(b00, c10); c11 = a10.fma(b10, c11);
            FloatVector a20 = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = a20.fma(b00, c20); c21 = a20.fma(b10, c21);
            FloatVector a30 = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = a30.fma(b00, c30); c31 = a30.fma(b10, c31);
            FloatVector a40 = FloatVector.broadcast(S, pa[ai + 4]);
            c40 = a40.fma(b00, c40); c41 = a40.fma(b10, c41);
            FloatVector a50 = FloatVector.broadcast(S, pa[ai + 5]);
            c50 = a50.fma(b00, c50); c51 = a50.fma(b10, c51);
            final int bp1 = bi + kIdx[kOff + x + 1];
            FloatVector b01 = FloatVector.fromArray(S, pb, bp1);
            FloatVector b11 = FloatVector.fromArray(S, pb, bp1 + V);
            FloatVector a01 = FloatVector.broadcast(S, pa[ai + 6]);
            c00 = a01.fma(b01, c00); c01 = a01.fma(b11, c01);
            FloatVector a11 = FloatVector.broadcast(S, pa[ai + 7]);
            c10 = a11.fma(b01, c10); c11 = a11.fma(b11, c11);
            FloatVector a21 = FloatVector.broadcast(S, pa[ai + 8]);
            c20 = a21.fma(b01, c20); c21 = a21.fma(b11, c21);
            FloatVector a31 = FloatVector.broadcast(S, pa[ai + 9]);
            c30 = a31.fma(b01, c30); c31 = a31.fma(b11, c31);
            FloatVector a41 = FloatVector.broadcast(S, pa[ai + 10]);
            c40 = a41.fma(b01, c40); c41 = a41.fma(b11, c41);
            FloatVector a51 = FloatVector.broadcast(S, pa[ai + 11]);
            c50 = a51.fma(b01, c50); c51 = a51.fma(b11, c51);
            ai += 12;
        }
        if (x < count) {
            final int bp0 = bi + kIdx[kOff + x];
            FloatVector b00 = FloatVector.fromArray(S, pb, bp0);
            FloatVector b10 = FloatVector.fromArray(S, pb, bp0 + V);
            FloatVector a00 = FloatVector.broadcast(S, pa[ai]);
            c00 = a00.fma(b00, c00); c01 = a00.fma(b10, c01);
            FloatVector a10 = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = a10.fma(b00, c10); c11 = a10.fma(b10, c11);
            FloatVector a20 = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = a20.fma(b00, c20); c21 = a20.fma(b10, c21);
            FloatVector a30 = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = a30.fma(b00, c30); c31 = a30.fma(b10, c31);
            FloatVector a40 = FloatVector.broadcast(S, pa[ai + 4]);
            c40 = a40.fma(b00, c40); c41 = a40.fma(b10, c41);
            FloatVector a50 = FloatVector.broadcast(S, pa[ai + 5]);
            c50 = a50.fma(b00, c50); c51 = a50.fma(b10, c51);
        }
        final int r0 = ci, r1 = ci + 1 * ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc, r4 = ci + 4 * ldc, r5 = ci + 5 * ldc;
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + V));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + V));
            c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + V));
            c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + V));
            c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + V));
            c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + V));
        }
        if ((e & E_BIAS) != 0) {
            FloatVector y0 = FloatVector.fromArray(S, bias, bo), y1 = FloatVector.fromArray(S, bias, bo + V);
            c00 = c00.add(y0); c01 = c01.add(y1);
            c10 = c10.add(y0); c11 = c11.add(y1);
            c20 = c20.add(y0); c21 = c21.add(y1);
            c30 = c30.add(y0); c31 = c31.add(y1);
            c40 = c40.add(y0); c41 = c41.add(y1);
            c50 = c50.add(y0); c51 = c51.add(y1);
        }
        if ((e & E_RELU) != 0) {
            c00 = c00.max(z); c01 = c01.max(z);
            c10 = c10.max(z); c11 = c11.max(z);
            c20 = c20.max(z); c21 = c21.max(z);
            c30 = c30.max(z); c31 = c31.max(z);
            c40 = c40.max(z); c41 = c41.max(z);
            c50 = c50.max(z); c51 = c51.max(z);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + V);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + V);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + V);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + V);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + V);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + V);
    }
}
