package dlm.runtime;

/**
 * The element types of DLM tensors. Names are the ones used in DLM source ({@code f32}).
 * Floating types are stored in their own width (f16 as IEEE half bits), integers exactly.
 */
public enum DType {
    BOOL("bool", "bool", 1, false, false),
    U8("u8", "uint8", 1, false, true),
    I32("i32", "int32", 4, false, true),
    I64("i64", "int64", 8, false, true),
    F16("f16", "float16", 2, true, true),
    F32("f32", "float32", 4, true, true),
    F64("f64", "float64", 8, true, true);

    private final String dlmName;
    private final String numpyName;
    private final int bytes;
    private final boolean floating;
    private final boolean numeric;

    DType(String dlmName, String numpyName, int bytes, boolean floating, boolean numeric) {
        this.dlmName = dlmName;
        this.numpyName = numpyName;
        this.bytes = bytes;
        this.floating = floating;
        this.numeric = numeric;
    }

    /** The name in DLM source, e.g. {@code f32}. */
    public String dlmName() { return dlmName; }

    /** The NumPy name, e.g. {@code float32} (used for .npy files and printing). */
    public String numpyName() { return numpyName; }

    public int bytes() { return bytes; }

    public boolean isFloating() { return floating; }

    public boolean isInteger() { return numeric && !floating; }

    public boolean isBool() { return this == BOOL; }

    /** Parses a DLM dtype name; returns null when it is not one. */
    public static DType fromDlmName(String name) {
        for (DType t : values()) if (t.dlmName.equals(name)) return t;
        return null;
    }

    /**
     * Rounds a double to the nearest value representable in this dtype, the way a store into
     * this dtype's storage would. Integers truncate toward zero and wrap like a Java cast from long.
     */
    public double round(double v) {
        return switch (this) {
            case BOOL -> v != 0 ? 1 : 0;
            case U8 -> ((long) v) & 0xFF;
            case I32 -> (int) (long) v;
            case I64 -> (double) (long) v;
            case F16 -> Float.float16ToFloat(Float.floatToFloat16((float) v));
            case F32 -> (float) v;
            case F64 -> v;
        };
    }

    @Override
    public String toString() { return dlmName; }
}
