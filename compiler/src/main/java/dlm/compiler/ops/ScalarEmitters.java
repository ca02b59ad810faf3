package dlm.compiler.ops;

import static dlm.compiler.ops.ScalarCode.Insn.*;

import dlm.compiler.ops.ScalarCode.Arith;
import dlm.compiler.ops.ScalarCode.Insn;
import dlm.runtime.DType;
import dlm.runtime.exec.Scalar;

/**
 * The shared element code of the element-wise ops ({@link ScalarEmitter}s, used by their entries
 * in {@link ElementwiseOps}), in the {@link ScalarCode} vocabulary.
 *
 * <p>Each computes exactly what the op's reference evaluation computes (which works in double
 * or long and rounds once to the output dtype): f32 {@code + - * /}, {@code %}, sqrt and
 * comparisons give the same result in float as in double-then-round (the exact result of two
 * floats fits a double, so rounding it to float is float arithmetic's own rounding), so they run in
 * float; transcendental functions run in double and round; integer arithmetic wraps like the
 * interpreter's long arithmetic wrapped on store; casts follow {@code Tensor.setDouble/setLong}.
 */
final class ScalarEmitters {
    private ScalarEmitters() {}

    /** a op b in the output's scalar type, wrapped to its dtype (integer division by zero throws, located at the node). */
    static ScalarEmitter arith(Arith a) {
        return (c, out, t, a2) -> c.operand(0).operand(1).arith(ScalarType.of(out), a).wrap(out);
    }

    /** Math.max or Math.min of the scalar type (NaN-propagating on floats, as the reference). */
    static ScalarEmitter minMax(String method) {
        return (c, out, t, a) -> {
            Class<?> j = ScalarType.of(out).javaClass;
            c.operand(0).operand(1).invoke(Math.class, method, j, j);
        };
    }

    /** x^y: Math.pow in double for floating dtypes, {@link Scalar#pow} (exact, wrapping) on integers. */
    static final ScalarEmitter POW = (c, out, t, a) -> {
        ScalarType j = ScalarType.of(out);
        ScalarType w = out.isFloating() ? ScalarType.DOUBLE : ScalarType.LONG;
        c.operand(0).convert(j, w).operand(1).convert(j, w)
                .invoke(out.isFloating() ? Math.class : Scalar.class, "pow", w.javaClass, w.javaClass).convert(w, j).wrap(out);
    };

    /** A static double function (Math.exp, Scalar.sigmoid, …) applied in double and rounded to the dtype. */
    static ScalarEmitter inDouble(Class<?> owner, String method) {
        return (c, out, t, a) -> {
            ScalarType j = ScalarType.of(out);
            c.operand(0).convert(j, ScalarType.DOUBLE).invoke(owner, method, double.class).convert(ScalarType.DOUBLE, j).wrap(out);
        };
    }

    /** A static function of the scalar type itself, e.g. Math.abs(int) or Math.abs(float). */
    static ScalarEmitter sameType(Class<?> owner, String method) {
        return (c, out, t, a) -> c.operand(0).invoke(owner, method, ScalarType.of(out).javaClass);
    }

    static final ScalarEmitter NEG = (c, out, t, a) -> { // exact in every floating dtype; u8 wraps
        c.operand(0).arith(ScalarType.of(out), Arith.NEG);
        if (out == DType.U8) c.wrap(out);
    };

    static final ScalarEmitter RELU = (c, out, t, a) -> {
        ScalarType j = ScalarType.of(out);
        c.operand(0).constant(j, 0, 0.0).invoke(Math.class, "max", j.javaClass, j.javaClass);
    };

    static final ScalarEmitter SQUARE = (c, out, t, a) -> c.operand(0).operand(0).arith(ScalarType.of(out), Arith.MUL).wrap(out);

    static final ScalarEmitter SIGN = (c, out, t, a) -> {
        ScalarType j = ScalarType.of(out);
        c.operand(0);
        switch (j) {
            case INT -> c.invoke(Integer.class, "signum", int.class);
            case LONG -> c.invoke(Long.class, "signum", long.class).insn(I2L);
            default -> c.invoke(Math.class, "signum", j.javaClass);
        }
    };

    /** Logic on bool operands held as int 0/1. */
    static ScalarEmitter logic(Insn insn) { return (c, out, t, a) -> c.operand(0).operand(1).insn(insn); }

    static final ScalarEmitter NOT = (c, out, t, a) -> c.operand(0).iconst(1).insn(IXOR);

    /** oneHot(labels): operand 0 is the label (broadcast along the new last axis), operand 1 that axis's index. */
    static final ScalarEmitter ONE_HOT = (c, out, t, a) -> {
        ScalarType lj = ScalarType.of(t[0]);
        ScalarType oj = ScalarType.of(out);
        c.operand(0).operand(1).convert(ScalarType.INT, lj);
        c.insn(lj == ScalarType.LONG ? LCMP : IXOR); // zero iff label == index
        nonZero(c);
        c.iconst(1).insn(IXOR).convert(ScalarType.INT, oj); // 1 or 0, exact in every dtype
    };

