package dlm.compiler.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MatmulOpTest {
    private static final Op MATMUL = OpRegistry.get("matmul");

    // ---- the tensor-product table ---------------------------------------------------------

    /** (a shape, b shape, expected result shape), NumPy's np.matmul results. */
    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(new int[] {3}, new int[] {3}, new int[] {}),                       // vector·vector
                Arguments.of(new int[] {2, 3}, new int[] {3}, new int[] {2}),                   // matrix·vector
                Arguments.of(new int[] {3}, new int[] {3, 4}, new int[] {4}),                   // vector·matrix
                Arguments.of(new int[] {2, 3}, new int[] {3, 4}, new int[] {2, 4}),             // matrix·matrix
                Arguments.of(new int[] {2, 3, 4, 5}, new int[] {5}, new int[] {2, 3, 4}),       // (a,b,c,d)@(d,)
                Arguments.of(new int[] {2, 3, 4, 5}, new int[] {5, 6}, new int[] {2, 3, 4, 6}), // (a,b,c,d)@(d,e)
                Arguments.of(new int[] {2, 1, 3, 4}, new int[] {5, 4, 6}, new int[] {2, 5, 3, 6}), // batch broadcast
                Arguments.of(new int[] {2, 3, 4}, new int[] {2, 4, 5}, new int[] {2, 3, 5}),    // same batch
                Arguments.of(new int[] {1, 2, 3}, new int[] {4, 3, 2}, new int[] {4, 2, 2}),    // 1 broadcasts
                Arguments.of(new int[] {4}, new int[] {2, 4, 3}, new int[] {2, 3}),             // vector @ stack
                Arguments.of(new int[] {2, 3}, new int[] {4, 3, 2}, new int[] {4, 2, 2}),       // matrix @ stack
                Arguments.of(new int[] {2, 1, 2, 3, 4}, new int[] {3, 1, 4, 2}, new int[] {2, 3, 2, 3, 2}), // rank 5
                Arguments.of(new int[] {3, 0}, new int[] {0, 2}, new int[] {3, 2}),             // empty contraction: zeros
                Arguments.of(new int[] {0, 3}, new int[] {3, 2}, new int[] {0, 2}));            // empty result
    }

    @ParameterizedTest
    @MethodSource("table")
    void shapesAndValuesMatchNaiveMatmulForEveryNumericDtype(int[] sa, int[] sb, int[] expected) {
        for (DType dt : new DType[] {DType.F32, DType.F64, DType.F16, DType.I32, DType.I64, DType.U8}) {
            TensorType t = MATMUL.infer(List.of(TensorType.of(dt, sa), TensorType.of(dt, sb)), Attrs.EMPTY);
            assertEquals(TensorType.of(dt, expected), t, dt + " " + Arrays.toString(sa) + "@" + Arrays.toString(sb));

            Tensor a = sample(dt, sa, 1), b = sample(dt, sb, 2);
            Tensor aBefore = a.copy(), bBefore = b.copy();
            Tensor got = MATMUL.eval(List.of(a, b), Attrs.EMPTY);
            Tensor want = naiveMatmul(a, b);
            assertArrayEquals(expected, got.shape());
            assertEquals(want, got, dt + " " + Arrays.toString(sa) + "@" + Arrays.toString(sb)); // bitwise
            assertEquals(aBefore, a, "inputs unchanged");
            assertEquals(bBefore, b, "inputs unchanged");
        }
    }

    @Test
    void symbolicBatchTimesWeights() {
        Dim batch = Dim.sym("batch");
        TensorType x = new TensorType(DType.F32, Shape.of(batch, Dim.of(784)));
        assertEquals(new TensorType(DType.F32, Shape.of(batch, Dim.of(512))),
                MATMUL.infer(List.of(x, TensorType.of(DType.F32, 784, 512)), Attrs.EMPTY));
        assertEquals(new TensorType(DType.F32, Shape.of(batch)),
                MATMUL.infer(List.of(x, TensorType.of(DType.F32, 784)), Attrs.EMPTY));
    }

    @Test
    void symbolicContractionAndBatchAxes() {
        Dim n = Dim.sym("n"), k = Dim.sym("k");
        TensorType a = new TensorType(DType.F32, Shape.of(n, Dim.of(3), k));
        TensorType b = new TensorType(DType.F32, Shape.of(Dim.of(1), k, Dim.of(5)));
        assertEquals(new TensorType(DType.F32, Shape.of(n, Dim.of(3), Dim.of(5))), MATMUL.infer(List.of(a, b), Attrs.EMPTY));
        TensorType c = new TensorType(DType.F32, Shape.of(n, k, Dim.of(5)));
        assertEquals(new TensorType(DType.F32, Shape.of(n, Dim.of(3), Dim.of(5))), MATMUL.infer(List.of(a, c), Attrs.EMPTY));
    }

    // ---- hand-computed values -------------------------------------------------------------

    @Test
    void handComputedProducts() {
        Tensor m1 = Tensor.of(DType.F32, new int[] {2, 2}, 1, 2, 3, 4);
        Tensor m2 = Tensor.of(DType.F32, new int[] {2, 2}, 5, 6, 7, 8);
        assertEquals(Tensor.of(DType.F32, new int[] {2, 2}, 19, 22, 43, 50), MATMUL.eval(List.of(m1, m2), Attrs.EMPTY));

        Tensor u = Tensor.of(DType.F64, new int[] {3}, 1, 2, 3), v = Tensor.of(DType.F64, new int[] {3}, 4, 5, 6);
        assertEquals(Tensor.scalar(DType.F64, 32), MATMUL.eval(List.of(u, v), Attrs.EMPTY));

        Tensor ones = Tensor.of(DType.F32, new int[] {2}, 1, 1);
        assertEquals(Tensor.of(DType.F32, new int[] {2}, 3, 7), MATMUL.eval(List.of(m1, ones), Attrs.EMPTY));  // row sums
        assertEquals(Tensor.of(DType.F32, new int[] {2}, 4, 6), MATMUL.eval(List.of(ones, m1), Attrs.EMPTY));  // column sums

        // A stack of two matrices times one matrix: each is multiplied separately.
        Tensor stack = Tensor.of(DType.I32, new int[] {2, 1, 2}, 1, 2, 3, 4);
        Tensor w = Tensor.of(DType.I32, new int[] {2, 2}, 1, 0, 0, 10);
        assertEquals(Tensor.of(DType.I32, new int[] {2, 1, 2}, 1, 20, 3, 40), MATMUL.eval(List.of(stack, w), Attrs.EMPTY));
    }

    @Test
    void integerProductsAreExactInLong() {
        long big = (1L << 53) + 1; // not representable as a double
        Tensor a = Tensor.zeros(DType.I64, 2), b = Tensor.zeros(DType.I64, 2);
        a.setLong(0, big);
        a.setLong(1, 3);
        b.setLong(0, 1);
        b.setLong(1, 2);
        assertEquals(big + 6, MATMUL.eval(List.of(a, b), Attrs.EMPTY).getLong(0));
    }

    @Test
    void u8ProductsWrapLikeNumPy() {
        Tensor a = Tensor.of(DType.U8, new int[] {2}, 200, 100), b = Tensor.of(DType.U8, new int[] {2}, 1, 1);
        assertEquals(300 % 256, MATMUL.eval(List.of(a, b), Attrs.EMPTY).getLong(0));
    }

    @Test
    void floatsAccumulateInDoubleAndRoundOnce() {
        // In f32 arithmetic 1e8 + 1 - 1e8 is 0 (1e8 + 1 rounds to 1e8); accumulated in double it is 1.
        Tensor a = Tensor.of(DType.F32, new int[] {3}, 1e8, 1, -1e8), b = Tensor.of(DType.F32, new int[] {3}, 1, 1, 1);
        assertEquals(1.0, MATMUL.eval(List.of(a, b), Attrs.EMPTY).getDouble(0));
    }

    // ---- errors ---------------------------------------------------------------------------

    @Test
    void errorMessages() {
        assertInferError("matmul needs operands of rank 1 or more, got f32 and f32[3]",
                TensorType.scalar(DType.F32), TensorType.of(DType.F32, 3));
        assertInferError("matmul needs operands of rank 1 or more, got f32[3] and f32",
                TensorType.of(DType.F32, 3), TensorType.scalar(DType.F32));
        assertInferError("dtype mismatch: f32[2, 3] and f64[3]", TensorType.of(DType.F32, 2, 3), TensorType.of(DType.F64, 3));
        assertInferError("matmul needs numeric operands, got bool[2] and bool[2]",
                TensorType.of(DType.BOOL, 2), TensorType.of(DType.BOOL, 2));
        assertInferError("cannot multiply f32[3, 4] @ f32[5, 2]: contracted axes are 4 vs 5",
                TensorType.of(DType.F32, 3, 4), TensorType.of(DType.F32, 5, 2));
        assertInferError("cannot multiply f32[3] @ f32[4]: contracted axes are 3 vs 4",
                TensorType.of(DType.F32, 3), TensorType.of(DType.F32, 4));
        assertInferError("cannot multiply f32[2, 3] @ f32[2]: contracted axes are 3 vs 2",
                TensorType.of(DType.F32, 2, 3), TensorType.of(DType.F32, 2));
        assertInferError("cannot multiply f32[2, 3, 4] @ f32[5, 4, 2]: batch axis 0 is 2 vs 5",
                TensorType.of(DType.F32, 2, 3, 4), TensorType.of(DType.F32, 5, 4, 2));
        // Batch axes are numbered in the broadcast result (the right-aligned batch shape).
        assertInferError("cannot multiply f32[2, 3, 3, 4] @ f32[5, 4, 6]: batch axis 1 is 3 vs 5",
                TensorType.of(DType.F32, 2, 3, 3, 4), TensorType.of(DType.F32, 5, 4, 6));

        Dim batch = Dim.sym("batch"), m = Dim.sym("m");
        assertInferError("cannot multiply f32[batch, 784] @ f32[512, 10]: contracted axes are 784 vs 512",
                new TensorType(DType.F32, Shape.of(batch, Dim.of(784))), TensorType.of(DType.F32, 512, 10));
        assertInferError("cannot multiply f32[batch, 2, 3] @ f32[m, 3, 2]: batch axis 0 is batch vs m",
                new TensorType(DType.F32, Shape.of(batch, Dim.of(2), Dim.of(3))),
                new TensorType(DType.F32, Shape.of(m, Dim.of(3), Dim.of(2))));
    }

    @Test
    void evalChecksRunTimeShapes() {
        Tensor a = Tensor.zeros(DType.F32, 3, 4), b = Tensor.zeros(DType.F32, 5, 2);
        ShapeException e = assertThrows(ShapeException.class, () -> MATMUL.eval(List.of(a, b), Attrs.EMPTY));
        assertEquals("cannot multiply f32[3, 4] @ f32[5, 2]: contracted axes are 4 vs 5", e.getMessage());
    }

    private static void assertInferError(String message, TensorType a, TensorType b) {
        ShapeException e = assertThrows(ShapeException.class, () -> MATMUL.infer(List.of(a, b), Attrs.EMPTY));
        assertEquals(message, e.getMessage());
    }

    // ---- an independent naive np.matmul -----------------------------------------------------

    /**
     * np.matmul spelled out: promote vectors to matrices, pad the batch shapes with leading 1s,
     * broadcast them, and compute every output element as a dot product read through
     * {@link Tensor#get(int...)}; then drop the promoted axes.
     */
    static Tensor naiveMatmul(Tensor a, Tensor b) {
        int[] as = a.rank() == 1 ? new int[] {1, a.dim(0)} : a.shape();
        int[] bs = b.rank() == 1 ? new int[] {b.dim(0), 1} : b.shape();
        Tensor a2 = a.copy().reshape(as), b2 = b.copy().reshape(bs);
        int batchRank = Math.max(as.length, bs.length) - 2;
        int[] aBatch = padLeft(Arrays.copyOf(as, as.length - 2), batchRank);
        int[] bBatch = padLeft(Arrays.copyOf(bs, bs.length - 2), batchRank);
        int[] batch = new int[batchRank];
        for (int i = 0; i < batchRank; i++) batch[i] = aBatch[i] == 1 ? bBatch[i] : aBatch[i];
        int n = as[as.length - 2], k = as[as.length - 1], m = bs[bs.length - 1];

        int[] full = Arrays.copyOf(batch, batchRank + 2);
        full[batchRank] = n;
        full[batchRank + 1] = m;
        Tensor out = Tensor.zeros(a.dtype(), full);
        int[] idx = new int[full.length];
        for (int flat = 0; flat < out.size(); flat++) {
            int rem = flat;
            for (int ax = full.length - 1; ax >= 0; ax--) { idx[ax] = rem % full[ax]; rem /= full[ax]; }
            int[] ai = new int[as.length], bi = new int[bs.length];
            for (int t = 0; t < as.length - 2; t++) {
                int bt = t + batchRank - (as.length - 2);
                ai[t] = as[t] == 1 ? 0 : idx[bt];
            }
            for (int t = 0; t < bs.length - 2; t++) {
                int bt = t + batchRank - (bs.length - 2);
                bi[t] = bs[t] == 1 ? 0 : idx[bt];
            }
            ai[as.length - 2] = idx[batchRank];
            bi[bs.length - 1] = idx[batchRank + 1];
            double dsum = 0;
            long lsum = 0;
            for (int p = 0; p < k; p++) {
                ai[as.length - 1] = p;
                bi[bs.length - 2] = p;
                dsum += a2.get(ai) * b2.get(bi);
                lsum += a2.getLong(a2.flatIndex(ai)) * b2.getLong(b2.flatIndex(bi));
            }
            if (a.dtype().isInteger()) out.setLong(flat, lsum);
            else out.setDouble(flat, dsum);
        }
        int[] result = Arrays.copyOf(batch, batchRank);
        if (a.rank() > 1) result = append(result, n);
        if (b.rank() > 1) result = append(result, m);
        return out.reshape(result);
    }

    private static int[] padLeft(int[] s, int rank) {
        int[] r = new int[rank];
        Arrays.fill(r, 1);
        System.arraycopy(s, 0, r, rank - s.length, s.length);
        return r;
    }

    private static int[] append(int[] s, int v) {
        int[] r = Arrays.copyOf(s, s.length + 1);
        r[s.length] = v;
        return r;
    }

    /** Small deterministic values, mixed signs for signed dtypes (exact in every float dtype after rounding). */
    static Tensor sample(DType dt, int[] shape, int seed) {
        Tensor t = Tensor.zeros(dt, shape);
        for (int i = 0; i < t.size(); i++) {
            int v = (i * 7 + seed * 13) % 11;
            if (dt == DType.U8) t.setLong(i, v * 23);          // products wrap mod 256
            else if (dt.isInteger()) t.setLong(i, v - 5);
            else t.setDouble(i, (v - 5) * 0.37 + seed * 0.01); // non-trivial rounding in f16/f32
        }
        return t;
    }
}
