package dlm.runtime.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector code of {@code dlm.runtime.exec.Reductions} (kept apart so that the code generator can
 * look that class's methods up without the Vector API module, as {@code dlmc graph} does).
 * Sums over the leading axes of a contiguous f32 tensor, {@code y[i] = Σ_r x[r, i]} (a bias
 * gradient: a sum over the batch, or over batch, rows and columns of a feature map), with the
 * compiled loops' numerics: each output element accumulates its terms in a double, in row order,
 * and is rounded to float once. The lanes of a vector hold neighbouring output elements, so
 * vectorizing changes no element's order of additions: the result is bit for bit the one of the
 * scalar loop, whatever the vector width. No allocation.
 */
public final class LeadingSums {
    private LeadingSums() {}

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Floats with as many lanes as {@link #D} (half its bits), converted to doubles lane by lane. */
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    /** Output elements per pass over the rows: four vectors of accumulators. */
    private static final int TILE = 4 * D.length();

    /** {@code y[yOff + i] = Σ_{r < outer} x[xOff + r·inner + i]} for {@code i < inner}; overwrites y. */
    public static void sumLeading(float[] x, int xOff, float[] y, int yOff, int outer, int inner) {
        int L = D.length(), i = 0;
        for (; i + TILE <= inner; i += TILE) {
            DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
            for (int r = 0, p = xOff + i; r < outer; r++, p += inner) {
                a0 = a0.add(widen(x, p));
                a1 = a1.add(widen(x, p + L));
                a2 = a2.add(widen(x, p + 2 * L));
                a3 = a3.add(widen(x, p + 3 * L));
            }
            narrow(a0, y, yOff + i);
            narrow(a1, y, yOff + i + L);
            narrow(a2, y, yOff + i + 2 * L);
            narrow(a3, y, yOff + i + 3 * L);
        }
        for (; i + L <= inner; i += L) {
            DoubleVector a = DoubleVector.zero(D);
            for (int r = 0, p = xOff + i; r < outer; r++, p += inner) a = a.add(widen(x, p));
            narrow(a, y, yOff + i);
        }
        for (; i < inner; i++) {
            double a = 0;
            for (int r = 0, p = xOff + i; r < outer; r++, p += inner) a += x[p];
            y[yOff + i] = (float) a;
        }
    }

    private static DoubleVector widen(float[] x, int p) {
        return (DoubleVector) FloatVector.fromArray(F, x, p).convertShape(VectorOperators.F2D, D, 0);
    }

    private static void narrow(DoubleVector a, float[] y, int p) {
        ((FloatVector) a.convertShape(VectorOperators.D2F, F, 0)).intoArray(y, p);
    }
}
