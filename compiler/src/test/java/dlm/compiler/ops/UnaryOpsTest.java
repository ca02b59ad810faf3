package dlm.compiler.ops;

import static dlm.compiler.ops.OpTestSupport.assertClose;
import static dlm.compiler.ops.OpTestSupport.assertTensor;
import static dlm.compiler.ops.OpTestSupport.bool;
import static dlm.compiler.ops.OpTestSupport.error;
import static dlm.compiler.ops.OpTestSupport.eval;
import static dlm.compiler.ops.OpTestSupport.f32;
import static dlm.compiler.ops.OpTestSupport.i32;
import static dlm.compiler.ops.OpTestSupport.infer;
import static dlm.compiler.ops.OpTestSupport.shape;
import static dlm.compiler.ops.OpTestSupport.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Unary element-wise ops, where and cast. */
class UnaryOpsTest {
    private static final double NAN = Double.NaN;

    @Test
    void numericUnaryOnFloats() {
        Tensor x = f32(shape(2, 3), -2.5, -1, 0.5, 3, NAN, Double.NEGATIVE_INFINITY);
        assertTensor(eval("neg", x), DType.F32, shape(2, 3), 2.5, 1, -0.5, -3, NAN, Double.POSITIVE_INFINITY);
        assertTensor(eval("abs", x), DType.F32, shape(2, 3), 2.5, 1, 0.5, 3, NAN, Double.POSITIVE_INFINITY);
        assertTensor(eval("relu", x), DType.F32, shape(2, 3), 0, 0, 0.5, 3, NAN, 0);
        assertTensor(eval("square", x), DType.F32, shape(2, 3), 6.25, 1, 0.25, 9, NAN, Double.POSITIVE_INFINITY);
        assertTensor(eval("sign", x), DType.F32, shape(2, 3), -1, -1, 1, 1, NAN, -1);
    }

    @Test
    void numericUnaryOnIntegersIsExactAndWraps() {
        Tensor x = i32(shape(2, 2), -7, 0, 5, Integer.MIN_VALUE);
        assertTensor(eval("neg", x), DType.I32, shape(2, 2), 7, 0, -5, Integer.MIN_VALUE);
        assertTensor(eval("abs", x), DType.I32, shape(2, 2), 7, 0, 5, Integer.MIN_VALUE);
        assertTensor(eval("relu", x), DType.I32, shape(2, 2), 0, 0, 5, 0);
        assertTensor(eval("sign", x), DType.I32, shape(2, 2), -1, 0, 1, -1);
        assertTensor(eval("square", i32(shape(2), -7, 46341)), DType.I32, shape(2), 49, 46341 * 46341);
        assertTensor(eval("neg", t(DType.U8, shape(2), 3, 0)), DType.U8, shape(2), 253, 0);
        assertTensor(eval("square", t(DType.U8, shape(1), 20)), DType.U8, shape(1), 144);
        long big = (1L << 53) + 1;
        assertEquals(-big, eval("neg", OpTestSupport.i64(big)).i64Storage()[0]);
    }

    @Test
    void scalarsAndRankFour() {
        assertTensor(eval("relu", t(DType.F64, shape(), -3)), DType.F64, shape(), 0);
        Tensor x = OpTestSupport.iota(DType.I64, shape(1, 2, 1, 2), -2);
        assertTensor(eval("square", x), DType.I64, shape(1, 2, 1, 2), 4, 1, 0, 1);
    }

