package dlm.compiler.codegen;

import static org.objectweb.asm.Opcodes.*;

import dlm.compiler.codegen.Code.Local;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ops.ElementwiseOp;
import dlm.compiler.ops.OpRegistry;
import dlm.compiler.ops.ScalarCode;
import dlm.compiler.ops.ScalarType;
import dlm.runtime.DType;
import java.lang.reflect.Method;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The code generation of every element-wise op: each {@link ElementwiseOp} states the code of one
 * element in the {@link ScalarCode} vocabulary, which this class turns into bytecode through
 * {@link Code}, one instruction for one word, with the operands in locals of their compute type
 * ({@link JType}).
 */
final class ScalarOps implements ScalarCode {
    private final Code c;
    private final Local[] in;

    private ScalarOps(Code c, Local[] in) {
        this.c = c;
        this.in = in;
    }

    /** Whether the registry has an element-wise op of this name (one the fused loops compute). */
    static boolean has(String op) { return OpRegistry.has(op) && OpRegistry.get(op) instanceof ElementwiseOp; }

    /** Emits one element of an op: operands in {@code in} (compute types of {@code inTypes}). */
    static void emit(Code c, String op, DType out, DType[] inTypes, Local[] in, Attrs attrs) {
        if (!(OpRegistry.has(op) && OpRegistry.get(op) instanceof ElementwiseOp e))
            throw new IllegalArgumentException("no element-wise code generation for '" + op + "'");
        e.emit(new ScalarOps(c, in), out, inTypes, attrs);
    }

    /** The JVM opcode of each {@link Insn}, found by its name in ASM's {@link Opcodes}. */
    private static final int[] OPCODES = new int[Insn.values().length];

    static {
        for (Insn i : Insn.values()) {
            try {
                OPCODES[i.ordinal()] = Opcodes.class.getField(i.name()).getInt(null);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError("no JVM instruction " + i);
            }
        }
    }

    private static JType j(ScalarType t) { return JType.valueOf(t.name()); }

    @Override
    public ScalarCode operand(int i) { c.load(in[i]); return this; }

    @Override
    public ScalarCode insn(Insn insn) { c.insn(OPCODES[insn.ordinal()]); return this; }

    @Override
    public ScalarCode arith(ScalarType t, Arith a) {
        c.arith(j(t), switch (a) {
            case ADD -> IADD;
            case SUB -> ISUB;
            case MUL -> IMUL;
            case DIV -> IDIV;
            case REM -> IREM;
            case NEG -> INEG;
        });
        return this;
    }

    @Override
    public ScalarCode iconst(int v) { c.iconst(v); return this; }

    @Override
    public ScalarCode lconst(long v) { c.lconst(v); return this; }

    @Override
    public ScalarCode fconst(float v) { c.fconst(v); return this; }

    @Override
    public ScalarCode dconst(double v) { c.dconst(v); return this; }

    @Override
    public ScalarCode convert(ScalarType from, ScalarType to) { c.convert(j(from), j(to)); return this; }

    @Override
    public ScalarCode wrap(DType d) { c.wrap(d); return this; }

    @Override
    public ScalarCode invoke(Method m) {
        c.invokeStatic(Type.getInternalName(m.getDeclaringClass()), m.getName(), Type.getMethodDescriptor(m));
        return this;
    }
}
