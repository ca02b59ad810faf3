package dlm.compiler.codegen;

import static org.objectweb.asm.Opcodes.*;

import dlm.runtime.DType;
import java.util.function.Consumer;
import org.objectweb.asm.Label;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.MethodNode;

/**
 * A small typed layer over ASM for emitting one method (in the spirit of airlift's
 * {@code bytecode}): typed locals, constants, element loads and stores by dtype, conversions,
 * counted loops and line numbers, so that the code generator says what it computes rather than
 * which opcodes it needs. Code goes into a {@link MethodNode}, so exception ranges can be added
 * after the code they cover.
 */
final class Code {
    final MethodNode mn;
    private int nextLocal;

    /** A typed local variable slot. */
    record Local(int slot, JType type, String desc) {}

    Code(MethodNode mn, int firstFreeLocal) {
        this.mn = mn;
        this.nextLocal = firstFreeLocal;
    }

    // ---- locals ------------------------------------------------------------------------------

    Local newLocal(JType t) {
        Local l = new Local(nextLocal, t, t.desc);
        nextLocal += t.slots;
        return l;
    }

    Local newRef(String desc) {
        Local l = new Local(nextLocal, JType.REF, desc);
        nextLocal += 1;
        return l;
    }

    Code load(Local l) { mn.visitVarInsn(l.type().load, l.slot()); return this; }

    Code store(Local l) { mn.visitVarInsn(l.type().store, l.slot()); return this; }

    Code loadThis() { mn.visitVarInsn(ALOAD, 0); return this; }

    // ---- constants ---------------------------------------------------------------------------

