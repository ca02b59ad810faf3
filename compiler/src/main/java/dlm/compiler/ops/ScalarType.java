package dlm.compiler.ops;

import dlm.runtime.DType;

/**
 * The JVM type an element of each dtype is computed in by generated code: bool, u8 and i32 in an
 * int, i64 in a long, f16 and f32 in a float, f64 in a double.
 */
public enum ScalarType {
    INT(int.class), LONG(long.class), FLOAT(float.class), DOUBLE(double.class);

    /** The Java primitive class, for method signatures ({@link ScalarCode#invoke}). */
    public final Class<?> javaClass;

    ScalarType(Class<?> javaClass) { this.javaClass = javaClass; }

    public static ScalarType of(DType d) {
        return switch (d) {
            case BOOL, U8, I32 -> INT;
            case I64 -> LONG;
            case F16, F32 -> FLOAT;
            case F64 -> DOUBLE;
        };
    }
}
