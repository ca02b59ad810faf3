package dlm.compiler.codegen;

import static org.objectweb.asm.Opcodes.*;

import dlm.runtime.DType;

/**
 * The JVM types generated code computes in: an element of each DLM dtype lives in a local of its
 * compute type (bool, u8 and i32 in an int, i64 in a long, f16 and f32 in a float, f64 in a double).
 */
enum JType {
    INT("I", 1, ILOAD, ISTORE),
    LONG("J", 2, LLOAD, LSTORE),
    FLOAT("F", 1, FLOAD, FSTORE),
    DOUBLE("D", 2, DLOAD, DSTORE),
    REF("Ljava/lang/Object;", 1, ALOAD, ASTORE);

    final String desc;
    final int slots;
    final int load, store;

    JType(String desc, int slots, int load, int store) {
        this.desc = desc;
        this.slots = slots;
        this.load = load;
        this.store = store;
    }

    static JType compute(DType d) {
        return switch (d) {
            case BOOL, U8, I32 -> INT;
            case I64 -> LONG;
            case F16, F32 -> FLOAT;
            case F64 -> DOUBLE;
        };
    }

    /** The opcode for this type among the four int/long/float/double variants (e.g. IADD, LADD, FADD, DADD). */
    int op(int intOpcode) {
        return switch (this) {
            case INT -> intOpcode;
            case LONG -> intOpcode + 1;
            case FLOAT -> intOpcode + 2;
            case DOUBLE -> intOpcode + 3;
            case REF -> throw new IllegalStateException("no arithmetic on references");
        };
    }
}