    Code iconst(int v) {
        if (v >= -1 && v <= 5) mn.visitInsn(ICONST_0 + v);
        else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) mn.visitIntInsn(BIPUSH, v);
        else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) mn.visitIntInsn(SIPUSH, v);
        else mn.visitLdcInsn(v);
        return this;
    }

    Code lconst(long v) {
        if (v == 0 || v == 1) mn.visitInsn(LCONST_0 + (int) v);
        else mn.visitLdcInsn(v);
        return this;
    }

    Code fconst(float v) {
        if (Float.floatToRawIntBits(v) == 0 || v == 1f || v == 2f) mn.visitInsn(FCONST_0 + (int) v);
        else mn.visitLdcInsn(v);
        return this;
    }

    Code dconst(double v) {
        if (Double.doubleToRawLongBits(v) == 0 || v == 1.0) mn.visitInsn(DCONST_0 + (int) v);
        else mn.visitLdcInsn(v);
        return this;
    }

    Code sconst(String s) { mn.visitLdcInsn(s); return this; }

    Code bconst(boolean b) { return iconst(b ? 1 : 0); }

    /** A constant of a compute type: ints and longs from {@code l}, floats and doubles from {@code d}. */
    Code constant(JType t, long l, double d) {
        return switch (t) {
            case INT -> iconst((int) l);
            case LONG -> lconst(l);
            case FLOAT -> fconst((float) d);
            case DOUBLE -> dconst(d);
            case REF -> throw new IllegalStateException();
        };
    }

    // ---- plain instructions --------------------------------------------------------------------

    Code insn(int opcode) { mn.visitInsn(opcode); return this; }

    /** An arithmetic opcode for a compute type, given its int variant (IADD, ISUB, IMUL, IDIV, IREM, INEG). */
    Code arith(JType t, int intOpcode) { mn.visitInsn(t.op(intOpcode)); return this; }

    Code invokeStatic(String owner, String name, String desc) {
        mn.visitMethodInsn(INVOKESTATIC, owner, name, desc, false);
        return this;
    }

    Code invokeStatic(Class<?> owner, String name, String desc) { return invokeStatic(Type.getInternalName(owner), name, desc); }

    Code getField(String owner, String name, String desc) { mn.visitFieldInsn(GETFIELD, owner, name, desc); return this; }

    Code putField(String owner, String name, String desc) { mn.visitFieldInsn(PUTFIELD, owner, name, desc); return this; }

    Code checkcast(String internalOrDesc) { mn.visitTypeInsn(CHECKCAST, internalOrDesc); return this; }

    Code label(Label l) { mn.visitLabel(l); return this; }

    Code jump(int opcode, Label l) { mn.visitJumpInsn(opcode, l); return this; }

    Code line(int line) {
        if (line > 0) {
            Label l = new Label();
            mn.visitLabel(l);
            mn.visitLineNumber(line, l);
        }
        return this;
    }

    // ---- conversions between compute types ---------------------------------------------------

    /** Converts the value on the stack from one compute type to another (Java's primitive casts). */
    Code convert(JType from, JType to) {
        if (from == to) return this;
        int op = switch (from) {
            case INT -> switch (to) { case LONG -> I2L; case FLOAT -> I2F; case DOUBLE -> I2D; default -> -1; };
            case LONG -> switch (to) { case INT -> L2I; case FLOAT -> L2F; case DOUBLE -> L2D; default -> -1; };
            case FLOAT -> switch (to) { case INT -> F2I; case LONG -> F2L; case DOUBLE -> F2D; default -> -1; };
            case DOUBLE -> switch (to) { case INT -> D2I; case LONG -> D2L; case FLOAT -> D2F; default -> -1; };
            case REF -> -1;
        };
        if (op < 0) throw new IllegalArgumentException(from + " -> " + to);
        mn.visitInsn(op);
        return this;
    }

    // ---- elements of dtype storage -------------------------------------------------------------

    /** [array, index] → element in its compute type (u8 zero-extended, f16 widened to float). */
    Code loadElement(DType d) {
        mn.visitInsn(Storage.of(d).aload);
        if (d == DType.U8) iconst(0xFF).insn(IAND);
        else if (d == DType.F16) invokeStatic(Float.class, "float16ToFloat", "(S)F");
        return this;
    }

    /** [array, index, value in compute type] → stored (u8/bool narrowed, f16 rounded to half bits). */
    Code storeElement(DType d) {
        if (d == DType.U8 || d == DType.BOOL) insn(I2B);
        else if (d == DType.F16) invokeStatic(Float.class, "floatToFloat16", "(F)S");
        mn.visitInsn(Storage.of(d).astore);
        return this;
    }

    /** Rounds a compute-type value to what its dtype can hold after arithmetic (u8 wraps; f16 rounds). */
    Code wrap(DType d) {
        if (d == DType.U8) iconst(0xFF).insn(IAND);
        else if (d == DType.F16) invokeStatic(dlm.runtime.exec.Scalar.class, "roundF16", "(F)F");
        return this;
    }

    // ---- control flow --------------------------------------------------------------------------

    /** {@code for (i = 0; i < n; i++) body} with a fresh int local, passed to the body. */
    void forLoop(int n, Consumer<Local> body) {
        Local i = newLocal(JType.INT);
        forLoop(i, n, () -> body.accept(i));
    }

    /** {@code for (i = 0; i < n; i++) body}: the loop shape C2 recognises as counted. */
    void forLoop(Local i, int n, Runnable body) {
        Label test = new Label(), top = new Label();
        iconst(0).store(i);
        jump(GOTO, test);
        label(top);
        body.run();
        mn.visitIincInsn(i.slot(), 1);
        label(test);
        load(i).iconst(n).jump(IF_ICMPLT, top);
    }

    /** {@code for (i = lo; i < hi; i++) body}, with the bounds in int locals. */
    void forRange(Local i, Local lo, Local hi, Runnable body) {
        Label test = new Label(), top = new Label();
        load(lo).store(i);
        jump(GOTO, test);
        label(top);
        body.run();
        mn.visitIincInsn(i.slot(), 1);
        label(test);
        load(i).load(hi).jump(IF_ICMPLT, top);
    }

    /** {@code cond ? then : else} where {@code jumpIfFalse} jumps when the condition on the stack fails. */
    void ifElse(int jumpIfFalse, Runnable then, Runnable otherwise) {
        Label no = new Label(), end = new Label();
        jump(jumpIfFalse, no);
        then.run();
        jump(GOTO, end);
        label(no);
        otherwise.run();
        label(end);
    }

    /** Pushes 1 if the comparison opcode (a jump taken when true) holds, else 0. */
    Code boolOf(int jumpIfTrue) {
        Label yes = new Label(), end = new Label();
        jump(jumpIfTrue, yes);
        iconst(0);
        jump(GOTO, end);
        label(yes);
        iconst(1);
        label(end);
        return this;
    }
}
