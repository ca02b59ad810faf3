package dlm.compiler.ops;

import static dlm.compiler.ops.OpTestSupport.assertClose;
import static dlm.compiler.ops.OpTestSupport.assertTensor;
import static dlm.compiler.ops.OpTestSupport.error;
import static dlm.compiler.ops.OpTestSupport.eval;
import static dlm.compiler.ops.OpTestSupport.f32;
import static dlm.compiler.ops.OpTestSupport.i32;
import static dlm.compiler.ops.OpTestSupport.infer;
import static dlm.compiler.ops.OpTestSupport.shape;
import static dlm.compiler.ops.OpTestSupport.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** softmax, logSoftmax and oneHot. */
class NnOpsTest {

    private static Attrs axis(int a) { return Attrs.of("axis", a); }

    @Test
    void softmaxOfARow() {
        // e^0, e^1, e^2 over their sum 1 + e + e^2.
        double z = 1 + Math.E + Math.E * Math.E;
        Tensor out = eval("softmax", axis(0), t(DType.F64, shape(3), 0, 1, 2));
        assertClose(out, 1e-15, 1 / z, Math.E / z, Math.E * Math.E / z);
        assertEquals(DType.F64, out.dtype());
    }

    @Test
    void softmaxRowsSumToOneAlongEachAxis() {
        Tensor x = t(DType.F64, shape(2, 3, 4), new Random(7).doubles(24, -5, 5).toArray());
        for (int a = 0; a < 3; a++) {
            Tensor p = eval("softmax", axis(a), x);
            Tensor sums = eval("sum", Attrs.of("axes", new int[] {a}), p);
            for (double s : sums.toDoubles()) assertEquals(1, s, 1e-12, "axis " + a);
            for (double v : p.toDoubles()) assertTrue(v > 0 && v < 1);
        }
    }

    @Test
    void softmaxAlongTheFirstAxisOfAMatrix() {
        Tensor p = eval("softmax", axis(0), f32(shape(2, 2), 0, 5, 0, 5));
        assertTensor(p, DType.F32, shape(2, 2), 0.5, 0.5, 0.5, 0.5);
        Tensor q = eval("softmax", axis(1), f32(shape(2, 2), 0, 0, 3, 3));
        assertTensor(q, DType.F32, shape(2, 2), 0.5, 0.5, 0.5, 0.5);
    }

    @Test
    void softmaxIsStableOnLargeInputs() {
        Tensor p = eval("softmax", axis(0), f32(shape(2), 1000, 1001));
        assertClose(p, 1e-7, 1 / (1 + Math.E), Math.E / (1 + Math.E));
        Tensor q = eval("softmax", axis(1), f32(shape(1, 2), -1000, 0));
        assertTensor(q, DType.F32, shape(1, 2), 0, 1);
        Tensor big = eval("softmax", axis(0), t(DType.F64, shape(3), 1e308, 1e308, -1e308));
        assertClose(big, 1e-15, 0.5, 0.5, 0);
    }

    @Test
    void logSoftmaxEqualsLogOfSoftmaxOnModerateInputs() {
        Tensor x = t(DType.F64, shape(3, 4), new Random(11).doubles(12, -3, 3).toArray());
        for (int a = 0; a < 2; a++) {
            Tensor log = eval("logSoftmax", axis(a), x);
            Tensor expected = eval("log", eval("softmax", axis(a), x));
            assertArrayEquals(expected.toDoubles(), log.toDoubles(), 1e-12);
        }
    }

    @Test
    void logSoftmaxIsStableWhereSoftmaxUnderflows() {
        Tensor log = eval("logSoftmax", axis(0), f32(shape(2), 1000, 1001));
        double lse = Math.log(1 + Math.E);
        assertClose(log, 1e-6, -lse, 1 - lse);
        // softmax(-1000) is 0, but its log is finite.
        assertTensor(eval("logSoftmax", axis(0), t(DType.F64, shape(2), -1000, 0)), DType.F64, shape(2), -1000, 0);
    }

    @Test
    void softmaxOnEveryFloatingDTypeAndRank() {
        assertTensor(eval("softmax", t(DType.F16, shape(2), 3, 3)), DType.F16, shape(2), 0.5, 0.5);
        assertTensor(eval("softmax", f32(shape(), 42)), DType.F32, shape(), 1);
        assertTensor(eval("logSoftmax", f32(shape(), 42)), DType.F32, shape(), 0);
        // The default axis is the last one.
        assertTensor(eval("softmax", f32(shape(1, 1, 2, 1, 2), 1, 1, 7, 7)), DType.F32, shape(1, 1, 2, 1, 2), 0.5, 0.5, 0.5, 0.5);
    }

    @Test
    void softmaxChecksDTypeAndAxis() {
        assertEquals("'softmax' needs a floating-point tensor, got i32[3]; convert it with .toF32()",
                error(() -> eval("softmax", axis(0), i32(shape(3), 1, 2, 3))));
        assertEquals("axis 2 is out of range for f32[3, 4]", error(() -> infer("logSoftmax", axis(2), TensorType.of(DType.F32, 3, 4))));
        TensorType batch = new TensorType(DType.F32, Shape.of(Dim.sym("batch"), Dim.of(10)));
        assertEquals(batch, infer("softmax", axis(1), batch));
    }

    @Test
    void oneHotOfAVector() {
        Tensor out = eval("oneHot", Attrs.of("depth", 3), i32(shape(3), 2, 0, 1));
        assertTensor(out, DType.F32, shape(3, 3), 0, 0, 1, 1, 0, 0, 0, 1, 0);
    }

    @Test
    void oneHotOfEveryRankAndLabelDType() {
        assertTensor(eval("oneHot", Attrs.of("depth", 2), i32(shape(), 1)), DType.F32, shape(2), 0, 1);
        Tensor labels = t(DType.U8, shape(2, 2), 0, 3, 3, 1);
        assertTensor(eval("oneHot", Attrs.of("depth", 4, "dtype", DType.I32), labels), DType.I32, shape(2, 2, 4),
                1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0);
        assertTensor(eval("oneHot", Attrs.of("depth", 2, "dtype", DType.BOOL), OpTestSupport.i64(1, 0)), DType.BOOL, shape(2, 2), 0, 1, 1, 0);
        assertTensor(eval("oneHot", Attrs.of("depth", 2, "dtype", DType.F64), i32(shape(1, 1, 1), 0)), DType.F64, shape(1, 1, 1, 2), 1, 0);
    }

    @Test
    void oneHotLabelsOutOfRangeAreAnError() {
        assertEquals("oneHot: label 12 is out of range for depth 10",
                error(() -> eval("oneHot", Attrs.of("depth", 10), i32(shape(3), 1, 12, 3))));
        assertEquals("oneHot: label -1 is out of range for depth 10",
                error(() -> eval("oneHot", Attrs.of("depth", 10), i32(shape(1), -1))));
    }

    @Test
    void oneHotTypeRule() {
        TensorType labels = new TensorType(DType.U8, Shape.of(Dim.sym("batch")));
        assertEquals(new TensorType(DType.F32, Shape.of(Dim.sym("batch"), Dim.of(10))), infer("oneHot", Attrs.of("depth", 10), labels));
        assertEquals("'oneHot' needs integer labels, got f32[3]",
                error(() -> infer("oneHot", Attrs.of("depth", 10), TensorType.of(DType.F32, 3))));
        assertEquals("oneHot: depth must be at least 1, got 0",
                error(() -> infer("oneHot", Attrs.of("depth", 0), TensorType.of(DType.I32, 3))));
    }
}
