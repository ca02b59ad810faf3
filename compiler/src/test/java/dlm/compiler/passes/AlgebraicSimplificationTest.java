package dlm.compiler.passes;

import static dlm.compiler.passes.PassTestSupport.assertSameValues;
import static dlm.compiler.passes.PassTestSupport.assertWellFormed;
import static dlm.compiler.passes.PassTestSupport.evaluate;
import static dlm.compiler.passes.PassTestSupport.expr;
import static dlm.compiler.passes.PassTestSupport.f32;
import static dlm.compiler.passes.PassTestSupport.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.compiler.passes.PassTestSupport.Builder;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each rewrite on a small graph: the structure after the pass, and bit-identical values on random inputs. */
class AlgebraicSimplificationTest {

    /** Simplifies {@code b}'s graph once, checks output {@code out} prints as {@code expected} and computes the same bits. */
    private static Graph check(Builder b, String expected) {
        Graph after = new AlgebraicSimplification().apply(b.g);
        assertEquals(expected, expr(after, "out"));
        assertWellFormed(after);
        assertSameValues(b.g, after, 4, true);
        return after;
    }

    private static Builder withX(TensorType t) {
        Builder b = new Builder();
        b.input("x", t);
        return b;
    }

    private static Node x(Builder b) { return b.g.inputs().get(0); }

    @Test
    void multiplyingByOneIsTheIdentityOnEitherSide() {
        Builder b = withX(f32("batch", 3));
        b.out("out", b.op("mul", x(b), b.f(1)));
        check(b, "x");
        b = withX(f32("batch", 3));
        b.out("out", b.op("mul", b.f(1, 3), x(b)));
        check(b, "x");
    }

    @Test
    void addingOrSubtractingZeroIsTheIdentity() {
        Builder b = withX(f32("batch", 3));
        b.out("out", b.op("sub", b.op("add", b.f(0, 1, 3), b.op("add", x(b), b.f(0))), b.f(0, 3)));
        check(b, "x");
    }

    @Test
    void integerDivisionAndPowByOne() {
        Builder b = withX(type(DType.I32, "batch", 3));
        Node one = b.splat(DType.I32, 1);
        b.out("out", b.op("pow", b.op("div", x(b), one), one));
        check(b, "x");
        b = withX(f32(4));
        b.out("out", b.op("pow", b.op("div", x(b), b.f(1)), b.f(1, 4)));
        check(b, "x");
    }

    @Test
    void aNeutralOperandThatBroadcastsBecomesAnExplicitBroadcast() {
        // x[3] * ones[2, 3] is a [2, 3]: dropping the ones must keep that shape.
        Builder b = withX(f32(3));
        b.out("out", b.op("mul", x(b), b.f(1, 2, 3)));
        check(b, "broadcastTo(x){shape=[2, 3]}");
        // …also against a symbolic dim seen through a broadcastTo of a scalar 0
        b = withX(f32(3));
        Node y = b.input("y", f32("batch", 3)); // binds batch (inputs come first, as the checker creates them)
        Node zeros = b.op("broadcastTo", Attrs.of("shape", Shape.of(Dim.sym("batch"), Dim.of(3))), b.f(0));
        b.out("out", b.op("add", b.op("add", zeros, x(b)), y));
        check(b, "add(broadcastTo(x){shape=[batch, 3]}, y)");
    }

    @Test
    void minusOneBecomesNegOnlyWhenTheTypeIsKept() {
        Builder b = withX(f32("batch", 3));
        b.out("out", b.op("mul", b.f(-1, 3), x(b)));
        check(b, "neg(x)");
        // x[3] * -ones[2, 3] would need neg and a broadcast: left alone
        b = withX(f32(3));
        b.out("out", b.op("mul", x(b), b.f(-1, 2, 3)));
        check(b, "mul(x, -1.0[2,3])");
        // u8 has no -1 (a constant 255 is not one)
        b = withX(type(DType.U8, 3));
        b.out("out", b.op("mul", x(b), b.splat(DType.U8, 255)));
        check(b, "mul(x, 255)");
    }