    /**
     * A comparison giving bool (int 0/1), without branches (a data-dependent branch in a loop
     * mispredicts on half of the elements of, say, a relu mask). Ints compare as the sign of their
     * difference in a long; longs go through LCMP, whose -1/0/1 result is mapped to 0/1 with shifts.
     * Floats and doubles do not use FCMP/DCMP: C2 compiles those to a compare followed by
     * conditional jumps (x86 has no conditional move into a vector register), which measured 7 ns
     * an element on a random relu mask against under 1 ns for the bit arithmetic of
     * {@link #floatGreater}. Every ordered comparison with NaN is false and != is true, as IEEE (and
     * the interpreter) say.
     */
    static ScalarEmitter compare(String name) {
        return (c, out, t, a) -> {
            switch (ScalarType.of(t[0])) {
                case INT -> {
                    // lt(a, b) = sign bit of (long) a - b; the others from lt and equality
                    switch (name) {
                        case "less" -> ltInt(c, 0, 1);
                        case "greater" -> ltInt(c, 1, 0);
                        case "greaterEqual" -> { ltInt(c, 0, 1); c.iconst(1).insn(IXOR); }
                        case "lessEqual" -> { ltInt(c, 1, 0); c.iconst(1).insn(IXOR); }
                        case "equal" -> { c.operand(0).operand(1).insn(IXOR); nonZero(c); c.iconst(1).insn(IXOR); }
                        case "notEqual" -> { c.operand(0).operand(1).insn(IXOR); nonZero(c); }
                        default -> throw new IllegalStateException(name);
                    }
                }
                case LONG -> {
                    c.operand(0).operand(1).insn(LCMP);
                    // r in {-1, 0, 1}
                    switch (name) {
                        case "greater" -> c.iconst(1).insn(IADD).iconst(1).insn(IUSHR);           // r == 1
                        case "greaterEqual" -> c.iconst(31).insn(IUSHR).iconst(1).insn(IXOR);      // r != -1
                        case "less" -> c.iconst(31).insn(IUSHR);                                   // r == -1
                        case "lessEqual" -> c.iconst(1).insn(ISUB).iconst(31).insn(IUSHR);         // r != 1
                        case "equal" -> { nonZero(c); c.iconst(1).insn(IXOR); }                    // r == 0
                        case "notEqual" -> nonZero(c);                                             // r != 0
                        default -> throw new IllegalStateException(name);
                    }
                }
                case FLOAT, DOUBLE -> {
                    boolean d = ScalarType.of(t[0]) == ScalarType.DOUBLE;
                    switch (name) {
                        case "greater" -> floatGreater(c, d, 0, 1);
                        case "less" -> floatGreater(c, d, 1, 0);
                        case "greaterEqual" -> floatGreaterEqual(c, d, 0, 1);
                        case "lessEqual" -> floatGreaterEqual(c, d, 1, 0);
                        case "equal" -> { floatGreaterEqual(c, d, 0, 1); floatGreaterEqual(c, d, 1, 0); c.insn(IAND); }
                        case "notEqual" -> { floatGreaterEqual(c, d, 0, 1); floatGreaterEqual(c, d, 1, 0); c.insn(IAND).iconst(1).insn(IXOR); }
                        default -> throw new IllegalStateException(name);
                    }
                }
            }
        };
    }

    /**
     * Pushes 1 if x > y else 0 (floats or doubles), from the bits of {@code s = (y - x) + 0}: x > y
     * exactly when s is negative and not NaN. The difference of two different finite values is
     * never zero (gradual underflow) and rounding keeps its sign; {@code + 0} turns the one -0 case
     * (y = -0, x = +0, not greater) into +0; equal infinities and NaN operands give NaN, which x86
     * makes with the sign bit set, hence the NaN test on the magnitude.
     */
    private static void floatGreater(ScalarCode c, boolean dbl, int x, int y) {
        c.operand(y).operand(x);
        if (dbl) {
            c.insn(DSUB).dconst(0).insn(DADD).invoke(Double.class, "doubleToRawLongBits", double.class);
            c.insn(DUP2).iconst(63).insn(LUSHR).insn(DUP2_X2).insn(POP2);
            c.lconst(Long.MAX_VALUE).insn(LAND).lconst(0x7ff0000000000001L).insn(LSUB).iconst(63).insn(LUSHR).insn(LAND).insn(L2I);
        } else {
            c.insn(FSUB).fconst(0).insn(FADD).invoke(Float.class, "floatToRawIntBits", float.class);
            c.insn(DUP).iconst(31).insn(IUSHR).insn(SWAP);
            c.iconst(0x7fffffff).insn(IAND).iconst(0x7f800001).insn(ISUB).iconst(31).insn(IUSHR).insn(IAND);
        }
    }

