package dlm.compiler.ops;

import static dlm.compiler.ops.OpTestSupport.error;
import static dlm.compiler.ops.OpTestSupport.eval;
import static dlm.compiler.ops.OpTestSupport.infer;
import static dlm.compiler.ops.OpTestSupport.iota;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** NumPy broadcasting of static and concrete shapes, checked against an independent naive implementation. */
class BroadcastTest {

    static Stream<Arguments> validShapes() {
        return Stream.of(
                Arguments.of(new int[] {64, 3, 32, 10}, new int[] {32, 10}, new int[] {64, 3, 32, 10}),
                Arguments.of(new int[] {32, 10}, new int[] {64, 3, 32, 10}, new int[] {64, 3, 32, 10}),
                Arguments.of(new int[] {32, 10}, new int[] {10}, new int[] {32, 10}),
                Arguments.of(new int[] {}, new int[] {2, 3}, new int[] {2, 3}),
                Arguments.of(new int[] {2, 3}, new int[] {}, new int[] {2, 3}),
                Arguments.of(new int[] {}, new int[] {}, new int[] {}),
                Arguments.of(new int[] {}, new int[] {2, 1, 3, 1, 2}, new int[] {2, 1, 3, 1, 2}),
                Arguments.of(new int[] {5, 1, 4}, new int[] {3, 1}, new int[] {5, 3, 4}),
                Arguments.of(new int[] {2, 1, 3}, new int[] {1, 4, 1}, new int[] {2, 4, 3}),
                Arguments.of(new int[] {1}, new int[] {4}, new int[] {4}),
                Arguments.of(new int[] {4, 1}, new int[] {1}, new int[] {4, 1}),
                Arguments.of(new int[] {0, 3}, new int[] {1, 3}, new int[] {0, 3}),
                Arguments.of(new int[] {2, 1, 3, 1, 2}, new int[] {1, 2, 1}, new int[] {2, 1, 3, 2, 2}),
                Arguments.of(new int[] {3, 4}, new int[] {3, 4}, new int[] {3, 4}));
    }

    @ParameterizedTest
    @MethodSource("validShapes")
    void staticShapeIsTheBroadcastShape(int[] a, int[] b, int[] expected) {
        TensorType out = infer("add", TensorType.of(DType.F32, a), TensorType.of(DType.F32, b));
        assertEquals(TensorType.of(DType.F32, expected), out);
    }

    @ParameterizedTest
    @MethodSource("validShapes")
    void valuesMatchNaiveBroadcast(int[] a, int[] b, int[] expected) {
        Tensor x = iota(DType.F64, a, 0.5), y = iota(DType.F64, b, 1000);
        Tensor sum = eval("add", x, y), diff = eval("sub", x, y);
        assertArrayEquals(expected, sum.shape());
        for (int[] idx : allIndices(expected)) {
            double xa = x.get(naiveSource(x.shape(), idx)), yb = y.get(naiveSource(y.shape(), idx));
            assertEquals(xa + yb, sum.get(idx), "add at " + Arrays.toString(idx));
            assertEquals(xa - yb, diff.get(idx), "sub at " + Arrays.toString(idx));
        }
    }

    /** Reads the operand index for a result index the textbook way: align right, size-1 axes read index 0. */
    private static int[] naiveSource(int[] operand, int[] resultIndex) {
        int[] idx = new int[operand.length];
        for (int k = 0; k < operand.length; k++) {
            int resultAxis = resultIndex.length - operand.length + k;
            idx[k] = operand[k] == 1 ? 0 : resultIndex[resultAxis];
        }
        return idx;
    }

    /** Every multi-index of a shape, by an odometer. */
    private static Iterable<int[]> allIndices(int[] shape) {
        List<int[]> all = new ArrayList<>();
        if (Tensor.sizeOf(shape) == 0) return all;
        int[] idx = new int[shape.length];
        while (true) {
            all.add(idx.clone());
            int axis = shape.length - 1;
            while (axis >= 0 && ++idx[axis] == shape[axis]) idx[axis--] = 0;
            if (axis < 0) return all;
        }
    }

