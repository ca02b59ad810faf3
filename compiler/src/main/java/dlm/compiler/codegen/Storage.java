package dlm.compiler.codegen;

import static org.objectweb.asm.Opcodes.*;

import dlm.runtime.DType;

/** The Java array type that stores a dtype's elements (as {@link dlm.runtime.Tensor} does). */
enum Storage {
    BYTE("[B", BALOAD, BASTORE),
    SHORT("[S", SALOAD, SASTORE),
    INT("[I", IALOAD, IASTORE),
    LONG("[J", LALOAD, LASTORE),
    FLOAT("[F", FALOAD, FASTORE),
    DOUBLE("[D", DALOAD, DASTORE);

    final String desc;
    final int aload, astore;

    Storage(String desc, int aload, int astore) {
        this.desc = desc;
        this.aload = aload;
        this.astore = astore;
    }

    static Storage of(DType d) {
        return switch (d) {
            case BOOL, U8 -> BYTE;
            case F16 -> SHORT;
            case I32 -> INT;
            case I64 -> LONG;
            case F32 -> FLOAT;
            case F64 -> DOUBLE;
        };
    }

    Object allocate(int n) {
        return switch (this) {
            case BYTE -> new byte[n];
            case SHORT -> new short[n];
            case INT -> new int[n];
            case LONG -> new long[n];
            case FLOAT -> new float[n];
            case DOUBLE -> new double[n];
        };
    }
}
