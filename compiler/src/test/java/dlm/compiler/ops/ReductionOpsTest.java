package dlm.compiler.ops;

import static dlm.compiler.ops.OpTestSupport.assertTensor;
import static dlm.compiler.ops.OpTestSupport.bool;
import static dlm.compiler.ops.OpTestSupport.error;
import static dlm.compiler.ops.OpTestSupport.eval;
import static dlm.compiler.ops.OpTestSupport.f32;
import static dlm.compiler.ops.OpTestSupport.i32;
import static dlm.compiler.ops.OpTestSupport.i64;
import static dlm.compiler.ops.OpTestSupport.infer;
import static dlm.compiler.ops.OpTestSupport.iota;
import static dlm.compiler.ops.OpTestSupport.shape;
import static dlm.compiler.ops.OpTestSupport.t;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** sum, mean, max, min over axes with keepdims; argmax/argmin. */
class ReductionOpsTest {
    private static final double NAN = Double.NaN;

    private static Attrs axes(int... axes) { return Attrs.of("axes", axes); }

    private static Attrs axesKept(int... axes) { return Attrs.of("axes", axes, "keepdims", true); }

    /** x[i, j, k] = 12i + 4j + k, shape [2, 3, 4]. */
    private static final Tensor X = iota(DType.F32, shape(2, 3, 4), 0);

    @Test
    void sumOverOneAxisOfRankThree() {
        // sum over j of 12i + 4j + k = 36i + 3k + 12
        assertTensor(eval("sum", axes(1), X), DType.F32, shape(2, 4), 12, 15, 18, 21, 48, 51, 54, 57);
        assertTensor(eval("sum", axesKept(1), X), DType.F32, shape(2, 1, 4), 12, 15, 18, 21, 48, 51, 54, 57);
    }

    @Test
    void sumOverSeveralAxes() {
        // sum over i and k of 12i + 4j + k = 48 + 32j + 12
        assertTensor(eval("sum", axes(0, 2), X), DType.F32, shape(3), 60, 92, 124);
        assertTensor(eval("sum", axesKept(0, 2), X), DType.F32, shape(1, 3, 1), 60, 92, 124);
        assertTensor(eval("sum", X), DType.F32, shape(), 276);
        assertTensor(eval("sum", Attrs.of("keepdims", true), X), DType.F32, shape(1, 1, 1), 276);
        assertTensor(eval("sum", axes(0, 1, 2), X), DType.F32, shape(), 276);
    }

    /** prod: NumPy's values; 1 over zero elements; integers exact (bool and u8 in i32, as sum). */
    @Test
    void prod() {
        Tensor x = f32(shape(2, 3), 1, 2, 3, 4, 0, -6);
        assertTensor(eval("prod", axes(1), x), DType.F32, shape(2), 6, -0.0); // 4·0·(−6) = −0, as NumPy
        assertTensor(eval("prod", axesKept(0), x), DType.F32, shape(1, 3), 4, 0, -18);
        assertTensor(eval("prod", x), DType.F32, shape(), -0.0);
        assertTensor(eval("prod", axes(1), Tensor.zeros(DType.F32, 2, 0)), DType.F32, shape(2), 1, 1);
        assertEquals(3L << 40, eval("prod", i64(1L << 20, 1L << 20, 3)).getLong(0));
        assertTensor(eval("prod", Tensor.of(DType.U8, new int[] {3}, 200, 2, 1)), DType.I32, shape(), 400);
        assertEquals(new TensorType(DType.I32, Shape.of(Dim.sym("batch"))),
                infer("prod", axes(1), new TensorType(DType.BOOL, Shape.of(Dim.sym("batch"), Dim.of(3)))));
        assertTensor(eval("prod", axes(0), f32(shape(2), NAN, 0)), DType.F32, shape(), NAN);
    }

    @Test
    void emptyAxesReduceNothing() {
        assertTensor(eval("sum", axes(), i32(shape(2), 3, 4)), DType.I32, shape(2), 3, 4);
    }

