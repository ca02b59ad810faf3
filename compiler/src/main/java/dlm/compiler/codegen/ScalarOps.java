package dlm.compiler.codegen;

import static org.objectweb.asm.Opcodes.*;

import dlm.compiler.codegen.Code.Local;
import dlm.compiler.ir.Attrs;
import dlm.runtime.DType;
import dlm.runtime.exec.Scalar;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The code generation of every element-wise op: one table entry per op that emits the scalar
 * computation of one element, on operands held in locals of their compute type ({@link JType}),
 * leaving the result on the stack in the output's compute type.
 *
 * <p>Each entry computes exactly what the op's reference evaluation computes (which works in double
 * or long and rounds once to the output dtype): f32 {@code + - * /}, {@code %}, sqrt and
 * comparisons give the same result in float as in double-then-round (the exact result of two
 * floats fits a double, so rounding it to float is float arithmetic's own rounding), so they run in
 * float; transcendental functions run in double and round; integer arithmetic wraps like the
 * interpreter's long arithmetic wrapped on store; casts follow {@code Tensor.setDouble/setLong}.
 */
final class ScalarOps {
    private ScalarOps() {}

    /** Emits one element of an op: operands in {@code in} (compute types of {@code inTypes}). */
    @FunctionalInterface
    interface Emitter {
        void emit(Code c, DType out, DType[] inTypes, Local[] in, Attrs attrs);
    }

    private static final Map<String, Emitter> OPS = new HashMap<>();

    /** Ops whose inputs broadcast to the output (binary ops, where); unary ops and cast keep the shape. */
    static final Set<String> BROADCASTING = Set.of("add", "sub", "mul", "div", "mod", "pow", "maximum", "minimum",
            "less", "lessEqual", "greater", "greaterEqual", "equal", "notEqual", "and", "or", "where");

    static boolean has(String op) { return OPS.containsKey(op); }

    static void emit(Code c, String op, DType out, DType[] inTypes, Local[] in, Attrs attrs) {
        Emitter e = OPS.get(op);
        if (e == null) throw new IllegalArgumentException("no element-wise code generation for '" + op + "'");
        e.emit(c, out, inTypes, in, attrs);
    }

    static {
        arith("add", IADD);
        arith("sub", ISUB);
        arith("mul", IMUL);
        arith("div", IDIV);   // integer division by zero throws ArithmeticException, located at the node
        arith("mod", IREM);
        OPS.put("pow", (c, out, t, in, a) -> {
            JType j = JType.compute(out);
            if (out.isFloating()) {
                c.load(in[0]).convert(j, JType.DOUBLE).load(in[1]).convert(j, JType.DOUBLE)
                        .invokeStatic(Math.class, "pow", "(DD)D").convert(JType.DOUBLE, j).wrap(out);
            } else {
                c.load(in[0]).convert(j, JType.LONG).load(in[1]).convert(j, JType.LONG)
                        .invokeStatic(Scalar.class, "pow", "(JJ)J").convert(JType.LONG, j).wrap(out);
            }
        });
        minMax("maximum", "max");
        minMax("minimum", "min");

        compare("less");
        compare("lessEqual");
        compare("greater");
        compare("greaterEqual");
        compare("equal");
        compare("notEqual");

        OPS.put("and", (c, out, t, in, a) -> c.load(in[0]).load(in[1]).insn(IAND));
        OPS.put("or", (c, out, t, in, a) -> c.load(in[0]).load(in[1]).insn(IOR));
        OPS.put("not", (c, out, t, in, a) -> c.load(in[0]).iconst(1).insn(IXOR));

        OPS.put("neg", (c, out, t, in, a) -> { // exact in every floating dtype; u8 wraps
            c.load(in[0]).arith(JType.compute(out), INEG);
            if (out == DType.U8) c.wrap(out);
        });
        OPS.put("abs", (c, out, t, in, a) -> {
            JType j = JType.compute(out);
            c.load(in[0]).invokeStatic(Math.class, "abs", "(" + j.desc + ")" + j.desc);
        });
        OPS.put("relu", (c, out, t, in, a) -> {
            JType j = JType.compute(out);
            c.load(in[0]).constant(j, 0, 0.0).invokeStatic(Math.class, "max", "(" + j.desc + j.desc + ")" + j.desc);
        });
        OPS.put("square", (c, out, t, in, a) -> c.load(in[0]).load(in[0]).arith(JType.compute(out), IMUL).wrap(out));
        OPS.put("sign", (c, out, t, in, a) -> {
            JType j = JType.compute(out);
            c.load(in[0]);
            switch (j) {
                case INT -> c.invokeStatic(Integer.class, "signum", "(I)I");
                case LONG -> c.invokeStatic(Long.class, "signum", "(J)I").insn(I2L);
                default -> c.invokeStatic(Math.class, "signum", "(" + j.desc + ")" + j.desc);
            }
        });
        for (String f : new String[] {"exp", "log", "sqrt", "tanh", "sin", "cos"}) transcendental(f, Math.class, f);
        transcendental("sigmoid", Scalar.class, "sigmoid");

        OPS.put("where", (c, out, t, in, a) -> select(c, out, in[0], in[1], in[2]));
        OPS.put("cast", (c, out, t, in, a) -> cast(c, t[0], out, in[0]));
        // oneHot(labels) reads its label (broadcast along the new last axis) and that axis's index
        OPS.put("oneHot", ScalarOps::oneHot);
    }

    private static void oneHot(Code c, DType out, DType[] t, Local[] in, Attrs a) {
        JType lj = JType.compute(t[0]);
        JType oj = JType.compute(out);
        c.load(in[0]).load(in[1]).convert(JType.INT, lj);
        c.insn(lj == JType.LONG ? LCMP : IXOR); // zero iff label == index
        nonZero(c);
        c.iconst(1).insn(IXOR).convert(JType.INT, oj); // 1 or 0, exact in every dtype
    }

    private static void arith(String name, int intOpcode) {
        OPS.put(name, (c, out, t, in, a) -> c.load(in[0]).load(in[1]).arith(JType.compute(out), intOpcode).wrap(out));
    }

    private static void minMax(String name, String method) {
        OPS.put(name, (c, out, t, in, a) -> {
            JType j = JType.compute(out);
            c.load(in[0]).load(in[1]).invokeStatic(Math.class, method, "(" + j.desc + j.desc + ")" + j.desc);
        });
    }

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
    private static void compare(String name) {
        OPS.put(name, (c, out, t, in, a) -> {
            JType j = JType.compute(t[0]);
            switch (j) {
                case INT -> {
                    // lt(a, b) = sign bit of (long) a - b; the others from lt and equality
                    switch (name) {
                        case "less" -> ltInt(c, in[0], in[1]);
                        case "greater" -> ltInt(c, in[1], in[0]);
                        case "greaterEqual" -> { ltInt(c, in[0], in[1]); c.iconst(1).insn(IXOR); }
                        case "lessEqual" -> { ltInt(c, in[1], in[0]); c.iconst(1).insn(IXOR); }
                        case "equal" -> { c.load(in[0]).load(in[1]).insn(IXOR); nonZero(c); c.iconst(1).insn(IXOR); }
                        case "notEqual" -> { c.load(in[0]).load(in[1]).insn(IXOR); nonZero(c); }
                        default -> throw new IllegalStateException(name);
                    }
                }
                case LONG -> {
                    c.load(in[0]).load(in[1]).insn(LCMP);
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
                    boolean d = j == JType.DOUBLE;
                    Local x = in[0], y = in[1];
                    switch (name) {
                        case "greater" -> floatGreater(c, d, x, y);
                        case "less" -> floatGreater(c, d, y, x);
                        case "greaterEqual" -> floatGreaterEqual(c, d, x, y);
                        case "lessEqual" -> floatGreaterEqual(c, d, y, x);
                        case "equal" -> { floatGreaterEqual(c, d, x, y); floatGreaterEqual(c, d, y, x); c.insn(IAND); }
                        case "notEqual" -> { floatGreaterEqual(c, d, x, y); floatGreaterEqual(c, d, y, x); c.insn(IAND).iconst(1).insn(IXOR); }
                        default -> throw new IllegalStateException(name);
                    }
                }
                case REF -> throw new IllegalStateException();
            }
        });
    }

    /**
     * Pushes 1 if x > y else 0 (floats or doubles), from the bits of {@code s = (y - x) + 0}: x > y
     * exactly when s is negative and not NaN. The difference of two different finite values is
     * never zero (gradual underflow) and rounding keeps its sign; {@code + 0} turns the one -0 case
     * (y = -0, x = +0, not greater) into +0; equal infinities and NaN operands give NaN, which x86
     * makes with the sign bit set, hence the NaN test on the magnitude.
     */
    private static void floatGreater(Code c, boolean dbl, Local x, Local y) {
        c.load(y).load(x);
        if (dbl) {
            c.insn(DSUB).dconst(0).insn(DADD).invokeStatic(Double.class, "doubleToRawLongBits", "(D)J");
            c.insn(DUP2).iconst(63).insn(LUSHR).insn(DUP2_X2).insn(POP2);
            c.lconst(Long.MAX_VALUE).insn(LAND).lconst(0x7ff0000000000001L).insn(LSUB).iconst(63).insn(LUSHR).insn(LAND).insn(L2I);
        } else {
            c.insn(FSUB).fconst(0).insn(FADD).invokeStatic(Float.class, "floatToRawIntBits", "(F)I");
            c.insn(DUP).iconst(31).insn(IUSHR).insn(SWAP);
            c.iconst(0x7fffffff).insn(IAND).iconst(0x7f800001).insn(ISUB).iconst(31).insn(IUSHR).insn(IAND);
        }
    }

    /** Pushes 1 if x >= y else 0: neither is NaN and not y > x. */
    private static void floatGreaterEqual(Code c, boolean dbl, Local x, Local y) {
        floatGreater(c, dbl, y, x);
        c.iconst(1).insn(IXOR);
        notNaN(c, dbl, x);
        c.insn(IAND);
        notNaN(c, dbl, y);
        c.insn(IAND);
    }

    /** Pushes 1 unless x is NaN: its magnitude bits are at most those of infinity. */
    private static void notNaN(Code c, boolean dbl, Local x) {
        c.load(x);
        if (dbl) {
            c.invokeStatic(Double.class, "doubleToRawLongBits", "(D)J");
            c.lconst(Long.MAX_VALUE).insn(LAND).lconst(0x7ff0000000000001L).insn(LSUB).iconst(63).insn(LUSHR).insn(L2I);
        } else {
            c.invokeStatic(Float.class, "floatToRawIntBits", "(F)I");
            c.iconst(0x7fffffff).insn(IAND).iconst(0x7f800001).insn(ISUB).iconst(31).insn(IUSHR);
        }
    }

    /** Pushes 1 if a < b (ints), else 0: the sign of their exact difference. */
    private static void ltInt(Code c, Local a, Local b) {
        c.load(a).insn(I2L).load(b).insn(I2L).insn(LSUB).iconst(63).insn(LUSHR).insn(L2I);
    }

    /** [int x] → 1 if x != 0 else 0: the sign bit of x | -x. */
    private static void nonZero(Code c) {
        c.insn(DUP).insn(INEG).insn(IOR).iconst(31).insn(IUSHR);
    }

    /**
     * {@code where(c, a, b)} as a bit select, without a branch: with m = -c (all ones when c is 1),
     * {@code (a & m) | (b & ~m)} on the raw bits (floats through their IEEE bits, exactly copied).
     */
    private static void select(Code c, DType out, Local cond, Local a, Local b) {
        JType j = JType.compute(out);
        boolean wide = j == JType.LONG || j == JType.DOUBLE;
        Runnable bitsA = () -> { c.load(a); toBits(c, j); };
        Runnable bitsB = () -> { c.load(b); toBits(c, j); };
        // mask = -c, and its complement c - 1
        bitsA.run();
        c.load(cond);
        if (wide) c.insn(I2L).insn(LNEG).insn(LAND);
        else c.insn(INEG).insn(IAND);
        bitsB.run();
        c.load(cond);
        if (wide) c.insn(I2L).lconst(1).insn(LSUB).insn(LAND).insn(LOR);
        else c.iconst(1).insn(ISUB).insn(IAND).insn(IOR);
        fromBits(c, j);
    }

    private static void toBits(Code c, JType j) {
        if (j == JType.FLOAT) c.invokeStatic(Float.class, "floatToRawIntBits", "(F)I");
        else if (j == JType.DOUBLE) c.invokeStatic(Double.class, "doubleToRawLongBits", "(D)J");
    }

    private static void fromBits(Code c, JType j) {
        if (j == JType.FLOAT) c.invokeStatic(Float.class, "intBitsToFloat", "(I)F");
        else if (j == JType.DOUBLE) c.invokeStatic(Double.class, "longBitsToDouble", "(J)D");
    }

    private static void transcendental(String name, Class<?> owner, String method) {
        OPS.put(name, (c, out, t, in, a) -> {
            JType j = JType.compute(out);
            c.load(in[0]).convert(j, JType.DOUBLE).invokeStatic(owner, method, "(D)D").convert(JType.DOUBLE, j).wrap(out);
        });
    }

    /**
     * A conversion with the interpreter's semantics: integer/bool to integer/bool goes through
     * long (wrapping), everything else through double: floats to integers truncate to long and
     * then wrap, anything to bool is {@code != 0} (NaN is true), i64 to f32 rounds via double.
     */
    static void cast(Code c, DType from, DType to, Local x) {
        JType fj = JType.compute(from), tj = JType.compute(to);
        c.load(x);
        if (from == to) return;
        boolean exact = !from.isFloating() && !to.isFloating();
        if (exact) {
            // value as long (u8 already zero-extended, bool 0/1), then store semantics of `to`
            switch (to) {
                case BOOL -> {
                    if (fj == JType.LONG) c.lconst(0).insn(LCMP);
                    nonZero(c);
                }
                case U8 -> { c.convert(fj, JType.INT).iconst(0xFF).insn(IAND); }
                case I32 -> c.convert(fj, JType.INT);
                case I64 -> c.convert(fj, JType.LONG);
                default -> throw new IllegalStateException();
            }
            return;
        }
        c.convert(fj, JType.DOUBLE);
        switch (to) {
            case F64 -> {}
            case F32 -> c.convert(JType.DOUBLE, JType.FLOAT);
            case F16 -> c.convert(JType.DOUBLE, JType.FLOAT).wrap(DType.F16);
            case I64 -> c.convert(JType.DOUBLE, JType.LONG);
            case I32 -> c.convert(JType.DOUBLE, JType.LONG).convert(JType.LONG, JType.INT);
            case U8 -> c.convert(JType.DOUBLE, JType.LONG).convert(JType.LONG, JType.INT).iconst(0xFF).insn(IAND);
            case BOOL -> { c.dconst(0).insn(DCMPL); nonZero(c); } // NaN compares as -1: true
        }
    }
}
