package dlm.compiler.ops;

import static dlm.compiler.ops.OpTestSupport.assertTensor;
import static dlm.compiler.ops.OpTestSupport.error;
import static dlm.compiler.ops.OpTestSupport.eval;
import static dlm.compiler.ops.OpTestSupport.f32;
import static dlm.compiler.ops.OpTestSupport.i32;
import static dlm.compiler.ops.OpTestSupport.infer;
import static dlm.compiler.ops.OpTestSupport.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** cumsum, argsort, takeAlongAxis and scatterAdd: exact small cases (NumPy's values) and shape errors. */
class ArrayOpsTest {
    private static final double NAN = Double.NaN;
    private static final Shape BATCH_3 = Shape.of(Dim.sym("batch"), Dim.of(3));

    // ---- cumsum --------------------------------------------------------------------------------

    @Test
    void cumsumAlongEachAxisAndReversed() {
        Tensor x = f32(shape(2, 3), 1, 2, 3, 4, 5, 6);
        assertTensor(eval("cumsum", Attrs.of("axis", 1), x), DType.F32, shape(2, 3), 1, 3, 6, 4, 9, 15);
        assertTensor(eval("cumsum", Attrs.of("axis", 0), x), DType.F32, shape(2, 3), 1, 2, 3, 5, 7, 9);
        assertTensor(eval("cumsum", Attrs.of("axis", 1, "reverse", true), x), DType.F32, shape(2, 3), 6, 5, 3, 15, 11, 6);
        // bool and u8 count in i32, as sum does
        assertTensor(eval("cumsum", Attrs.of("axis", 0), Tensor.of(DType.U8, new int[] {3}, 200, 100, 1)), DType.I32, shape(3), 200, 300, 301);
        assertTensor(eval("cumsum", Attrs.of("axis", 0), Tensor.of(DType.BOOL, new int[] {3}, 1, 0, 1)), DType.I32, shape(3), 1, 1, 2);
        assertTensor(eval("cumsum", Attrs.of("axis", 0), f32(shape(3), 1, NAN, 1)), DType.F32, shape(3), 1, NAN, NAN);
        assertEquals(new TensorType(DType.F32, BATCH_3), infer("cumsum", Attrs.of("axis", 0), new TensorType(DType.F32, BATCH_3)));
        assertEquals("axis 2 is out of range for f32[2, 3]", error(() -> infer("cumsum", Attrs.of("axis", 2), TensorType.of(DType.F32, 2, 3))));
    }

    // ---- argsort -------------------------------------------------------------------------------

    @Test
    void argsortIsStableWithNaNLargest() {
        // np.argsort([2, nan, 1, -0., 0., 1], kind="stable") = [3, 4, 2, 5, 0, 1]
        Tensor x = f32(shape(6), 2, NAN, 1, -0.0, 0, 1);
        assertTensor(eval("argsort", Attrs.of("axis", 0), x), DType.I32, shape(6), 3, 4, 2, 5, 0, 1);
        // descending: NaN first (largest), ties by lower index (torch.sort(descending=True, stable=True))
        assertTensor(eval("argsort", Attrs.of("axis", 0, "descending", true), x), DType.I32, shape(6), 1, 0, 2, 5, 3, 4);
        Tensor m = i32(shape(2, 3), 3, 1, 2, 0, 5, 5);
        assertTensor(eval("argsort", Attrs.of("axis", 1), m), DType.I32, shape(2, 3), 1, 2, 0, 0, 1, 2);
        assertTensor(eval("argsort", Attrs.of("axis", 0), m), DType.I32, shape(2, 3), 1, 0, 0, 0, 1, 1);
        Tensor big = Tensor.wrap(DType.I64, new int[] {3}, new long[] {(1L << 60) + 1, 1L << 60, -(1L << 62)});
        assertTensor(eval("argsort", Attrs.of("axis", 0), big), DType.I32, shape(3), 2, 1, 0);
        assertEquals(new TensorType(DType.I32, BATCH_3), infer("argsort", Attrs.of("axis", 1), new TensorType(DType.F64, BATCH_3)));
    }

    // ---- takeAlongAxis / scatterAdd --------------------------------------------------------------

    @Test
    void takeAlongAxisWithFullAndSharedIndices() {
        Tensor x = f32(shape(2, 3), 10, 11, 12, 20, 21, 22);
        // per-row indices (np.take_along_axis)
        assertTensor(eval("takeAlongAxis", Attrs.of("axis", 1), x, i32(shape(2, 2), 2, 0, 1, 1)), DType.F32, shape(2, 2), 12, 10, 21, 21);
        // one row of indices for every row, negative counting from the end (np.take(x, [-1, 0], axis=1))
        assertTensor(eval("takeAlongAxis", Attrs.of("axis", 1), x, i32(shape(1, 2), -1, 0)), DType.F32, shape(2, 2), 12, 10, 22, 20);
        assertTensor(eval("takeAlongAxis", Attrs.of("axis", 0), x, i32(shape(3, 1), 1, 0, 1)), DType.F32, shape(3, 3), 20, 21, 22, 10, 11, 12, 20, 21, 22);
        assertTensor(eval("takeAlongAxis", Attrs.of("axis", 1), x, i32(shape(2, 0))), DType.F32, shape(2, 0));
        assertEquals(new TensorType(DType.F32, Shape.of(Dim.sym("batch"), Dim.of(5))),
                infer("takeAlongAxis", Attrs.of("axis", 1), new TensorType(DType.F32, BATCH_3), TensorType.of(DType.I32, 1, 5)));
    }

    @Test
    void takeAlongAxisErrors() {
        Tensor x = f32(shape(2, 3), 10, 11, 12, 20, 21, 22);
        assertEquals("index 3 is out of range for axis 1 of size 3", error(() -> eval("takeAlongAxis", Attrs.of("axis", 1), x, i32(shape(1, 1), 3))));
        assertEquals("index -4 is out of range for axis 1 of size 3", error(() -> eval("takeAlongAxis", Attrs.of("axis", 1), x, i32(shape(1, 1), -4))));
        TensorType t = TensorType.of(DType.F32, 2, 3);
        assertEquals("takeAlongAxis needs i32 indices, got f32[1, 2]", error(() -> infer("takeAlongAxis", Attrs.of("axis", 1), t, TensorType.of(DType.F32, 1, 2))));
        assertEquals("takeAlongAxis needs indices of the data's rank 2, got i32[2]", error(() -> infer("takeAlongAxis", Attrs.of("axis", 1), t, TensorType.of(DType.I32, 2))));
        assertEquals("takeAlongAxis: the indices [3, 2] must match the data [2, 3] on axes 0..0 or be 1 there",
                error(() -> infer("takeAlongAxis", Attrs.of("axis", 1), t, TensorType.of(DType.I32, 3, 2))));
        assertEquals("axis 2 is out of range for [2, 3]", error(() -> infer("takeAlongAxis", Attrs.of("axis", 2), t, TensorType.of(DType.I32, 2, 3))));
    }

    @Test
    void scatterAddAddsRepeatedIndices() {
        // the transpose of take: np.add.at(zeros(3), [0, 2, 0, -1], [1, 2, 3, 4])
        assertTensor(eval("scatterAdd", Attrs.of("axis", 0, "shape", Shape.of(3)), f32(shape(4), 1, 2, 3, 4), i32(shape(4), 0, 2, 0, -1)),
                DType.F32, shape(3), 4, 0, 6);
        assertTensor(eval("scatterAdd", Attrs.of("axis", 1, "shape", Shape.of(2, 3)), f32(shape(2, 2), 1, 2, 3, 4), i32(shape(1, 2), 1, 1)),
                DType.F32, shape(2, 3), 0, 3, 0, 0, 7, 0);
        assertEquals("scatterAdd: updates f32[3] do not fit indices i32[4] into [3]: expected shape [4]",
                error(() -> infer("scatterAdd", Attrs.of("axis", 0, "shape", Shape.of(3)), TensorType.of(DType.F32, 3), TensorType.of(DType.I32, 4))));
        assertEquals("'scatterAdd' needs a floating-point tensor, got i32[4]; convert it with .toF32()",
                error(() -> infer("scatterAdd", Attrs.of("axis", 0, "shape", Shape.of(3)), TensorType.of(DType.I32, 4), TensorType.of(DType.I32, 4))));
    }
}
