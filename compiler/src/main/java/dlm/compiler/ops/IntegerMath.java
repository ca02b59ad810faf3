package dlm.compiler.ops;

/**
 * Exact integer arithmetic on longs with DLM's (Kotlin's) semantics. Results wrap when stored
 * into a narrower dtype ({@link dlm.runtime.Tensor#setLong}), which matches Java's int arithmetic
 * because wrapping commutes with + - * and ^.
 */
final class IntegerMath {
    private IntegerMath() {}

    /** Truncates toward zero, like Kotlin's {@code /}; zero divisors are a user error, not a Java exception. */
    static long div(long a, long b) {
        if (b == 0) throw new ShapeException("integer division by zero");
        return a / b;
    }

    /** Kotlin's {@code %}: the sign follows the dividend ({@code -7 % 2 == -1}). */
    static long rem(long a, long b) {
        if (b == 0) throw new ShapeException("integer division by zero");
        return a % b;
    }

    /** a^b by repeated squaring, wrapping on overflow; 0^0 is 1 as in NumPy. */
    static long pow(long a, long b) {
        if (b < 0) throw new ShapeException("integer pow with negative exponent " + b);
        long result = 1;
        for (long base = a, e = b; e > 0; e >>= 1, base *= base) if ((e & 1) != 0) result *= base;
        return result;
    }
}
