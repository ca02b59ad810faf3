package dlm.compiler.ops;

import static dlm.compiler.ops.BinaryOp.Kind.EQUALITY;
import static dlm.compiler.ops.BinaryOp.Kind.ORDER;
import static dlm.compiler.ops.ScalarCode.Arith.*;
import static dlm.compiler.ops.ScalarCode.Insn.IAND;
import static dlm.compiler.ops.ScalarCode.Insn.IOR;
import static dlm.compiler.ops.ScalarEmitters.arith;
import static dlm.compiler.ops.ScalarEmitters.inDouble;
import static dlm.compiler.ops.ScalarEmitters.logic;
import static dlm.compiler.ops.ScalarEmitters.minMax;
import static dlm.compiler.ops.ScalarEmitters.sameType;
import static dlm.compiler.ops.Spelling.call;
import static dlm.compiler.ops.Spelling.infix;
import static dlm.compiler.ops.Spelling.prefix;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Node;
import dlm.runtime.Tensor;
import dlm.runtime.exec.Scalar;

/**
 * The element-wise ops, one table entry each, holding everything about the op: its spelling in
 * DLM source, the scalar function on doubles (floating dtypes, rounded once to the dtype on store)
 * and on longs (integer and bool dtypes, exact, wrapping to the dtype on store), its
 * vector-Jacobian product and the code of one element ({@link ScalarEmitters}). Shapes broadcast as in NumPy
 * ({@link Broadcast}); dtypes never promote.
 */
final class ElementwiseOps {
    private ElementwiseOps() {}

