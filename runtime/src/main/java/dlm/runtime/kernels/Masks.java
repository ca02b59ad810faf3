package dlm.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Masking a product's result by another matrix, the backward pass of relu:
 * {@code C[i][j] = Y[i][j] > 0 ? C[i][j] : +0} (Y the relu's output; NaN in Y gives 0). Run right
 * after the product, while C is in cache, with vector compares and blends — the generated
 * element-wise loop it replaces runs scalar (C2 compiles the comparison to bit arithmetic that it
 * does not vectorize).
 */
public final class Masks {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Masks() {}

    /** C (m×n at {@code c[cOff + i·ldc + j]}) keeps its elements where Y ({@code y[yOff + i·ldy + j]}) is positive. */
    public static void keepWherePositive(float[] c, int cOff, int ldc, int m, int n, float[] y, int yOff, int ldy) {
        if (m <= 0 || n <= 0) return;
        long lastC = (long) cOff + (long) (m - 1) * ldc + n - 1, lastY = (long) yOff + (long) (m - 1) * ldy + n - 1;
        if (cOff < 0 || yOff < 0 || lastC >= c.length || lastY >= y.length)
            throw new IndexOutOfBoundsException("mask of " + m + "x" + n + " out of its arrays");
        FloatVector zero = FloatVector.zero(S);
        int upper = S.loopBound(n);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc, yi = yOff + i * ldy;
            int j = 0;
            for (; j < upper; j += S.length()) {
                VectorMask<Float> keep = FloatVector.fromArray(S, y, yi + j).compare(VectorOperators.GT, 0f);
                zero.blend(FloatVector.fromArray(S, c, ci + j), keep).intoArray(c, ci + j);
            }
            for (; j < n; j++) c[ci + j] = y[yi + j] > 0f ? c[ci + j] : 0f;
        }
    }
}