    @Test
    void meanMaxMinOfRankThree() {
        assertTensor(eval("mean", axes(2), X), DType.F32, shape(2, 3), 1.5, 5.5, 9.5, 13.5, 17.5, 21.5);
        assertTensor(eval("max", axes(0), X), DType.F32, shape(3, 4), 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23);
        assertTensor(eval("min", axesKept(0), X), DType.F32, shape(1, 3, 4), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertTensor(eval("max", axes(1, 2), X), DType.F32, shape(2), 11, 23);
        assertTensor(eval("min", X), DType.F32, shape(), 0);
        assertTensor(eval("mean", X), DType.F32, shape(), 11.5);
    }

    @Test
    void rankFourWithKeepdims() {
        // y[a, 0, c, d] = 6a + 2c + d, shape [2, 1, 3, 2]
        Tensor y = iota(DType.I64, shape(2, 1, 3, 2), 0);
        assertTensor(eval("sum", axesKept(1, 3), y), DType.I64, shape(2, 1, 3, 1), 1, 5, 9, 13, 17, 21);
        assertTensor(eval("sum", axes(0, 2), y), DType.I64, shape(1, 2), 30, 36);
        assertTensor(eval("max", axesKept(2), y), DType.I64, shape(2, 1, 1, 2), 4, 5, 10, 11);
        assertTensor(eval("mean", axes(0, 1, 2, 3), y), DType.F32, shape(), 5.5);
    }

    @Test
    void scalarReductions() {
        assertTensor(eval("sum", t(DType.F64, shape(), 2.5)), DType.F64, shape(), 2.5);
        assertTensor(eval("max", i32(shape(), -4)), DType.I32, shape(), -4);
        assertTensor(eval("mean", i32(shape(), 3)), DType.F32, shape(), 3);
    }

    @Test
    void sumDTypes() {
        assertTensor(eval("sum", bool(shape(4), 1, 0, 1, 1)), DType.I32, shape(), 3);
        assertTensor(eval("sum", t(DType.U8, shape(2), 200, 200)), DType.I32, shape(), 400);
        assertTensor(eval("sum", i32(shape(2), Integer.MAX_VALUE, 1)), DType.I32, shape(), Integer.MIN_VALUE);
        long big = 1L << 53;
        assertEquals(big + 1, eval("sum", i64(big, 1)).i64Storage()[0]);
        assertTensor(eval("sum", t(DType.F16, shape(2), 1, 2)), DType.F16, shape(), 3);
        assertEquals(TensorType.of(DType.I32, 2), infer("sum", axes(1), TensorType.of(DType.U8, 2, 3)));
        assertEquals(TensorType.scalar(DType.I64), infer("sum", TensorType.of(DType.I64, 2, 3)));
    }

    @Test
    void floatSumsRoundOnce() {
        // Accumulating in f32 would lose both 1s against 2^24; the double accumulator keeps them.
        assertTensor(eval("sum", f32(shape(3), 16777216, 1, 1)), DType.F32, shape(), 16777218);
    }

    @Test
    void meanDTypes() {
        assertTensor(eval("mean", i32(shape(2), 1, 2)), DType.F32, shape(), 1.5);
        assertTensor(eval("mean", bool(shape(4), 1, 0, 0, 0)), DType.F32, shape(), 0.25);
        assertTensor(eval("mean", t(DType.F64, shape(3), 1, 2, 2)), DType.F64, shape(), 5.0 / 3);
        assertEquals(TensorType.of(DType.F32, 3), infer("mean", axes(0), TensorType.of(DType.U8, 2, 3)));
        // An empty mean is 0/0, as in NumPy.
        assertTensor(eval("mean", f32(shape(0))), DType.F32, shape(), NAN);
        assertTensor(eval("sum", f32(shape(0))), DType.F32, shape(), 0);
    }

    @Test
    void maxMinKeepTheDTypeAndPropagateNaN() {
        assertTensor(eval("max", t(DType.U8, shape(3), 7, 255, 0)), DType.U8, shape(), 255);
        assertTensor(eval("min", axes(1), i32(shape(2, 2), 5, -3, 2, 9)), DType.I32, shape(2), -3, 2);
        assertTensor(eval("max", axes(1), f32(shape(2, 2), 1, NAN, 3, 4)), DType.F32, shape(2), NAN, 4);
        assertTensor(eval("min", f32(shape(3), NAN, -1, 2)), DType.F32, shape(), NAN);
        long big = (1L << 53) + 1;
        assertEquals(big, eval("max", i64(big - 1, big)).i64Storage()[0]);
    }

    @Test
    void maxMinRejectBoolAndEmptyAxes() {
        assertEquals("'max' needs a numeric tensor, got bool[3]", error(() -> infer("max", TensorType.of(DType.BOOL, 3))));
        assertEquals("'min' needs a non-empty axis, but axis 0 of f32[0, 3] has size 0",
                error(() -> infer("min", axes(0), TensorType.of(DType.F32, 0, 3))));
        assertEquals("'max' needs a non-empty axis, but axis 0 of f32[0] has size 0", error(() -> eval("max", f32(shape(0)))));
        // Reducing the non-empty axis of an empty tensor is fine: the result is empty too.
        assertTensor(eval("max", axes(1), f32(shape(0, 3))), DType.F32, shape(0));
    }

    @Test
    void axesAreValidated() {
        assertEquals("axis 2 is out of range for f32[3, 4]", error(() -> infer("sum", axes(2), TensorType.of(DType.F32, 3, 4))));
        assertEquals("axis -1 is out of range for f32[3, 4]", error(() -> infer("mean", axes(-1), TensorType.of(DType.F32, 3, 4))));
        assertEquals("axis 0 is out of range for f32", error(() -> eval("sum", axes(0), f32(shape(), 1))));
        assertEquals("axis 1 is repeated for f32[3, 4]", error(() -> infer("sum", axes(1, 1), TensorType.of(DType.F32, 3, 4))));
        assertEquals("axis 2 is out of range for f32[3, 4]",
                error(() -> infer("argmax", Attrs.of("axis", 2), TensorType.of(DType.F32, 3, 4))));
    }

    @Test
    void symbolicAxesReduceStatically() {
        Dim batch = Dim.sym("batch");
        TensorType x = new TensorType(DType.F32, Shape.of(batch, Dim.of(10)));
        assertEquals(TensorType.of(DType.F32, 10), infer("sum", axes(0), x));
        assertEquals(new TensorType(DType.F32, Shape.of(batch)), infer("max", axes(1), x));
        assertEquals(TensorType.of(DType.F32, 1, 10), infer("mean", axesKept(0), x));
        assertEquals(TensorType.scalar(DType.F32), infer("mean", x));
        assertEquals(new TensorType(DType.I32, Shape.of(batch)), infer("argmax", Attrs.of("axis", 1), x));
    }

    @Test
    void argmaxAlongAnAxis() {
        Tensor m = f32(shape(2, 3), 1, 5, 2, 7, 0, 7);
        assertTensor(eval("argmax", Attrs.of("axis", 1), m), DType.I32, shape(2), 1, 0);
        assertTensor(eval("argmax", Attrs.of("axis", 0), m), DType.I32, shape(3), 1, 0, 1);
        assertTensor(eval("argmin", Attrs.of("axis", 1), m), DType.I32, shape(2), 0, 1);
        assertTensor(eval("argmax", Attrs.of("axis", 1, "keepdims", true), m), DType.I32, shape(2, 1), 1, 0);
    }

    @Test
    void argmaxTiesGiveTheFirstIndex() {
        assertTensor(eval("argmax", i32(shape(4), 1, 3, 3, 2)), DType.I32, shape(), 1);
        assertTensor(eval("argmin", i32(shape(3), 2, 1, 1)), DType.I32, shape(), 1);
        assertTensor(eval("argmax", f32(shape(3), 4, 4, 4)), DType.I32, shape(), 0);
    }

    @Test
    void argmaxWithoutAxisUsesTheFlattenedTensor() {
        Tensor m = i32(shape(2, 2), 1, 5, 5, 2);
        assertTensor(eval("argmax", m), DType.I32, shape(), 1);
        assertTensor(eval("argmin", m), DType.I32, shape(), 0);
        assertTensor(eval("argmax", Attrs.of("keepdims", true), m), DType.I32, shape(1, 1), 1);
        // Rank 3, along the middle axis: z[i, j, k] = 12i + 4j + k grows with j.
        assertTensor(eval("argmax", Attrs.of("axis", 1), X), DType.I32, shape(2, 4), 2, 2, 2, 2, 2, 2, 2, 2);
        assertTensor(eval("argmax", X), DType.I32, shape(), 23);
        assertTensor(eval("argmin", t(DType.F64, shape(), 3)), DType.I32, shape(), 0);
    }

    @Test
    void argmaxTreatsNaNAsTheExtremeAndIsExactOnI64() {
        assertTensor(eval("argmax", f32(shape(4), 1, NAN, 9, NAN)), DType.I32, shape(), 1);
        assertTensor(eval("argmin", f32(shape(3), 1, -5, NAN)), DType.I32, shape(), 2);
        long big = 1L << 53;
        assertTensor(eval("argmax", i64(big, big + 1, big)), DType.I32, shape(), 1);
        assertTensor(eval("argmax", bool(shape(3), 0, 1, 1)), DType.I32, shape(), 1);
        assertTensor(eval("argmax", t(DType.U8, shape(3), 3, 255, 128)), DType.I32, shape(), 1);
    }

    @Test
    void argmaxOfAnEmptyAxisIsAnError() {
        assertEquals("'argmax' needs a non-empty axis, but axis 1 of f32[2, 0] has size 0",
                error(() -> infer("argmax", Attrs.of("axis", 1), TensorType.of(DType.F32, 2, 0))));
    }
}
