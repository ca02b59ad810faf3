package dlm.runtime.exec;

import dlm.runtime.kernels.LeadingSums;

/**
 * Sums over the leading axes of a contiguous f32 tensor, {@code y[i] = Σ_r x[r, i]} (a bias
 * gradient: a sum over the batch, or over batch, rows and columns of a feature map), with the
 * compiled loops' numerics: each output element accumulates its terms in a double, in row order,
 * and is rounded to float once ({@link LeadingSums} vectorizes across output elements, which
 * changes no element's order of additions). No allocation.
 */
public final class Reductions {
    private Reductions() {}

    /** {@code y[yOff + i] = Σ_{r < outer} x[xOff + r·inner + i]} for {@code i < inner}; overwrites y. */
    public static void sumLeading(float[] x, int xOff, float[] y, int yOff, int outer, int inner) {
        if (outer < 0 || inner < 0) throw new IllegalArgumentException("sumLeading of " + outer + " x " + inner);
        java.util.Objects.checkFromIndexSize(xOff, Math.multiplyExact(outer, inner), x.length);
        java.util.Objects.checkFromIndexSize(yOff, inner, y.length);
        LeadingSums.sumLeading(x, xOff, y, yOff, outer, inner);
    }
}
