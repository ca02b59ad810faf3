package dlm.runtime.exec;

/**
 * Scalar functions that generated loops call (C2 inlines them), each computing exactly what
 * the reference interpreter computes for one element.
 */
public final class Scalar {
    private Scalar() {}

    /** 1 / (1 + e^-x), without overflow for negative x (the interpreter's formula). */
    public static double sigmoid(double x) {
        if (x >= 0) return 1 / (1 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** Integer a^b by repeated squaring, wrapping; 0^0 = 1; a negative exponent is an error. */
    public static long pow(long a, long b) {
        if (b < 0) throw new ArithmeticException("integer pow with negative exponent " + b);
        long result = 1;
        for (long base = a, e = b; e > 0; e >>= 1, base *= base) if ((e & 1) != 0) result *= base;
        return result;
    }

    /** Rounds a float to the nearest f16 value (as a float), as a store into f16 storage does. */
    public static float roundF16(float x) { return Float.float16ToFloat(Float.floatToFloat16(x)); }
}
