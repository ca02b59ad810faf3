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

}
