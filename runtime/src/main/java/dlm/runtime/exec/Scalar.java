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

    /** 2/√π and 1/√π, the doubles nearest them; {@code TWO_OVER_SQRT_PI_MINUS_1} is 2/√π − 1, nearest. */
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126, TWO_OVER_SQRT_PI_MINUS_1 = 0.12837916709551256,
            ONE_OVER_SQRT_PI = 0.5641895835477563;

    /** 1 / (n!·(2n + 1)), the magnitudes of the Maclaurin coefficients of erf(x)·√π/2 (n = 0 … 20). */
    private static final double[] ERF_TAYLOR = new double[21];

    /**
     * erfc's Taylor coefficients about the centers c = 1, 1 + 1/8, …, 6 ({@code ERFC_CENTERS} of
     * them), {@code ERFC_TERMS} + 1 per center: erfc(c + h) = Σ b_n·hⁿ with b_0 = erfc(c) and, for
     * n ≥ 1, b_n = −(2/√π)·e^(−c²)·(−1)^(n−1)·H_(n−1)(c)/n!, since the n-th derivative of erf is
     * (2/√π)·(−1)^(n−1)·H_(n−1)(x)·e^(−x²) (H: the physicists' Hermite polynomials).
     */
    private static final int ERFC_CENTERS = 41, ERFC_TERMS = 12;
    private static final double ERFC_STEP = 0.125;
    private static final double[] ERFC_TAYLOR = new double[ERFC_CENTERS * (ERFC_TERMS + 1)];

    static {
        double factorial = 1;
        for (int n = 0; n < ERF_TAYLOR.length; n++) {
            if (n > 0) factorial *= n;
            ERF_TAYLOR[n] = 1 / (factorial * (2 * n + 1));
        }
        for (int k = 0; k < ERFC_CENTERS; k++) {
            double c = 1 + k * ERFC_STEP, e = expMinusSquare(c);
            int at = k * (ERFC_TERMS + 1);
            ERFC_TAYLOR[at] = erfcContinuedFraction(c, e);
            double hPrev = 1, h = 2 * c; // H_0(c), H_1(c)
            factorial = 1;
            for (int n = 1; n <= ERFC_TERMS; n++) {
                factorial *= n;
                double hermite = n == 1 ? hPrev : h; // H_(n-1)(c)
                if (n >= 2) { // advance to H_n for the next term: H_(j+1) = 2c·H_j − 2j·H_(j−1), j = n − 1
                    double next = 2 * c * h - 2 * (n - 1) * hPrev;
                    hPrev = h;
                    h = next;
                }
                ERFC_TAYLOR[at + n] = -TWO_OVER_SQRT_PI * e * ((n & 1) == 1 ? hermite : -hermite) / factorial;
            }
        }
    }

    /** e^(−x²), with the rounding error of x² taken into account: x² = hi + lo exactly, e^(−hi)·(1 − lo). */
    private static double expMinusSquare(double x) {
        double hi = x * x, lo = Math.fma(x, x, -hi);
        return Math.exp(-hi) * (1 - lo);
    }

    /**
     * erfc(x) for x ≥ 1 from Laplace's continued fraction e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + …)))),
     * evaluated backwards from depth 400 (converged to the last bit from x = 1 on); {@code e} is e^(−x²).
     * Used once per center, at class initialization.
     */
    private static double erfcContinuedFraction(double x, double e) {
        double f = x;
        for (int k = 400; k > 0; k--) f = x + (k * 0.5) / f;
        return ONE_OVER_SQRT_PI * e / f;
    }

    /**
     * The error function, erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, within 1 ulp of the exact value (checked
     * against glibc's erf through Python's {@code math.erf} at 105k points over [0, 6.2]); odd, so
     * erf(−0) = −0; erf(±∞) = ±1; NaN stays NaN. Two methods, both a fixed polynomial:
     * <ul>
     *   <li>|x| < 1: the Maclaurin series 2/√π · Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)), 20 terms by Horner
     *       (the first neglected term is below 2^-66 of the sum), written as x + x·(2/√π − 1 + …)
     *       so that the leading term is exact;</li>
     *   <li>1 ≤ |x| < 6: 1 − erfc(x), erfc by its Taylor polynomial of degree 12 about the nearest
     *       center c (every 1/8, so |x − c| ≤ 1/16), whose coefficients are computed at class
     *       initialization ({@code ERFC_TAYLOR}); erfc's own error is scaled down by erfc/erf ≤ 0.19
     *       in the result;</li>
     *   <li>|x| ≥ 6: ±1, since erfc(6) ≈ 2.2e-17 is below half an ulp of 1.</li>
     * </ul>
     */
    public static double erf(double x) {
        double a = Math.abs(x);
        if (!(a < 6)) return Double.isNaN(x) ? x : Math.copySign(1.0, x);
        double r;
        if (a < 1) {
            double t = -(a * a), s = ERF_TAYLOR[20];
            for (int n = 19; n > 0; n--) s = s * t + ERF_TAYLOR[n];
            r = a + a * (TWO_OVER_SQRT_PI_MINUS_1 + TWO_OVER_SQRT_PI * (s * t));
        } else {
            int k = (int) ((a - 1) / ERFC_STEP + 0.5), at = k * (ERFC_TERMS + 1);
            double h = a - (1 + k * ERFC_STEP), s = ERFC_TAYLOR[at + ERFC_TERMS];
            for (int n = ERFC_TERMS - 1; n >= 0; n--) s = s * h + ERFC_TAYLOR[at + n];
            r = 1 - s;
        }
        return Math.copySign(r, x);
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