    @Test
    void numericUnaryRejectsBool() {
        assertEquals("'neg' needs a numeric tensor, got bool[2]", error(() -> eval("neg", bool(shape(2), 1, 0))));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F16", "F32", "F64"})
    void floatingUnaryOnEveryFloatingDType(DType d) {
        double[] in = {-1.5, 0.25, 2};
        Tensor x = t(d, shape(3), in);
        check("exp", x, Math::exp);
        check("tanh", x, Math::tanh);
        check("sin", x, Math::sin);
        check("cos", x, Math::cos);
        check("sigmoid", x, v -> 1 / (1 + Math.exp(-v)));
        Tensor positive = t(d, shape(3), 0.25, 2, 9);
        check("log", positive, Math::log);
        check("sqrt", positive, Math::sqrt);
    }

    /**
     * The op equals f computed in double on the stored inputs and rounded once to the dtype. The
     * 1e-15 relative slack only matters for f64, where a differently arranged but equivalent formula
     * (the stable sigmoid) may differ in the last bit.
     */
    private static void check(String op, Tensor x, DoubleUnaryOperator f) {
        Tensor out = eval(op, x);
        assertEquals(x.dtype(), out.dtype());
        for (int i = 0; i < x.size(); i++) {
            double expected = x.dtype().round(f.applyAsDouble(x.getDouble(i)));
            assertEquals(expected, out.getDouble(i), Math.abs(expected) * 1e-15, op);
        }
    }

    @Test
    void floatingUnaryValues() {
        assertTensor(eval("sqrt", t(DType.F64, shape(), 2)), DType.F64, shape(), Math.sqrt(2));
        assertTensor(eval("exp", f32(shape(2), 0, 1)), DType.F32, shape(2), 1, (float) Math.E);
        assertTensor(eval("log", f32(shape(3), 1, 0, -1)), DType.F32, shape(3), 0, Double.NEGATIVE_INFINITY, NAN);
        assertTensor(eval("sigmoid", f32(shape(1, 1), 0)), DType.F32, shape(1, 1), 0.5);
    }

    @Test
    void sigmoidIsStableForLargeMagnitudes() {
        Tensor out = eval("sigmoid", t(DType.F64, shape(4), -1000, -700, 700, 1000));
        assertEquals(0, out.getDouble(0));
        assertTensor(eval("sigmoid", f32(shape(2), -1000, 1000)), DType.F32, shape(2), 0, 1);
        // e^-700 is a normal double; the naive 1/(1+e^700) would still give it, but e^1000 overflows.
        assertEquals(Math.exp(-700), out.getDouble(1), Math.exp(-700) * 1e-12);
        assertEquals(1, out.getDouble(2));
        assertEquals(1, out.getDouble(3));
        for (double v : out.toDoubles()) assertTrue(!Double.isNaN(v));
    }

    @Test
    void floatingUnaryRejectsIntegersWithAHint() {
        assertEquals("'exp' needs a floating-point tensor, got i32[3]; convert it with .toF32()",
                error(() -> infer("exp", TensorType.of(DType.I32, 3))));
        assertEquals("'sigmoid' needs a floating-point tensor, got u8[2, 2]; convert it with .toF32()",
                error(() -> eval("sigmoid", t(DType.U8, shape(2, 2), 1, 2, 3, 4))));
        assertEquals("'log' needs a floating-point tensor, got bool; convert it with .toF32()",
                error(() -> infer("log", TensorType.scalar(DType.BOOL))));
    }

    @Test
    void unaryInferKeepsTypeIncludingSymbolicDims() {
        TensorType x = new TensorType(DType.F16, Shape.of(Dim.sym("batch"), Dim.of(3)));
        assertEquals(x, infer("tanh", x));
        assertEquals(x, infer("relu", x));
    }

    @Test
    void whereSelectsWithBroadcasting() {
        Tensor cond = bool(shape(2, 1), 1, 0), a = f32(shape(3), 1, 2, 3), b = f32(shape(), -1);
        assertTensor(eval("where", cond, a, b), DType.F32, shape(2, 3), 1, 2, 3, -1, -1, -1);
        Tensor mask = bool(shape(3), 1, 0, 1);
        assertTensor(eval("where", mask, bool(shape(), 0), bool(shape(), 1)), DType.BOOL, shape(3), 0, 1, 0);
        long big = (1L << 53) + 1;
        Tensor picked = eval("where", mask, OpTestSupport.i64(big, big, big), OpTestSupport.i64(7, 7, 7));
        assertEquals(big, picked.i64Storage()[0]);
        assertEquals(7, picked.i64Storage()[1]);
        assertTensor(eval("where", bool(shape(), 1), i32(shape(), 4), i32(shape(), 5)), DType.I32, shape(), 4);
    }

    @Test
    void whereChecksItsOperands() {
        assertEquals("'where' needs a bool condition, got f32[3]",
                error(() -> infer("where", TensorType.of(DType.F32, 3), TensorType.of(DType.F32, 3), TensorType.of(DType.F32, 3))));
        assertEquals("dtype mismatch: f32[3] and i32",
                error(() -> infer("where", TensorType.of(DType.BOOL, 3), TensorType.of(DType.F32, 3), TensorType.scalar(DType.I32))));
    }

    @Test
    void castFloatToIntegerTruncatesTowardZero() {
        Tensor x = f32(shape(2, 2), -2.7, 2.7, -0.5, 1e3);
        assertTensor(eval("cast", attrs(DType.I32), x), DType.I32, shape(2, 2), -2, 2, 0, 1000);
        assertTensor(eval("cast", attrs(DType.I64), x), DType.I64, shape(2, 2), -2, 2, 0, 1000);
        // Truncated, then wrapped mod 256 like a Java cast from long.
        assertTensor(eval("cast", attrs(DType.U8), x), DType.U8, shape(2, 2), 254, 2, 0, 232);
    }

    @Test
    void castBetweenIntegersWraps() {
        assertTensor(eval("cast", attrs(DType.U8), i32(shape(4), 256, 300, -1, 255)), DType.U8, shape(4), 0, 44, 255, 255);
        assertTensor(eval("cast", attrs(DType.I32), OpTestSupport.i64(4294967297L, -1)), DType.I32, shape(2), 1, -1);
        long big = (1L << 53) + 1;
        assertEquals(big, eval("cast", attrs(DType.I64), OpTestSupport.i64(big)).i64Storage()[0]);
        assertTensor(eval("cast", attrs(DType.I32), t(DType.U8, shape(), 200)), DType.I32, shape(), 200);
    }

    @Test
    void castToAndFromBool() {
        assertTensor(eval("cast", attrs(DType.BOOL), f32(shape(4), 0, -0.0, 0.5, NAN)), DType.BOOL, shape(4), 0, 0, 1, 1);
        assertTensor(eval("cast", attrs(DType.BOOL), i32(shape(3), 0, -3, 256)), DType.BOOL, shape(3), 0, 1, 1);
        assertTensor(eval("cast", attrs(DType.F32), bool(shape(2), 1, 0)), DType.F32, shape(2), 1, 0);
    }

    @Test
    void castBetweenFloatsRoundsOnce() {
        Tensor x = t(DType.F64, shape(1), 0.1);
        assertEquals(0.1f, eval("cast", attrs(DType.F32), x).f32Storage()[0]);
        assertTensor(eval("cast", attrs(DType.F16), i32(shape(2), 2049, 70000)), DType.F16, shape(2), 2048, Double.POSITIVE_INFINITY);
        assertTensor(eval("cast", attrs(DType.F64), f32(shape(), 0.1)), DType.F64, shape(), (double) 0.1f);
        assertTensor(eval("cast", attrs(DType.F32), t(DType.U8, shape(2), 255, 7)), DType.F32, shape(2), 255, 7);
    }

    @Test
    void castInferChangesOnlyTheDType() {
        TensorType x = new TensorType(DType.U8, Shape.of(Dim.sym("batch"), Dim.of(28), Dim.of(28)));
        assertEquals(x.withDType(DType.F32), infer("cast", attrs(DType.F32), x));
    }

    private static Attrs attrs(DType to) { return Attrs.of("dtype", to); }

    /**
     * erf, log1p and expm1 at x = -0.75, -0.5, 1e-10, 0.75, 3 against Python 3.11's math.erf,
     * math.log1p and math.expm1 (glibc; the doubles printed with repr): f64 within 1 ulp, f32 the
     * reference rounded once. 1e-10 is where log(1 + x) and exp(x) - 1 lose every digit.
     */
    @Test
    void erfLog1pExpm1AgainstReferenceValues() {
        double[] x = {-0.75, -0.5, 1e-10, 0.75, 3};
        reference("erf", x, -0.7111556336535151, -0.5204998778130465, 1.1283791670955126e-10, 0.7111556336535151, 0.9999779095030014);
        reference("log1p", x, -1.3862943611198906, -0.6931471805599453, 9.999999999500001e-11, 0.5596157879354227, 1.3862943611198906);
        reference("expm1", x, -0.5276334472589853, -0.3934693402873666, 1.00000000005e-10, 1.1170000166126748, 19.085536923187668);
        assertTensor(eval("log1p", f32(shape(3), -1, -2, Float.POSITIVE_INFINITY)), DType.F32, shape(3), Double.NEGATIVE_INFINITY, NAN,
                Double.POSITIVE_INFINITY);
        assertTensor(eval("expm1", f32(shape(3), Float.NEGATIVE_INFINITY, 100, -0f)), DType.F32, shape(3), -1, Double.POSITIVE_INFINITY, -0.0);
        assertEquals("'erf' needs a floating-point tensor, got i32[2]; convert it with .toF32()", error(() -> eval("erf", i32(shape(2), 1, 2))));
    }

    private static void reference(String op, double[] x, double... want) {
        Tensor f64 = eval(op, t(DType.F64, shape(x.length), x)), f32 = eval(op, t(DType.F32, shape(x.length), x));
        for (int i = 0; i < x.length; i++) {
            double got = f64.getDouble(i);
            assertTrue(Math.abs(Double.doubleToLongBits(got) - Double.doubleToLongBits(want[i])) <= 1, op + "(" + x[i] + ") = " + got + ", reference " + want[i]);
            assertEquals((float) want[i], (float) f32.getDouble(i), op + "(" + x[i] + ") in f32");
        }
    }

    @Test
    void closeValuesOnRankThree() {
        Tensor x = t(DType.F64, shape(1, 2, 2), 0, 1, -1, 2);
        assertClose(eval("tanh", x), 1e-15, 0, 0.7615941559557649, -0.7615941559557649, 0.9640275800758169);
    }
}
