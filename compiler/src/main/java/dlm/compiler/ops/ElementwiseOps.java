package dlm.compiler.ops;

import static dlm.compiler.ops.BinaryOp.Kind.EQUALITY;
import static dlm.compiler.ops.BinaryOp.Kind.ORDER;

/**
 * The element-wise ops, one table entry each: the scalar function on doubles (floating dtypes,
 * rounded once to the dtype on store) and on longs (integer and bool dtypes, exact, wrapping to
 * the dtype on store). Shapes broadcast as in NumPy ({@link Broadcast}); dtypes never promote.
 */
final class ElementwiseOps {
    private ElementwiseOps() {}

    static void register() {
        // Arithmetic: same numeric dtype in and out. Integer / and % follow Kotlin (truncating),
        // and so does % on floats (IEEE fmod, the sign of the dividend), unlike NumPy's floored mod.
        OpRegistry.register(BinaryOp.arithmetic("add", (a, b) -> a + b, (a, b) -> a + b));
        OpRegistry.register(BinaryOp.arithmetic("sub", (a, b) -> a - b, (a, b) -> a - b));
        OpRegistry.register(BinaryOp.arithmetic("mul", (a, b) -> a * b, (a, b) -> a * b));
        OpRegistry.register(BinaryOp.arithmetic("div", (a, b) -> a / b, IntegerMath::div));
        OpRegistry.register(BinaryOp.arithmetic("mod", (a, b) -> a % b, IntegerMath::rem));
        OpRegistry.register(BinaryOp.arithmetic("pow", Math::pow, IntegerMath::pow));
        // Math.max/min propagate NaN, as NumPy's maximum/minimum do.
        OpRegistry.register(BinaryOp.arithmetic("maximum", Math::max, Math::max));
        OpRegistry.register(BinaryOp.arithmetic("minimum", Math::min, Math::min));

        // Comparisons: bool out; IEEE semantics on floats (every comparison with NaN is false but !=).
        OpRegistry.register(BinaryOp.comparison("less", ORDER, (a, b) -> a < b, (a, b) -> a < b));
        OpRegistry.register(BinaryOp.comparison("lessEqual", ORDER, (a, b) -> a <= b, (a, b) -> a <= b));
        OpRegistry.register(BinaryOp.comparison("greater", ORDER, (a, b) -> a > b, (a, b) -> a > b));
        OpRegistry.register(BinaryOp.comparison("greaterEqual", ORDER, (a, b) -> a >= b, (a, b) -> a >= b));
        OpRegistry.register(BinaryOp.comparison("equal", EQUALITY, (a, b) -> a == b, (a, b) -> a == b));
        OpRegistry.register(BinaryOp.comparison("notEqual", EQUALITY, (a, b) -> a != b, (a, b) -> a != b));

        // Logic on bool (stored as 0/1).
        OpRegistry.register(BinaryOp.logic("and", (a, b) -> a != 0 && b != 0));
        OpRegistry.register(BinaryOp.logic("or", (a, b) -> a != 0 || b != 0));
        OpRegistry.register(UnaryOp.logic("not", x -> x == 0 ? 1 : 0));

        // Numeric unary ops keep the dtype; on integers they wrap like Java (neg of u8 3 is 253).
        OpRegistry.register(UnaryOp.numeric("neg", x -> -x, x -> -x));
        OpRegistry.register(UnaryOp.numeric("abs", Math::abs, Math::abs));
        OpRegistry.register(UnaryOp.numeric("relu", x -> Math.max(x, 0.0), x -> Math.max(x, 0L)));
        OpRegistry.register(UnaryOp.numeric("square", x -> x * x, x -> x * x));
        OpRegistry.register(UnaryOp.numeric("sign", Math::signum, Long::signum));

        // Transcendental ops: floating dtypes only.
        OpRegistry.register(UnaryOp.floating("exp", Math::exp));
        OpRegistry.register(UnaryOp.floating("log", Math::log));
        OpRegistry.register(UnaryOp.floating("sqrt", Math::sqrt));
        OpRegistry.register(UnaryOp.floating("tanh", Math::tanh));
        OpRegistry.register(UnaryOp.floating("sigmoid", ElementwiseOps::sigmoid));
        OpRegistry.register(UnaryOp.floating("sin", Math::sin));
        OpRegistry.register(UnaryOp.floating("cos", Math::cos));

        OpRegistry.register(new WhereOp());
        OpRegistry.register(new CastOp());
    }

    /**
     * 1 / (1 + e^-x), evaluated so that exp never overflows: for negative x the equivalent
     * e^x / (1 + e^x) is used, which also keeps tiny results accurate instead of rounding to 0 early.
     */
    static double sigmoid(double x) {
        if (x >= 0) return 1 / (1 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1 + e);
    }
}
