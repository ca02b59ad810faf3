package dlm.compiler.ops;

import static dlm.compiler.ops.OpTestSupport.assertTensor;
import static dlm.compiler.ops.OpTestSupport.bool;
import static dlm.compiler.ops.OpTestSupport.error;
import static dlm.compiler.ops.OpTestSupport.eval;
import static dlm.compiler.ops.OpTestSupport.f32;
import static dlm.compiler.ops.OpTestSupport.i32;
import static dlm.compiler.ops.OpTestSupport.i64;
import static dlm.compiler.ops.OpTestSupport.infer;
import static dlm.compiler.ops.OpTestSupport.shape;
import static dlm.compiler.ops.OpTestSupport.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Arithmetic, comparison and logical binary ops: values per dtype, rounding, integer semantics, errors. */
class BinaryOpsTest {
    private static final double NAN = Double.NaN;

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"U8", "I32", "I64", "F16", "F32", "F64"})
    void arithmeticOnEveryNumericDType(DType d) {
        Tensor a = t(d, shape(2, 2), 6, 7, 8, 9), b = t(d, shape(2, 2), 3, 2, 4, 1);
        assertTensor(eval("add", a, b), d, shape(2, 2), 9, 9, 12, 10);
        assertTensor(eval("sub", a, b), d, shape(2, 2), 3, 5, 4, 8);
        assertTensor(eval("mul", a, b), d, shape(2, 2), 18, 14, 32, 9);
        assertTensor(eval("maximum", a, b), d, shape(2, 2), 6, 7, 8, 9);
        assertTensor(eval("minimum", a, b), d, shape(2, 2), 3, 2, 4, 1);
        assertTensor(eval("pow", b, t(d, shape(), 2)), d, shape(2, 2), 9, 4, 16, 1);
        assertTensor(eval("mod", a, b), d, shape(2, 2), 0, 1, 0, 0);
        double[] quotient = d.isFloating() ? new double[] {2, 3.5, 2, 9} : new double[] {2, 3, 2, 9};
        assertTensor(eval("div", a, b), d, shape(2, 2), quotient);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void everyRankFromScalarToFive(int rank) {
        int[] s = new int[rank];
        Arrays.fill(s, 2);
        Tensor a = OpTestSupport.iota(DType.I32, s, 1);
        Tensor out = eval("mul", a, i32(shape(), 3));
        assertArrayEquals(s, out.shape());
        for (int i = 0; i < a.size(); i++) assertEquals(3 * (i + 1), out.getLong(i));
    }

    @Test
    void scalarArithmetic() {
        assertTensor(eval("add", f32(shape(), 1.5), f32(shape(), 2.25)), DType.F32, shape(), 3.75);
        assertTensor(eval("div", f32(shape(), 1), f32(shape(), 4)), DType.F32, shape(), 0.25);
    }

    @Test
    void f32ResultsAreRoundedOnceToFloat() {
        Tensor sum = eval("add", f32(shape(1), 0.1), f32(shape(1), 0.2));
        assertEquals(0.1f + 0.2f, sum.f32Storage()[0]);
        Tensor third = eval("div", f32(shape(1), 1), f32(shape(1), 3));
        assertEquals(1f / 3f, third.f32Storage()[0]);
        // 2^24 + 1 is not a float: it rounds to even.
        assertTensor(eval("add", f32(shape(1), 16777216), f32(shape(1), 1)), DType.F32, shape(1), 16777216);
        // f64 keeps what f32 loses.
        assertTensor(eval("add", t(DType.F64, shape(1), 16777216), t(DType.F64, shape(1), 1)), DType.F64, shape(1), 16777217);
        // f16 has an 11-bit significand: 2048 + 1 rounds to 2048, 1 + 1/4096 to 1.
        assertTensor(eval("add", t(DType.F16, shape(2), 2048, 1), t(DType.F16, shape(2), 1, 1.0 / 4096)), DType.F16, shape(2), 2048, 1);
    }

    @Test
    void integerDivisionTruncatesTowardZeroAndModFollowsTheDividend() {
        Tensor a = i32(shape(4), -7, 7, -7, 7), b = i32(shape(4), 2, 2, -2, -2);
        assertTensor(eval("div", a, b), DType.I32, shape(4), -3, 3, 3, -3);
        assertTensor(eval("mod", a, b), DType.I32, shape(4), -1, 1, -1, 1);
        // Kotlin's % on floats too (fmod), not NumPy's floored mod.
        assertTensor(eval("mod", f32(shape(2), -7.5, 7.5), f32(shape(2), 2, -2)), DType.F32, shape(2), -1.5, 1.5);
    }

    @Test
    void integerDivisionByZeroIsAnError() {
        assertEquals("integer division by zero", error(() -> eval("div", i32(shape(2), 1, 2), i32(shape(2), 1, 0))));
        assertEquals("integer division by zero", error(() -> eval("mod", t(DType.U8, shape(1), 1), t(DType.U8, shape(1), 0))));
        // Floats divide by zero the IEEE way.
        assertTensor(eval("div", f32(shape(3), 1, -1, 0), f32(shape(), 0)), DType.F32, shape(3),
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, NAN);
    }

    @Test
    void integersWrapLikeJava() {
        assertTensor(eval("add", i32(shape(1), Integer.MAX_VALUE), i32(shape(1), 1)), DType.I32, shape(1), Integer.MIN_VALUE);
        assertTensor(eval("div", i32(shape(1), Integer.MIN_VALUE), i32(shape(1), -1)), DType.I32, shape(1), Integer.MIN_VALUE);
        Tensor u8a = t(DType.U8, shape(3), 250, 3, 200), u8b = t(DType.U8, shape(3), 10, 5, 2);
        assertTensor(eval("add", u8a, u8b), DType.U8, shape(3), 4, 8, 202);
        assertTensor(eval("sub", u8a, u8b), DType.U8, shape(3), 240, 254, 198);
        assertTensor(eval("mul", u8a, u8b), DType.U8, shape(3), 196, 15, 144);
    }

    @Test
    void i64StaysExactBeyondDoublePrecision() {
        long big = (1L << 53) + 1; // not representable as a double
        Tensor sum = eval("add", i64(big, 3037000499L), i64(2, 3037000499L));
        assertArrayEquals(new long[] {big + 2, 3037000499L * 2}, sum.i64Storage());
        Tensor product = eval("mul", i64(big, 3037000499L), i64(3, 3037000499L));
        assertArrayEquals(new long[] {big * 3, 9223372030926249001L}, product.i64Storage());
        assertArrayEquals(new long[] {big / 2, 1}, eval("div", i64(big, 7), i64(2, 4)).i64Storage());
        // 3^39 = 4052555153018976267 needs 62 bits.
        assertArrayEquals(new long[] {4052555153018976267L}, eval("pow", i64(3), i64(39)).i64Storage());
    }

    @Test
    void integerPowIsExact() {
        Tensor base = i32(shape(5), 2, -3, 0, 2, 7), exp = i32(shape(5), 10, 3, 0, 31, 1);
        assertTensor(eval("pow", base, exp), DType.I32, shape(5), 1024, -27, 1, Integer.MIN_VALUE, 7);
        assertEquals("integer pow with negative exponent -1", error(() -> eval("pow", i32(shape(1), 2), i32(shape(1), -1))));
        assertTensor(eval("pow", f32(shape(2), 2, 4), f32(shape(2), 0.5, -1)), DType.F32, shape(2), (float) Math.sqrt(2), 0.25);
    }

    @Test
    void maximumAndMinimumPropagateNaN() {
        Tensor a = f32(shape(3), NAN, 1, 1), b = f32(shape(3), 1, NAN, 5);
        assertTensor(eval("maximum", a, b), DType.F32, shape(3), NAN, NAN, 5);
        assertTensor(eval("minimum", a, b), DType.F32, shape(3), NAN, NAN, 1);
    }

    @Test
    void comparisonsGiveBoolWithBroadcasting() {
        Tensor a = i32(shape(2, 3), 1, 2, 3, 4, 5, 6), b = i32(shape(3), 2, 2, 7);
        assertTensor(eval("less", a, b), DType.BOOL, shape(2, 3), 1, 0, 1, 0, 0, 1);
        assertTensor(eval("lessEqual", a, b), DType.BOOL, shape(2, 3), 1, 1, 1, 0, 0, 1);
        assertTensor(eval("greater", a, b), DType.BOOL, shape(2, 3), 0, 0, 0, 1, 1, 0);
        assertTensor(eval("greaterEqual", a, b), DType.BOOL, shape(2, 3), 0, 1, 0, 1, 1, 0);
        assertTensor(eval("equal", a, b), DType.BOOL, shape(2, 3), 0, 1, 0, 0, 0, 0);
        assertTensor(eval("notEqual", a, b), DType.BOOL, shape(2, 3), 1, 0, 1, 1, 1, 1);
    }

    @Test
    void comparisonsWithNaNFollowIeee() {
        Tensor a = f32(shape(2), NAN, 1), b = f32(shape(2), NAN, NAN);
        assertTensor(eval("equal", a, b), DType.BOOL, shape(2), 0, 0);
        assertTensor(eval("notEqual", a, b), DType.BOOL, shape(2), 1, 1);
        assertTensor(eval("less", a, b), DType.BOOL, shape(2), 0, 0);
        assertTensor(eval("greaterEqual", a, b), DType.BOOL, shape(2), 0, 0);
    }

    @Test
    void i64ComparisonsAreExact() {
        long big = 1L << 53;
        assertTensor(eval("less", i64(big), i64(big + 1)), DType.BOOL, shape(1), 1);
        assertTensor(eval("equal", i64(big), i64(big + 1)), DType.BOOL, shape(1), 0);
    }

    @Test
    void equalityWorksOnBoolButOrderingDoesNot() {
        Tensor p = bool(shape(4), 0, 0, 1, 1), q = bool(shape(4), 0, 1, 0, 1);
        assertTensor(eval("equal", p, q), DType.BOOL, shape(4), 1, 0, 0, 1);
        assertTensor(eval("notEqual", p, q), DType.BOOL, shape(4), 0, 1, 1, 0);
        assertEquals("'less' needs numeric operands, got bool[4]", error(() -> eval("less", p, q)));
    }

    @Test
    void logicalOps() {
        Tensor p = bool(shape(2, 2), 0, 0, 1, 1), q = bool(shape(2, 2), 0, 1, 0, 1);
        assertTensor(eval("and", p, q), DType.BOOL, shape(2, 2), 0, 0, 0, 1);
        assertTensor(eval("or", p, q), DType.BOOL, shape(2, 2), 0, 1, 1, 1);
        assertTensor(eval("not", p), DType.BOOL, shape(2, 2), 1, 1, 0, 0);
        assertTensor(eval("and", p, bool(shape(), 1)), DType.BOOL, shape(2, 2), 0, 0, 1, 1);
        assertTensor(eval("not", bool(shape(), 0)), DType.BOOL, shape(), 1);
        assertEquals("'and' needs bool operands, got f32[2]", error(() -> eval("and", f32(shape(2), 1, 0), f32(shape(2), 1, 1))));
        assertEquals("'not' needs bool operands, got i32[1]", error(() -> eval("not", i32(shape(1), 1))));
    }

    @Test
    void operandsMustShareADType() {
        assertEquals("dtype mismatch: f32[3] and i32[3]",
                error(() -> infer("add", TensorType.of(DType.F32, 3), TensorType.of(DType.I32, 3))));
        assertEquals("dtype mismatch: f32[3] and i32[3]", error(() -> eval("add", f32(shape(3), 1, 2, 3), i32(shape(3), 1, 2, 3))));
        assertEquals("dtype mismatch: f64 and f32[2]", error(() -> infer("less", TensorType.scalar(DType.F64), TensorType.of(DType.F32, 2))));
    }

    @Test
    void arithmeticNeedsNumericOperands() {
        assertEquals("'add' needs numeric operands, got bool[3]",
                error(() -> infer("add", TensorType.of(DType.BOOL, 3), TensorType.of(DType.BOOL, 3))));
        assertEquals("'pow' needs numeric operands, got bool", error(() -> eval("pow", bool(shape(), 1), bool(shape(), 1))));
    }

    @Test
    void inferGivesBroadcastTypeAndDType() {
        assertEquals(TensorType.of(DType.U8, 4, 3), infer("sub", TensorType.of(DType.U8, 4, 1), TensorType.of(DType.U8, 3)));
        assertEquals(TensorType.of(DType.BOOL, 2, 3), infer("greater", TensorType.of(DType.F16, 2, 3), TensorType.scalar(DType.F16)));
        assertEquals("'add' takes 2 inputs, got 1", error(() -> infer("add", TensorType.of(DType.F32, 3))));
    }
}