    /** Pushes 1 if x >= y else 0: neither is NaN and not y > x. */
    private static void floatGreaterEqual(ScalarCode c, boolean dbl, int x, int y) {
        floatGreater(c, dbl, y, x);
        c.iconst(1).insn(IXOR);
        notNaN(c, dbl, x);
        c.insn(IAND);
        notNaN(c, dbl, y);
        c.insn(IAND);
    }

    /** Pushes 1 unless operand x is NaN: its magnitude bits are at most those of infinity. */
    private static void notNaN(ScalarCode c, boolean dbl, int x) {
        c.operand(x);
        if (dbl) {
            c.invoke(Double.class, "doubleToRawLongBits", double.class);
            c.lconst(Long.MAX_VALUE).insn(LAND).lconst(0x7ff0000000000001L).insn(LSUB).iconst(63).insn(LUSHR).insn(L2I);
        } else {
            c.invoke(Float.class, "floatToRawIntBits", float.class);
            c.iconst(0x7fffffff).insn(IAND).iconst(0x7f800001).insn(ISUB).iconst(31).insn(IUSHR);
        }
    }

    /** Pushes 1 if operand a < operand b (ints), else 0: the sign of their exact difference. */
    private static void ltInt(ScalarCode c, int a, int b) {
        c.operand(a).insn(I2L).operand(b).insn(I2L).insn(LSUB).iconst(63).insn(LUSHR).insn(L2I);
    }

    /** [int x] → 1 if x != 0 else 0: the sign bit of x | -x. */
    private static void nonZero(ScalarCode c) {
        c.insn(DUP).insn(INEG).insn(IOR).iconst(31).insn(IUSHR);
    }

    /**
     * {@code where(c, a, b)} as a bit select, without a branch: with m = -c (all ones when c is 1),
     * {@code (a & m) | (b & ~m)} on the raw bits (floats through their IEEE bits, exactly copied).
     */
    static final ScalarEmitter SELECT = (c, out, t, attrs) -> {
        ScalarType j = ScalarType.of(out);
        boolean wide = j == ScalarType.LONG || j == ScalarType.DOUBLE;
        // mask = -c, and its complement c - 1
        c.operand(1);
        toBits(c, j);
        c.operand(0);
        if (wide) c.insn(I2L).insn(LNEG).insn(LAND);
        else c.insn(INEG).insn(IAND);
        c.operand(2);
        toBits(c, j);
        c.operand(0);
        if (wide) c.insn(I2L).lconst(1).insn(LSUB).insn(LAND).insn(LOR);
        else c.iconst(1).insn(ISUB).insn(IAND).insn(IOR);
        fromBits(c, j);
    };

    private static void toBits(ScalarCode c, ScalarType j) {
        if (j == ScalarType.FLOAT) c.invoke(Float.class, "floatToRawIntBits", float.class);
        else if (j == ScalarType.DOUBLE) c.invoke(Double.class, "doubleToRawLongBits", double.class);
    }

    private static void fromBits(ScalarCode c, ScalarType j) {
        if (j == ScalarType.FLOAT) c.invoke(Float.class, "intBitsToFloat", int.class);
        else if (j == ScalarType.DOUBLE) c.invoke(Double.class, "longBitsToDouble", long.class);
    }

    /**
     * A conversion with the interpreter's semantics: integer/bool to integer/bool goes through
     * long (wrapping), everything else through double: floats to integers truncate to long and
     * then wrap, anything to bool is {@code != 0} (NaN is true), i64 to f32 rounds via double.
     */
    static final ScalarEmitter CAST = (c, to, t, attrs) -> {
        DType from = t[0];
        ScalarType fj = ScalarType.of(from);
        c.operand(0);
        if (from == to) return;
        boolean exact = !from.isFloating() && !to.isFloating();
        if (exact) {
            // value as long (u8 already zero-extended, bool 0/1), then store semantics of `to`
            switch (to) {
                case BOOL -> {
                    if (fj == ScalarType.LONG) c.lconst(0).insn(LCMP);
                    nonZero(c);
                }
                case U8 -> c.convert(fj, ScalarType.INT).iconst(0xFF).insn(IAND);
                case I32 -> c.convert(fj, ScalarType.INT);
                case I64 -> c.convert(fj, ScalarType.LONG);
                default -> throw new IllegalStateException();
            }
            return;
        }
        ScalarType d = ScalarType.DOUBLE;
        c.convert(fj, d);
        switch (to) {
            case F64 -> {}
            case F32 -> c.convert(d, ScalarType.FLOAT);
            case F16 -> c.convert(d, ScalarType.FLOAT).wrap(DType.F16);
            case I64 -> c.convert(d, ScalarType.LONG);
            case I32 -> c.convert(d, ScalarType.LONG).convert(ScalarType.LONG, ScalarType.INT);
            case U8 -> c.convert(d, ScalarType.LONG).convert(ScalarType.LONG, ScalarType.INT).iconst(0xFF).insn(IAND);
            case BOOL -> { c.dconst(0).insn(DCMPL); nonZero(c); } // NaN compares as -1: true
        }
    };
}
