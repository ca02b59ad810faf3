package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.runtime.DType;

/**
 * An op computed element by element: besides its type rule, reference evaluation and VJP
 * ({@link Op}), it states the code of one element ({@link #emit}), whether its operands broadcast,
 * and how it is evaluated on compile-time numbers. The code generator fuses any chain of these
 * into one loop; the checker's builtins and the source printer come from their {@link #spelling}.
 */
public interface ElementwiseOp extends Op {

    /**
     * Emits one element: operands through {@link ScalarCode#operand} (in the scalar types of
     * {@code in}), the result left in {@code ScalarType.of(out)}. It must compute exactly what
     * {@link #eval} stores, bit for bit.
     */
    void emit(ScalarCode c, DType out, DType[] in, Attrs attrs);

    /** How many operands it takes. */
    int arity();

    /**
     * The op on compile-time numbers (the same function as {@link #eval} on doubles), for
     * {@code sigmoid(0.5)} in DLM source: whether numbers apply (not to logic or casts).
     */
    default boolean appliesToNumbers() { return false; }

    /** The op's double function on compile-time numbers (one per operand). */
    default double onNumbers(double... args) { throw new UnsupportedOperationException(name() + " on numbers"); }

    /** Whether Int numbers give an Int ({@code abs(-3)} is 3, {@code exp(1)} is a Float). */
    default boolean keepsInts() { return false; }
}
