package dlm.runtime;

import java.math.BigDecimal;

/**
 * NumPy's {@code FloatingFormat} with the default print options (precision 8, floatmode
 * {@code maxprec}, no suppression, sign {@code '-'}): one pass over the printed values chooses
 * positional or scientific notation and the paddings that align every element, after which
 * {@link #format} renders single values.
 */
final class FloatFormat {
    private static final int PRECISION = 8;

    private final DType dtype;
    private final boolean scientific;
    private int padLeft;
    private int padRight;
    /** Scientific mode only: mantissa digits after the point, and exponent digits. */
    private int fraction;
    private int expDigits;

    FloatFormat(DType dtype, double[] values) {
        this.dtype = dtype;
        this.scientific = needsScientific(dtype, values);
        boolean anyFinite = false, nonFinite = false, negInf = false;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                nonFinite = true;
                negInf |= v == Double.NEGATIVE_INFINITY;
                continue;
            }
            anyFinite = true;
            measure(v);
        }
        if (scientific && anyFinite) padRight = expDigits + 2 + fraction; // only used to pad nan/inf
        if (nonFinite) {
            int offset = padRight + 1; // + 1 for the decimal point
            padLeft = Math.max(padLeft, Math.max(3 - offset, 3 + (negInf ? 1 : 0) - offset));
        }
    }

    /**
     * NumPy's rule: scientific when the largest magnitude reaches 10^min(8, decimal precision
     * of the dtype) or the smallest nonzero one is below 1e-4 or they are more than 1000 apart.
     * The comparisons run in the dtype's own arithmetic, as NumPy's do.
     */
    private static boolean needsScientific(DType t, double[] values) {
        double max = 0, min = Double.POSITIVE_INFINITY;
        for (double v : values) {
            if (!Double.isFinite(v) || v == 0) continue;
            max = Math.max(max, Math.abs(v));
            min = Math.min(min, Math.abs(v));
        }
        if (max == 0) return false;
        int digits = switch (t) { case F16 -> 3; case F32 -> 6; default -> 15; };
        return max >= Math.pow(10, Math.min(8, digits)) || min < t.round(1e-4) || t.round(max / min) > 1000;
    }

    /** The first pass: widens the paddings to fit {@code v}. */
    private void measure(double v) {
        int sign = v < 0 || isNegativeZero(v) ? 1 : 0;
        if (scientific) {
            BigDecimal d = FloatDigits.scientific(Math.abs(v), dtype, PRECISION, 0);
            padLeft = Math.max(padLeft, sign + 1);
            fraction = Math.max(fraction, FloatDigits.significantDigits(d) - 1);
            expDigits = Math.max(expDigits, Math.max(2, digitCount(FloatDigits.exponent(d))));
        } else {
            BigDecimal d = FloatDigits.positional(Math.abs(v), dtype, PRECISION);
            int intDigits = Math.max(1, FloatDigits.exponent(d) + 1);
            padLeft = Math.max(padLeft, sign + intDigits);
            padRight = Math.max(padRight, FloatDigits.fractionDigits(d));
        }
    }

    String format(double v) {
        if (Double.isNaN(v)) return pad("nan", padLeft + padRight + 1);
        if (Double.isInfinite(v)) return pad(v < 0 ? "-inf" : "inf", padLeft + padRight + 1);
        String sign = v < 0 || isNegativeZero(v) ? "-" : "";
        double a = Math.abs(v);
        if (scientific) {
            BigDecimal d = FloatDigits.scientific(a, dtype, fraction, fraction);
            String digits = digitString(d);
            digits = digits + "0".repeat(Math.max(0, fraction + 1 - digits.length()));
            int e = FloatDigits.exponent(d);
            String exp = String.valueOf(Math.abs(e));
            exp = "0".repeat(Math.max(0, expDigits - exp.length())) + exp;
            String s = sign + digits.charAt(0) + "." + digits.substring(1) + "e" + (e < 0 ? "-" : "+") + exp;
            return pad(s, padLeft + s.length() - (sign.length() + 1));
        }
        String s = sign + positional(FloatDigits.positional(a, dtype, PRECISION));
        int point = s.indexOf('.');
        s = " ".repeat(Math.max(0, padLeft - point)) + s;
        return s + " ".repeat(Math.max(0, padRight - (s.length() - s.indexOf('.') - 1)));
    }

    /**
     * A scalar the way NumPy's {@code str} of a float scalar prints it: shortest digits,
     * positional ({@code 1.0}) between 1e-4 and a dtype-dependent bound, otherwise scientific
     * ({@code 1e-05}, {@code 1.5e+16}).
     */
    static String scalar(DType t, double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v < 0 ? "-inf" : "inf";
        String sign = v < 0 || isNegativeZero(v) ? "-" : "";
        double a = Math.abs(v);
        double upper = switch (t) { case F16 -> 1e3; case F32 -> 1e6; default -> 1e16; };
        BigDecimal d = FloatDigits.shortest(a, t);
        if (a == 0 || (a >= 1e-4 && a < upper)) {
            String s = positional(d);
            return sign + (s.endsWith(".") ? s + "0" : s);
        }
        String digits = digitString(d);
        int e = FloatDigits.exponent(d);
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (e < 0 ? "-" : "+") + (Math.abs(e) < 10 ? "0" : "") + Math.abs(e);
    }

    /** Plain digits with a point and no trailing zeros after it: {@code 100.}, {@code 0.25}. */
    private static String positional(BigDecimal d) {
        String s = d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".";
    }

    /** The significant digits without trailing zeros ({@code "0"} for zero). */
    private static String digitString(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().unscaledValue().toString();
    }

    private static int digitCount(int e) {
        return String.valueOf(Math.abs(e)).length();
    }

    private static boolean isNegativeZero(double v) {
        return v == 0 && Double.doubleToRawLongBits(v) != 0;
    }

    private static String pad(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }
}
