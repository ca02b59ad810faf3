package dlm.runtime;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Chooses the decimal digits of binary floating-point values the way NumPy's Dragon4 does:
 * the shortest decimal that reads back as the same value <em>of the value's own dtype</em>
 * (so a float32 0.1 prints as {@code 0.1}, not as the double it widens to), cut off at a
 * maximum number of digits and extended to a minimum, both by rounding the exact binary value
 * half-even.
 *
 * <p>Works on exact {@link BigDecimal}s rather than on {@code Double.toString}: that handles
 * f16, f32 and f64 alike, and Java's toString sometimes prints two digits where one suffices
 * (it prints {@code 4.9E-324}, NumPy prints {@code 5e-324}). Speed is no concern: only the
 * elements that are printed are converted.
 */
final class FloatDigits {
    private FloatDigits() {}

    private static final BigDecimal TWO = BigDecimal.valueOf(2);

    /**
     * The shortest decimal that rounds to {@code x} in dtype {@code t}; the closest to {@code x}
     * among several. {@code x} is finite, non-negative and a value of {@code t}.
     */
    static BigDecimal shortest(double x, DType t) {
        if (x == 0) return BigDecimal.ZERO;
        BigDecimal exact = new BigDecimal(x);
        BigDecimal below = new BigDecimal(neighbor(x, t, false));
        double upper = neighbor(x, t, true);
        // Above the largest finite value the spacing continues as it was below it.
        BigDecimal above = Double.isInfinite(upper) ? exact.add(exact.subtract(below)) : new BigDecimal(upper);
        // Every decimal between the midpoints to the neighbors reads back as x; the midpoints
        // themselves do when x's significand is even (round-half-even reading).
        BigDecimal lo = exact.add(below).divide(TWO);
        BigDecimal hi = exact.add(above).divide(TWO);
        int edge = evenSignificand(x, t) ? 0 : 1;
        for (int k = 1; ; k++) {
            BigDecimal down = exact.round(new MathContext(k, RoundingMode.FLOOR));
            BigDecimal up = exact.round(new MathContext(k, RoundingMode.CEILING));
            boolean downOk = down.compareTo(lo) >= edge, upOk = up.compareTo(hi) <= -edge;
            if (downOk && upOk) return exact.round(new MathContext(k, RoundingMode.HALF_EVEN));
            if (downOk) return down;
            if (upOk) return up;
        }
    }

    /**
     * NumPy's positional digits: the shortest decimal, unless it needs more than
     * {@code maxFraction} digits after the point, then {@code x} rounded to that many.
     */
    static BigDecimal positional(double x, DType t, int maxFraction) {
        BigDecimal s = shortest(x, t);
        if (fractionDigits(s) <= maxFraction) return s;
        return new BigDecimal(x).setScale(maxFraction, RoundingMode.HALF_EVEN);
    }

    /**
     * NumPy's scientific digits: the shortest decimal, with at most {@code maxFraction} and at
     * least {@code minFraction} mantissa digits after the point (rounding {@code x} to reach either).
     */
    static BigDecimal scientific(double x, DType t, int maxFraction, int minFraction) {
        BigDecimal s = shortest(x, t);
        int digits = significantDigits(s);
        if (x == 0 || (digits <= maxFraction + 1 && digits >= minFraction + 1)) return s;
        int want = digits > maxFraction + 1 ? maxFraction + 1 : minFraction + 1;
        return new BigDecimal(x).round(new MathContext(want, RoundingMode.HALF_EVEN));
    }

    /** Digits after the decimal point, ignoring trailing zeros. */
    static int fractionDigits(BigDecimal d) {
        return d.signum() == 0 ? 0 : Math.max(0, d.stripTrailingZeros().scale());
    }

    /** Significant digits, ignoring trailing zeros; 1 for zero. */
    static int significantDigits(BigDecimal d) {
        return d.signum() == 0 ? 1 : d.stripTrailingZeros().precision();
    }

    /** The decimal exponent of the leading digit (0 for zero): 1234 → 3, 0.05 → -2. */
    static int exponent(BigDecimal d) {
        if (d.signum() == 0) return 0;
        BigDecimal s = d.stripTrailingZeros();
        return s.precision() - s.scale() - 1;
    }

    private static boolean evenSignificand(double x, DType t) {
        long bits = switch (t) {
            case F64 -> Double.doubleToRawLongBits(x);
            case F32 -> Float.floatToRawIntBits((float) x);
            default -> Float.floatToFloat16((float) x);
        };
        return (bits & 1) == 0;
    }

    /** The adjacent value of dtype t above or below the positive value x. */
    private static double neighbor(double x, DType t, boolean up) {
        return switch (t) {
            case F64 -> up ? Math.nextUp(x) : Math.nextDown(x);
            case F32 -> up ? Math.nextUp((float) x) : Math.nextDown((float) x);
            case F16 -> {
                short h = Float.floatToFloat16((float) x);
                yield Float.float16ToFloat((short) (up ? h + 1 : h - 1));
            }
            default -> throw new IllegalArgumentException("not a floating dtype: " + t);
        };
    }
}