    @Test
    void multiplyingByZeroIsNotSimplified() {
        Builder b = withX(f32(3));
        b.out("out", b.op("mul", x(b), b.f(0)));
        Graph after = check(b, "mul(x, 0.0)");
        // why: NaN * 0 is NaN, inf * 0 is NaN, -2 * 0 is -0.0
        Tensor special = Tensor.f32(Float.NaN, Float.POSITIVE_INFINITY, -2f);
        Tensor out = evaluate(after, new ParamStore(), Map.of("x", special)).get("out");
        assertTrue(Float.isNaN(out.f32Storage()[0]) && Float.isNaN(out.f32Storage()[1]));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(out.f32Storage()[2]));
    }

    @Test
    void negationsCancel() {
        Builder b = withX(f32("batch", 3));
        b.out("out", b.op("neg", b.op("neg", b.op("neg", b.op("neg", b.op("neg", x(b)))))));
        check(b, "neg(x)");
    }

    @Test
    void subtractingANegationAdds() {
        Builder b = withX(f32("batch", 3));
        Node y = b.input("y", f32(3));
        b.out("out", b.op("sub", x(b), b.op("neg", y)));
        check(b, "add(x, y)");
        b = withX(f32("batch", 3));
        y = b.input("y", f32(3));
        b.out("out", b.op("add", x(b), b.op("neg", y)));
        check(b, "sub(x, y)");
        b = withX(f32("batch", 3));
        y = b.input("y", f32(3));
        b.out("out", b.op("add", b.op("neg", y), x(b)));
        check(b, "sub(x, y)");
        // on wrapping integers too: u8 3 - neg(5) = 3 - 251 = 8 (mod 256)
        b = withX(type(DType.U8, 4));
        y = b.input("y", type(DType.U8, 4));
        b.out("out", b.op("sub", x(b), b.op("neg", y)));
        check(b, "add(x, y)");
    }

    @Test
    void idempotentOpsAndAbsOfNeg() {
        Builder b = withX(f32(2, 3));
        b.out("out", b.op("add", b.op("relu", b.op("relu", x(b))), b.op("abs", b.op("abs", b.op("neg", x(b))))));
        check(b, "add(relu(x), abs(x))");
        b = withX(f32(2, 3));
        b.out("out", b.op("sign", b.op("sign", x(b))));
        check(b, "sign(x)");
    }

    @Test
    void maximumOfAValueWithItselfAndWhereWithEqualBranches() {
        Builder b = withX(f32(2, 3));
        Node c = b.input("c", type(DType.BOOL, 4, 2, 3));
        b.out("out", b.op("where", c, b.op("maximum", x(b), x(b)), b.op("minimum", x(b), x(b))));
        check(b, "broadcastTo(x){shape=[4, 2, 3]}");
    }

    @Test
    void reshapeChainsCollapse() {
        // symbolic: [batch, 2, 3] -> [batch, -1] -> [batch, 3, 2] is one reshape
        Builder b = withX(f32("batch", 2, 3));
        Node flat = b.op("reshape", Attrs.of("shape", Shape.of(Dim.sym("batch"), Dim.of(1)), "inferAxis", 1), x(b));
        assertEquals(f32("batch", 6), flat.type());
        b.out("out", b.op("reshape", Attrs.of("shape", Shape.of(Dim.sym("batch"), Dim.of(3), Dim.of(2))), flat));
        check(b, "reshape(x){shape=[batch, 3, 2]}");
        // a reshape round trip is x
        b = withX(f32("batch", 2, 3));
        b.out("out", b.op("reshape", Attrs.of("shape", Shape.of(Dim.sym("batch"), Dim.of(2), Dim.of(3))),
                b.op("reshape", Attrs.of("shape", Shape.of(Dim.sym("batch"), Dim.of(6))), x(b))));
        check(b, "x");
        // a reshape to the same shape is x
        b = withX(f32(2, 3));
        b.out("out", b.op("reshape", Attrs.of("shape", Shape.of(2, 3)), x(b)));
        check(b, "x");
    }

    @Test
    void squeezeOfExpandDimsIsTheIdentity() {
        Builder b = withX(f32("batch", 3));
        b.out("out", b.op("squeeze", Attrs.of("axes", new int[] {1}), b.op("expandDims", Attrs.of("axis", 1), x(b))));
        check(b, "x");
        // expandDims of squeeze elsewhere is a single reshape
        b = withX(f32(2, 1, 3));
        b.out("out", b.op("expandDims", Attrs.of("axis", 0), b.op("squeeze", Attrs.of("axes", new int[] {1}), x(b))));
        check(b, "reshape(x){shape=[1, 2, 3]}");
    }

    @Test
    void transposesCompose() {
        Builder b = withX(f32(2, 3, 4));
        Node t1 = b.op("transpose", Attrs.of("perm", new int[] {1, 2, 0}), x(b));
        b.out("out", b.op("transpose", Attrs.of("perm", new int[] {1, 2, 0}), t1));
        check(b, "transpose(x){perm=[2, 0, 1]}");
        // x.T.T
        b = withX(f32("batch", 3));
        b.out("out", b.op("transpose", b.op("transpose", x(b))));
        check(b, "x");
        // the identity permutation
        b = withX(f32(2, 3));
        b.out("out", b.op("transpose", Attrs.of("perm", new int[] {0, 1}), x(b)));
        check(b, "x");
    }

    @Test
    void castsToTheSameDTypeOrThroughALosslessOneDisappear() {
        Builder b = withX(f32(2, 3));
        b.out("out", b.op("cast", Attrs.of("dtype", DType.F32), x(b)));
        check(b, "x");
        b = withX(f32(2, 3));
        b.out("out", b.op("cast", Attrs.of("dtype", DType.F32), b.op("cast", Attrs.of("dtype", DType.F64), x(b))));
        check(b, "x");
        // u8 -> f32 is exact, so u8 -> f32 -> i32 is u8 -> i32
        b = withX(type(DType.U8, 5));
        b.out("out", b.op("cast", Attrs.of("dtype", DType.I32), b.op("cast", Attrs.of("dtype", DType.F32), x(b))));
        check(b, "cast(x){dtype=i32}");
        // f32 -> i32 truncates: kept
        b = withX(f32(2, 3));
        b.out("out", b.op("cast", Attrs.of("dtype", DType.F32), b.op("cast", Attrs.of("dtype", DType.I32), x(b))));
        check(b, "cast(cast(x){dtype=i32}){dtype=f32}");
        // f64 -> f32 rounds: kept
        b = withX(type(DType.F64, 3));
        b.out("out", b.op("cast", Attrs.of("dtype", DType.F64), b.op("cast", Attrs.of("dtype", DType.F32), x(b))));
        check(b, "cast(cast(x){dtype=f32}){dtype=f64}");
    }

    @Test
    void losslessTable() {
        assertTrue(AlgebraicSimplification.lossless(DType.BOOL, DType.F16));
        assertTrue(AlgebraicSimplification.lossless(DType.U8, DType.F16));
        assertTrue(AlgebraicSimplification.lossless(DType.I32, DType.F64));
        assertTrue(!AlgebraicSimplification.lossless(DType.I32, DType.F32));
        assertTrue(!AlgebraicSimplification.lossless(DType.I64, DType.F64));
        assertTrue(!AlgebraicSimplification.lossless(DType.U8, DType.BOOL));
        assertTrue(!AlgebraicSimplification.lossless(DType.F32, DType.F16));
    }

    @Test
    void reductionsOverNoAxesOrSizeOneAxes() {
        Builder b = withX(f32("batch", 3));
        b.out("out", b.op("sum", Attrs.of("axes", new int[0]), x(b)));
        check(b, "x");
        // summing u8 over no axes widens to i32: a cast
        b = withX(type(DType.U8, "batch", 3));
        b.out("out", b.op("sum", Attrs.of("axes", new int[0]), x(b)));
        check(b, "cast(x){dtype=i32}");
        // over an axis of size 1: the same elements
        b = withX(f32("batch", 1, 3));
        b.out("out", b.op("sum", Attrs.of("axes", new int[] {1}, "keepdims", true), x(b)));
        check(b, "x");
        b = withX(f32("batch", 1, 3));
        b.out("out", b.op("max", Attrs.of("axes", new int[] {1}), x(b)));
        check(b, "reshape(x){shape=[batch, 3]}");
        // a real reduction stays
        b = withX(f32("batch", 2, 3));
        b.out("out", b.op("mean", Attrs.of("axes", new int[] {1}), x(b)));
        check(b, "mean(x){axes=[1]}");
    }

    @Test
    void broadcastsToTheSameShapeOrTwiceInARow() {
        Builder b = withX(f32("batch", 3));
        b.out("out", b.op("broadcastTo", Attrs.of("shape", Shape.of(Dim.sym("batch"), Dim.of(3))), x(b)));
        check(b, "x");
        b = withX(f32(3));
        Node once = b.op("broadcastTo", Attrs.of("shape", Shape.of(1, 3)), x(b));
        b.out("out", b.op("broadcastTo", Attrs.of("shape", Shape.of(4, 2, 3)), once));
        check(b, "broadcastTo(x){shape=[4, 2, 3]}");
    }

    @Test
    void addingZeroLosesOnlyTheSignOfANegativeZero() {
        Builder b = withX(f32(2));
        b.out("out", b.op("add", x(b), b.f(0)));
        Graph after = check(b, "x");
        Tensor negZero = Tensor.f32(-0f, 1f);
        Tensor before = evaluate(b.g, new ParamStore(), Map.of("x", negZero)).get("out");
        Tensor now = evaluate(after, new ParamStore(), Map.of("x", negZero)).get("out");
        assertEquals(0, Float.floatToRawIntBits(before.f32Storage()[0]));            // -0 + 0 = +0
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(now.f32Storage()[0]));
        assertTrue(now.f32Storage()[0] == 0f);                                         // equal as numbers
    }

    @Test
    void theReplacedNodesSpanAndNameMoveToItsReplacement() {
        Builder b = withX(f32(3));
        Node t1 = b.op("transpose", Attrs.of("perm", new int[] {0}), b.op("exp", x(b)));
        Node y = b.named("y", b.op("neg", b.op("neg", t1)));
        b.out("out", b.op("sub", y, b.op("neg", x(b))));
        Graph after = check(b, "add(exp(x), x)");
        Node out = after.output("out");
        assertEquals(b.g.output("out").span(), out.span());
        assertEquals("y", out.input(0).name());  // exp(x) was unnamed: it takes the name of the node it replaced
    }

    @Test
    void aFixedPointInOnePassOnChains() {
        // the rules see already-simplified inputs, so a chain collapses in one pass
        Builder b = withX(f32(2, 3));
        Node n = x(b);
        for (int i = 0; i < 6; i++) n = b.op("transpose", n);
        for (int i = 0; i < 5; i++) n = b.op("mul", b.op("add", n, b.f(0)), b.f(1));
        b.out("out", n);
        check(b, "x");
    }

}