    static void register() {
        // Arithmetic: same numeric dtype in and out. Integer / and % follow Kotlin (truncating),
        // and so does % on floats (IEEE fmod, the sign of the dividend), unlike NumPy's floored mod.
        // Each entry ends with its VJP: the cotangent of each operand before it is summed back
        // over the axes it was broadcast along (binary(...) does that).
        OpRegistry.register(BinaryOp.arithmetic("add", infix("+"), (a, b) -> a + b, (a, b) -> a + b,
                binary((out, x, y, g, d) -> g, (out, x, y, g, d) -> g), arith(ADD)));
        OpRegistry.register(BinaryOp.arithmetic("sub", infix("-"), (a, b) -> a - b, (a, b) -> a - b,
                binary((out, x, y, g, d) -> g, (out, x, y, g, d) -> d.neg(g)), arith(SUB)));
        OpRegistry.register(BinaryOp.arithmetic("mul", infix("*"), (a, b) -> a * b, (a, b) -> a * b,
                binary((out, x, y, g, d) -> d.mul(g, y), (out, x, y, g, d) -> d.mul(g, x)), arith(MUL)));
        // d(x/y)/dy = -x/y² = -out/y
        OpRegistry.register(BinaryOp.arithmetic("div", infix("/"), (a, b) -> a / b, IntegerMath::div,
                binary((out, x, y, g, d) -> d.div(g, y), (out, x, y, g, d) -> d.neg(d.div(d.mul(g, out), y))), arith(DIV)));
        // fmod(x, y) = x - trunc(x/y)·y, so d/dx = 1 and d/dy = -trunc(x/y) = -(x - out)/y
        // (away from the jumps at integer x/y, where it has no derivative).
        OpRegistry.register(BinaryOp.arithmetic("mod", infix("%"), (a, b) -> a % b, IntegerMath::rem,
                binary((out, x, y, g, d) -> g, (out, x, y, g, d) -> d.neg(d.mul(g, d.div(d.sub(x, out), y)))), arith(REM)));
        // d/dx = y·x^(y-1) (0 where y = 0, as in PyTorch); d/dy = out·log(x), taken as 0 where x = 0
        // (the limit for y > 0) and NaN for x < 0, where x^y is not differentiable in y.
        OpRegistry.register(BinaryOp.arithmetic("pow", call("pow"), Math::pow, IntegerMath::pow,
                binary(ElementwiseOps::powBase, (out, x, y, g, d) -> {
                    Node safe = d.where(d.equal(x, d.scalarLike(0, x)), d.scalarLike(1, x), x);
                    return d.mul(g, d.mul(out, d.log(safe)));
                }), ScalarEmitters.POW));
        // Math.max/min propagate NaN, as NumPy's maximum/minimum do. Ties split the cotangent
        // half and half between the operands, as PyTorch and JAX do (NaN gets none).
        OpRegistry.register(BinaryOp.arithmetic("maximum", call("maximum"), Math::max, Math::max,
                binary((out, x, y, g, d) -> winner(d, d.greater(x, y), x, y, g), (out, x, y, g, d) -> winner(d, d.greater(y, x), x, y, g)),
                minMax("max")));
        OpRegistry.register(BinaryOp.arithmetic("minimum", call("minimum"), Math::min, Math::min,
                binary((out, x, y, g, d) -> winner(d, d.less(x, y), x, y, g), (out, x, y, g, d) -> winner(d, d.less(y, x), x, y, g)),
                minMax("min")));

        // Comparisons: bool out; IEEE semantics on floats (every comparison with NaN is false but !=).
        OpRegistry.register(BinaryOp.comparison("less", infix("<"), ORDER, (a, b) -> a < b, (a, b) -> a < b));
        OpRegistry.register(BinaryOp.comparison("lessEqual", infix("<="), ORDER, (a, b) -> a <= b, (a, b) -> a <= b));
        OpRegistry.register(BinaryOp.comparison("greater", infix(">"), ORDER, (a, b) -> a > b, (a, b) -> a > b));
        OpRegistry.register(BinaryOp.comparison("greaterEqual", infix(">="), ORDER, (a, b) -> a >= b, (a, b) -> a >= b));
        OpRegistry.register(BinaryOp.comparison("equal", infix("=="), EQUALITY, (a, b) -> a == b, (a, b) -> a == b));
        OpRegistry.register(BinaryOp.comparison("notEqual", infix("!="), EQUALITY, (a, b) -> a != b, (a, b) -> a != b));

        // Logic on bool (stored as 0/1).
        OpRegistry.register(BinaryOp.logic("and", infix("&&"), (a, b) -> a != 0 && b != 0, logic(IAND)));
        OpRegistry.register(BinaryOp.logic("or", infix("||"), (a, b) -> a != 0 || b != 0, logic(IOR)));
        OpRegistry.register(UnaryOp.logic("not", prefix("!"), x -> x == 0 ? 1 : 0, ScalarEmitters.NOT));

        // Numeric unary ops keep the dtype; on integers they wrap like Java (neg of u8 3 is 253).
        // At the kinks, abs and relu take the subgradient 0 (as PyTorch): sign(0) = 0, relu'(0) = 0.
        OpRegistry.register(UnaryOp.numeric("neg", prefix("-"), x -> -x, x -> -x, unary((out, x, g, d) -> d.neg(g)), ScalarEmitters.NEG));
        OpRegistry.register(UnaryOp.numeric("abs", Math::abs, Math::abs, unary((out, x, g, d) -> d.mul(g, d.sign(x))), sameType(Math.class, "abs")));
        // relu's rule reads its output, as PyTorch's threshold_backward does: out > 0 exactly when
        // x > 0 (NaN included: max(NaN, 0) is NaN), and then the pre-activation is not needed by
        // the backward pass, so the code generator can fuse a dense layer's bias and relu into its
        // matrix product's epilogue without storing x.
        OpRegistry.register(UnaryOp.numeric("relu", x -> Math.max(x, 0.0), x -> Math.max(x, 0L),
                unary((out, x, g, d) -> d.maskWhere(d.greater(out, d.scalarLike(0, x)), g)), ScalarEmitters.RELU));
        OpRegistry.register(UnaryOp.numeric("square", x -> x * x, x -> x * x, unary((out, x, g, d) -> d.mul(g, d.scale(x, 2))), ScalarEmitters.SQUARE));
        // sign is piecewise constant: a zero cotangent (null), so nothing flows through it.
        OpRegistry.register(UnaryOp.numeric("sign", Math::signum, Long::signum, unary((out, x, g, d) -> null), ScalarEmitters.SIGN));
        // stopGradient: the identity whose cotangent is zero (TensorFlow's stop_gradient, PyTorch's
        // detach): what it reads is a constant to autodiff, so an optimizer never moves a param
        // seen only through it (normalization's adapted mean and variance).
        OpRegistry.register(UnaryOp.numeric("stopGradient", x -> x, x -> x, unary((out, x, g, d) -> null), (c, out, t, a) -> c.operand(0)));

        // Transcendental ops: floating dtypes only, computed in double by the same static method
        // in the reference evaluation and in generated code.
        OpRegistry.register(UnaryOp.floating("exp", Math::exp, unary((out, x, g, d) -> d.mul(g, out)), inDouble(Math.class, "exp")));
        OpRegistry.register(UnaryOp.floating("log", Math::log, unary((out, x, g, d) -> d.div(g, x)), inDouble(Math.class, "log")));
        OpRegistry.register(UnaryOp.floating("sqrt", Math::sqrt, unary((out, x, g, d) -> d.div(g, d.scale(out, 2))), inDouble(Math.class, "sqrt")));
        OpRegistry.register(UnaryOp.floating("tanh", Math::tanh, unary((out, x, g, d) -> d.mul(g, d.sub(d.scalarLike(1, x), d.square(out)))),
                inDouble(Math.class, "tanh")));
        OpRegistry.register(UnaryOp.floating("sigmoid", Scalar::sigmoid,
                unary((out, x, g, d) -> d.mul(g, d.mul(out, d.sub(d.scalarLike(1, x), out)))), inDouble(Scalar.class, "sigmoid")));
        OpRegistry.register(UnaryOp.floating("sin", Math::sin, unary((out, x, g, d) -> d.mul(g, d.cos(x))), inDouble(Math.class, "sin")));
        OpRegistry.register(UnaryOp.floating("cos", Math::cos, unary((out, x, g, d) -> d.neg(d.mul(g, d.sin(x)))), inDouble(Math.class, "cos")));
        // log(1 + x), accurate for tiny x; its derivative 1/(1 + x)
        OpRegistry.register(UnaryOp.floating("log1p", Math::log1p, unary((out, x, g, d) -> d.div(g, d.add(d.scalarLike(1, x), x))),
                inDouble(Math.class, "log1p")));
        // e^x − 1, accurate for tiny x; its derivative e^x (from x, not from out + 1, which loses
        // the relative accuracy of e^x for very negative x)
        OpRegistry.register(UnaryOp.floating("expm1", Math::expm1, unary((out, x, g, d) -> d.mul(g, d.exp(x))), inDouble(Math.class, "expm1")));
        // erf'(x) = 2/√π·e^(−x²)
        OpRegistry.register(UnaryOp.floating("erf", Scalar::erf,
                unary((out, x, g, d) -> d.mul(g, d.scale(d.exp(d.neg(d.square(x))), 2 / Math.sqrt(Math.PI)))), inDouble(Scalar.class, "erf")));

        OpRegistry.register(new WhereOp());
        OpRegistry.register(new CastOp());
    }