    static Stream<Arguments> invalidShapes() {
        return Stream.of(
                Arguments.of(new int[] {3}, new int[] {4}, "cannot broadcast f32[3] with f32[4]: axis 0 is 3 vs 4"),
                Arguments.of(new int[] {2, 3}, new int[] {4, 3}, "cannot broadcast f32[2, 3] with f32[4, 3]: axis 0 is 2 vs 4"),
                Arguments.of(new int[] {64, 3, 32, 10}, new int[] {3, 10},
                        "cannot broadcast f32[64, 3, 32, 10] with f32[3, 10]: axis 2 is 32 vs 3"),
                Arguments.of(new int[] {3, 10}, new int[] {64, 3, 32, 10},
                        "cannot broadcast f32[3, 10] with f32[64, 3, 32, 10]: axis 2 is 3 vs 32"),
                Arguments.of(new int[] {32, 10}, new int[] {32}, "cannot broadcast f32[32, 10] with f32[32]: axis 1 is 10 vs 32"),
                Arguments.of(new int[] {5, 1, 4}, new int[] {3, 2}, "cannot broadcast f32[5, 1, 4] with f32[3, 2]: axis 2 is 4 vs 2"),
                Arguments.of(new int[] {0}, new int[] {2}, "cannot broadcast f32[0] with f32[2]: axis 0 is 0 vs 2"));
    }

    @ParameterizedTest
    @MethodSource("invalidShapes")
    void mismatchIsReportedByInferAndEval(int[] a, int[] b, String message) {
        assertEquals(message, error(() -> infer("mul", TensorType.of(DType.F32, a), TensorType.of(DType.F32, b))));
        assertEquals(message, error(() -> eval("mul", iota(DType.F32, a, 0), iota(DType.F32, b, 0))));
    }

    private static final Dim BATCH = Dim.sym("batch");

    private static TensorType f32(Dim... dims) { return new TensorType(DType.F32, Shape.of(dims)); }

    @Test
    void symbolicDimsBroadcastWithThemselvesAndWithOne() {
        assertEquals(f32(BATCH, Dim.of(10)), infer("add", f32(BATCH, Dim.of(10)), f32(Dim.of(10))));
        assertEquals(f32(BATCH, Dim.of(10)), infer("add", f32(Dim.of(10)), f32(BATCH, Dim.of(10))));
        assertEquals(f32(BATCH, Dim.of(10)), infer("add", f32(BATCH, Dim.of(1)), f32(Dim.of(1), Dim.of(10))));
        assertEquals(f32(BATCH, Dim.of(10)), infer("add", f32(BATCH, Dim.of(10)), f32(BATCH, Dim.of(10))));
        assertEquals(f32(BATCH, Dim.of(10)), infer("add", f32(), f32(BATCH, Dim.of(10))));
        Dim flat = BATCH.times(Dim.of(784));
        assertEquals(f32(flat), infer("add", f32(flat), f32(Dim.of(784)).withShape(Shape.of(flat))));
    }

    @Test
    void symbolicDimsThatMayDifferAreRejected() {
        assertEquals("cannot broadcast f32[batch, 10] with f32[n, 10]: axis 0 is batch vs n",
                error(() -> infer("add", f32(BATCH, Dim.of(10)), f32(Dim.sym("n"), Dim.of(10)))));
        assertEquals("cannot broadcast f32[batch] with f32[3]: axis 0 is batch vs 3",
                error(() -> infer("add", f32(BATCH), f32(Dim.of(3)))));
        assertEquals("cannot broadcast f32[batch, 10] with f32[batch]: axis 1 is 10 vs batch",
                error(() -> infer("add", f32(BATCH, Dim.of(10)), f32(BATCH))));
    }

    @Test
    void whereBroadcastsAllThreeOperands() {
        TensorType out = infer("where", TensorType.of(DType.BOOL, 3, 1), TensorType.of(DType.I32, 1, 4), TensorType.of(DType.I32));
        assertEquals(TensorType.of(DType.I32, 3, 4), out);
        assertEquals("cannot broadcast bool[3, 1] with f32[2, 4]: axis 0 is 3 vs 2",
                error(() -> infer("where", TensorType.of(DType.BOOL, 3, 1), TensorType.of(DType.F32, 2, 4), TensorType.of(DType.F32))));
        assertEquals("cannot broadcast f32[4] with f32[5]: axis 1 is 4 vs 5",
                error(() -> infer("where", TensorType.of(DType.BOOL, 3, 1), TensorType.of(DType.F32, 4), TensorType.of(DType.F32, 5))));
    }

    @Test
    void sourceIndicesUseStrideZeroOnStretchedAxes() {
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, Broadcast.sourceIndices(new int[] {3}, new int[] {2, 3}));
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, Broadcast.sourceIndices(new int[] {2, 1}, new int[] {2, 3}));
        assertArrayEquals(new int[] {0, 0}, Broadcast.sourceIndices(new int[] {}, new int[] {2}));
    }
}
