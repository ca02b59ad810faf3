package dlm.compiler.ops;

import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;

/**
 * The dtype checks shared by the element-wise, reduction and nn ops, so that every op words
 * the same violation the same way (the checker shows these messages to users verbatim).
 */
final class TypeRules {
    private TypeRules() {}

    /** Arity is fixed by the op, so a wrong count is a caller bug, but a readable one. */
    static void arity(String op, List<?> inputs, int n) {
        if (inputs.size() != n) throw new ShapeException("'" + op + "' takes " + n + " input" + (n == 1 ? "" : "s") + ", got " + inputs.size());
    }

    /** Element-wise ops never promote: {@code f32 + i32} must be written with an explicit conversion. */
    static void sameDType(TensorType a, TensorType b) {
        if (a.dtype() != b.dtype()) throw new ShapeException("dtype mismatch: " + a + " and " + b);
    }

    static void numericOperand(String op, TensorType t) {
        if (t.dtype().isBool()) throw new ShapeException("'" + op + "' needs numeric operands, got " + t);
    }

    static void numericTensor(String op, TensorType t) {
        if (t.dtype().isBool()) throw new ShapeException("'" + op + "' needs a numeric tensor, got " + t);
    }

    static void boolOperand(String op, TensorType t) {
        if (!t.dtype().isBool()) throw new ShapeException("'" + op + "' needs bool operands, got " + t);
    }

    /** Transcendental functions have no integer meaning; the hint names the DLM conversion. */
    static void floating(String op, TensorType t) {
        if (!t.dtype().isFloating())
            throw new ShapeException("'" + op + "' needs a floating-point tensor, got " + t + "; convert it with .toF32()");
    }

    /** The type of a concrete tensor, for eval-time messages worded like the static ones. */
    static TensorType typeOf(Tensor t) { return TensorType.of(t.dtype(), t.shape()); }

    /** The types of concrete tensors: eval re-runs its op's type rule on them before computing. */
    static List<TensorType> typesOf(List<Tensor> ts) { return ts.stream().map(TypeRules::typeOf).toList(); }

    /**
     * Whether element values of this dtype must travel as longs rather than doubles:
     * integers (i64 beyond 2^53 is not exact in a double) and bool.
     */
    static boolean exact(DType d) { return !d.isFloating(); }

    /** Copies one element between tensors of the same dtype without any rounding. */
    static void copyElement(Tensor from, int i, Tensor to, int j) {
        if (exact(from.dtype())) to.setLong(j, from.getLong(i));
        else to.setDouble(j, from.getDouble(i));
    }
}
