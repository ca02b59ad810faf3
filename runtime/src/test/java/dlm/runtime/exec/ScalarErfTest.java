package dlm.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Scalar#erf} against reference values, at its special values, and for its shape. */
class ScalarErfTest {
    /**
     * {x, erf(x)}: the reference values are Python 3.11's {@code math.erf(x)} (glibc's erf, within
     * 1 ulp), printed with {@code repr}, so each is the exact double. The points cover both methods,
     * the switch between them at 1 and the tail where erf rounds to 1 (from about 5.92). (At 107k
     * random points over [0, 6.2] and [1e-300, 1], checked the same way once, at most 1 ulp too.)
     */
    private static final double[][] REFERENCE = {
            {5e-324, 5e-324},
            {1e-300, 1.1283791670955126e-300},
            {1e-20, 1.1283791670955125e-20},
            {1e-08, 1.1283791670955126e-08},
            {0.0001, 0.00011283791633342487},
            {0.01, 0.011283415555849616},
            {0.1, 0.1124629160182849},
            {0.2, 0.22270258921047847},
            {0.25, 0.2763263901682369},
            {0.3333333333333333, 0.36264811176606293},
            {0.4, 0.42839235504666845},
            {0.5, 0.5204998778130465},
            {0.6, 0.6038560908479259},
            {0.7, 0.6778011938374184},
            {0.75, 0.7111556336535151},
            {0.8, 0.7421009647076605},
            {0.84375, 0.7672256612323416},
            {0.9, 0.7969082124228322},
            {0.99, 0.8385080695553698},
            {0.999999, 0.8427003778418023},
            {1.0, 0.8427007929497149},
            {1.000001, 0.8427012080567972},
            {1.1, 0.8802050695740817},
            {1.25, 0.9229001282564582},
            {1.4, 0.9522851197626487},
            {1.4999999, 0.96610513458228},
            {1.5, 0.9661051464753108},
            {1.6, 0.976348383344644},
            {1.75, 0.9866716712191824},
            {1.9, 0.9927904292352575},
            {1.9999999, 0.9953222629522538},
            {2.0, 0.9953222650189527},
            {2.2, 0.9981371537020182},
            {2.5, 0.999593047982555},
            {2.75, 0.9998993780778803},
            {3.0, 0.9999779095030014},
            {3.5, 0.9999992569016276},
            {4.0, 0.9999999845827421},
            {4.5, 0.9999999998033839},
            {5.0, 0.9999999999984626},
            {5.5, 0.9999999999999927},
            {5.8, 0.9999999999999998},
            {5.9, 0.9999999999999999},
            {5.95, 1.0},
            {5.999, 1.0},
            {6.0, 1.0},
            {6.5, 1.0},
            {10.0, 1.0},
            {27.0, 1.0},
            {1e+300, 1.0},
    };

    private static long ulps(double a, double b) { return Math.abs(Double.doubleToLongBits(a) - Double.doubleToLongBits(b)); }

    @Test
    void withinOneUlpOfTheReferenceValues() {
        for (double[] p : REFERENCE) {
            assertTrue(ulps(Scalar.erf(p[0]), p[1]) <= 1, "erf(" + p[0] + ") = " + Scalar.erf(p[0]) + ", reference " + p[1]);
            assertTrue(ulps(Scalar.erf(-p[0]), -p[1]) <= 1, "erf(" + -p[0] + ")");
        }
    }

    @Test
    void specialValues() {
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(Scalar.erf(0.0)));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Scalar.erf(-0.0)));
        assertEquals(1.0, Scalar.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Scalar.erf(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(Scalar.erf(Double.NaN)));
        assertEquals(1.0, Scalar.erf(Double.MAX_VALUE));
        assertEquals(-1.0, Scalar.erf(-6.0));
    }

    /** Odd, bounded by 1 and non-decreasing on a fine grid, and continuous where the method or its center changes. */
    @Test
    void oddBoundedAndMonotone() {
        double prev = -1;
        for (int i = -80000; i <= 80000; i++) {
            double x = i * 1e-4, y = Scalar.erf(x);
            assertEquals(-y, Scalar.erf(-x), "odd at " + x);
            assertTrue(Math.abs(y) <= 1, "bounded at " + x);
            assertTrue(y >= prev, "non-decreasing at " + x + ": " + y + " after " + prev);
            prev = y;
        }
        for (int k = -1; k < 40; k++) {
            double edge = k < 0 ? 1 : 1 + (k + 0.5) / 8, below = Math.nextDown(edge);
            assertTrue(Scalar.erf(below) <= Scalar.erf(edge) && ulps(Scalar.erf(below), Scalar.erf(edge)) <= 1, "continuous at " + edge);
        }
    }
}