    // ---- VJP helpers -----------------------------------------------------------------------------

    /** The cotangent of one operand of a binary op, before un-broadcasting (null: zero). */
    @FunctionalInterface
    interface Partial { Node of(Node out, Node x, Node y, Node g, GradBuilder d); }

    /** A unary op's input cotangent (null: zero). */
    @FunctionalInterface
    interface UnaryPartial { Node of(Node out, Node x, Node g, GradBuilder d); }

    /** A binary VJP from its two partials, each summed back to its operand's shape. */
    static VjpRule binary(Partial dx, Partial dy) {
        return (n, g, d) -> {
            Node x = n.input(0), y = n.input(1);
            return d.perInput(() -> unbroadcast(d, dx.of(n, x, y, g, d), x), () -> unbroadcast(d, dy.of(n, x, y, g, d), y));
        };
    }

    private static Node unbroadcast(GradBuilder d, Node g, Node input) { return g == null ? null : d.unbroadcast(g, input); }

    static VjpRule unary(UnaryPartial dx) {
        return (n, g, d) -> d.perInput(() -> dx.of(n, n.input(0), g, d));
    }

    /** The cotangent share of a max/min operand: all of g where it wins, half where the operands tie. */
    private static Node winner(GradBuilder d, Node wins, Node x, Node y, Node g) {
        Node zero = d.scalarLike(0, g);
        return d.where(wins, g, d.where(d.equal(x, y), d.scale(g, 0.5), zero));
    }

    /**
     * d(x^y)/dx = y·x^(y-1), with 0 where y = 0 (so that 0^0 has derivative 0, not NaN). A
     * constant exponent is folded: pow(x, 2) differentiates to g·2·x^1 with no mask.
     */
    private static Node powBase(Node out, Node x, Node y, Node g, GradBuilder d) {
        if (y.is("constant")) {
            Tensor c = y.attrs().getTensor("value"), cm1 = Tensor.zeros(c.dtype(), c.shape());
            boolean anyZero = false;
            for (int i = 0; i < c.size(); i++) {
                cm1.setDouble(i, c.getDouble(i) - 1);
                anyZero |= c.getDouble(i) == 0;
            }
            if (!anyZero) return d.mul(g, d.mul(y, d.pow(x, d.constant(cm1))));
        }
        Node dx = d.mul(y, d.pow(x, d.sub(y, d.scalarLike(1, y))));
        return d.mul(g, d.where(d.equal(y, d.scalarLike(0, y)), d.scalarLike(0, y), dx));
    }
}
