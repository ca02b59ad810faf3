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

        compare("less", IF_ICMPLT, IFLT, FCMPG);
        compare("lessEqual", IF_ICMPLE, IFLE, FCMPG);
        compare("greater", IF_ICMPGT, IFGT, FCMPL);
        compare("greaterEqual", IF_ICMPGE, IFGE, FCMPL);
        compare("equal", IF_ICMPEQ, IFEQ, FCMPL);
        compare("notEqual", IF_ICMPNE, IFNE, FCMPL);

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

        OPS.put("where", (c, out, t, in, a) -> {
            c.load(in[0]);
            c.ifElse(IFEQ, () -> c.load(in[1]), () -> c.load(in[2]));
        });
        OPS.put("cast", (c, out, t, in, a) -> cast(c, t[0], out, in[0]));
        // oneHot(labels) reads its label (broadcast along the new last axis) and that axis's index
        OPS.put("oneHot", ScalarOps::oneHot);
    }

    private static void oneHot(Code c, DType out, DType[] t, Local[] in, Attrs a) {
        JType lj = JType.compute(t[0]);
        JType oj = JType.compute(out);
        c.load(in[0]).load(in[1]).convert(JType.INT, lj);
        if (lj == JType.LONG) {
            c.insn(LCMP);
            c.ifElse(IFNE, () -> c.constant(oj, 1, 1.0), () -> c.constant(oj, 0, 0.0));
        } else {
            c.ifElse(IF_ICMPNE, () -> c.constant(oj, 1, 1.0), () -> c.constant(oj, 0, 0.0));
        }
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
     * A comparison giving bool (int 0/1). For floats, the NaN-biased compare makes every ordered
     * comparison with NaN false and != true, as IEEE (and the interpreter) say.
     */
    private static void compare(String name, int intJump, int cmpJump, int floatCmp) {
        OPS.put(name, (c, out, t, in, a) -> {
            JType j = JType.compute(t[0]);
            c.load(in[0]).load(in[1]);
            switch (j) {
                case INT -> c.boolOf(intJump);
                case LONG -> c.insn(LCMP).boolOf(cmpJump);
                case FLOAT -> c.insn(floatCmp).boolOf(cmpJump);
                case DOUBLE -> c.insn(floatCmp == FCMPG ? DCMPG : DCMPL).boolOf(cmpJump);
                case REF -> throw new IllegalStateException();
            }
        });
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
                    c.boolOf(IFNE);
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
            case BOOL -> c.dconst(0).insn(DCMPL).boolOf(IFNE);
        }
    }
}
