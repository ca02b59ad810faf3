package dlm.compiler.ops;

import dlm.runtime.DType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * The vocabulary in which an element-wise op states the code of one element
 * ({@link ElementwiseOp#emit}), implemented by the code generator. It is the JVM's operand stack
 * with typed helpers, named here so that ops need no bytecode library: an emitter pushes its
 * operands, computes, and leaves the result in the output's {@link ScalarType}. What an emitter
 * writes is exactly the instruction sequence that runs, so bit tricks chosen for their machine
 * code (branch-free compares and selects) keep it.
 */
public interface ScalarCode {

    /** Plain stack instructions, named as in the JVM specification. */
    enum Insn {
        IADD, ISUB, INEG, IAND, IOR, IXOR, IUSHR, I2L,
        LSUB, LNEG, LAND, LOR, LUSHR, L2I, LCMP,
        FADD, FSUB, DADD, DSUB, DCMPL,
        DUP, DUP2, DUP2_X2, POP2, SWAP
    }

    /** Arithmetic that exists for each {@link ScalarType} (the JVM's I/L/F/D variants). */
    enum Arith { ADD, SUB, MUL, DIV, REM, NEG }

    /** Pushes operand {@code i} (in its dtype's scalar type). */
    ScalarCode operand(int i);

    ScalarCode insn(Insn insn);

    ScalarCode arith(ScalarType t, Arith a);

    ScalarCode iconst(int v);

    ScalarCode lconst(long v);

    ScalarCode fconst(float v);

    ScalarCode dconst(double v);

    /** A constant of a scalar type: ints and longs from {@code l}, floats and doubles from {@code d}. */
    default ScalarCode constant(ScalarType t, long l, double d) {
        return switch (t) {
            case INT -> iconst((int) l);
            case LONG -> lconst(l);
            case FLOAT -> fconst((float) d);
            case DOUBLE -> dconst(d);
        };
    }

    /** Java's primitive conversion of the value on the stack (nothing when the types are equal). */
    ScalarCode convert(ScalarType from, ScalarType to);

    /** Rounds a scalar-type value to what its dtype holds after arithmetic (u8 wraps, f16 rounds). */
    ScalarCode wrap(DType d);

    /** Calls a public static method; its descriptor is the method's own. */
    ScalarCode invoke(Method m);

    /** {@link #invoke(Method)} of {@code owner.name(params)}. */
    default ScalarCode invoke(Class<?> owner, String name, Class<?>... params) {
        Method m;
        try {
            m = owner.getMethod(name, params);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("no method " + owner.getName() + "." + name, e);
        }
        if (!Modifier.isStatic(m.getModifiers())) throw new IllegalArgumentException(m + " is not static");
        return invoke(m);
    }
}
