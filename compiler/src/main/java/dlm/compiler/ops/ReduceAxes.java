package dlm.compiler.ops;

import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The axis bookkeeping shared by reductions (sum, max, argmax, …): which axes are reduced, the
 * result shape with or without kept size-1 axes, and, for eval, which input elements fold into
 * each output element.
 */
final class ReduceAxes {
    private ReduceAxes() {}

    /** Every axis reduced: what an absent {@code axes}/{@code axis} attribute means. */
    static boolean[] all(int rank) {
        boolean[] mask = new boolean[rank];
        Arrays.fill(mask, true);
        return mask;
    }

    /**
     * The reduced-axis mask for {@code axes}. The checker normalizes axes already; they are
     * validated again here because the registry is also driven by autodiff and passes.
     */
    static boolean[] of(TensorType t, int... axes) {
        boolean[] mask = new boolean[t.rank()];
        for (int axis : axes) {
            checkAxis(t, axis);
            if (mask[axis]) throw new ShapeException("axis " + axis + " is repeated for " + t);
            mask[axis] = true;
        }
        return mask;
    }

    static void checkAxis(TensorType t, int axis) {
        if (axis < 0 || axis >= t.rank()) throw new ShapeException("axis " + axis + " is out of range for " + t);
    }

    /** For max/min/argmax, which have no value on zero elements: a reduced axis of known size 0 is an error. */
    static void requireNonEmpty(String op, TensorType t, boolean[] mask) {
        for (int axis = 0; axis < mask.length; axis++) {
            Dim d = t.shape().dim(axis);
            if (mask[axis] && d.isKnown() && d.size() == 0)
                throw new ShapeException("'" + op + "' needs a non-empty axis, but axis " + axis + " of " + t + " has size 0");
        }
    }

    /** The result shape: reduced axes dropped, or kept as size 1. */
    static Shape reduce(Shape s, boolean[] mask, boolean keepdims) {
        List<Dim> dims = new ArrayList<>();
        for (int axis = 0; axis < mask.length; axis++) {
            if (!mask[axis]) dims.add(s.dim(axis));
            else if (keepdims) dims.add(Dim.of(1));
        }
        return new Shape(dims);
    }

    /** Concrete result sizes, reduced axes kept as 1. */
    static int[] keptSizes(int[] shape, boolean[] mask) {
        int[] kept = shape.clone();
        for (int axis = 0; axis < mask.length; axis++) if (mask[axis]) kept[axis] = 1;
        return kept;
    }

    /**
     * For each element of the kept-dims result, the flat indices of the input elements folded into
     * it, in row-major order. That order is what makes argmax indices (position within the group)
     * equal NumPy's, both along one axis and over the flattened tensor.
     */
    static int[][] groups(int[] shape, boolean[] mask) {
        int[] kept = keptSizes(shape, mask);
        int[] keptStrides = Tensor.strides(kept);
        int n = Tensor.sizeOf(shape);
        int[] target = new int[n];
        int[] counts = new int[Tensor.sizeOf(kept)];
        for (int flat = 0; flat < n; flat++) {
            int rest = flat, o = 0;
            for (int axis = shape.length - 1; axis >= 0; axis--) {
                int idx = rest % shape[axis];
                rest /= shape[axis];
                if (!mask[axis]) o += idx * keptStrides[axis];
            }
            target[flat] = o;
            counts[o]++;
        }
        int[][] groups = new int[counts.length][];
        for (int o = 0; o < counts.length; o++) groups[o] = new int[counts[o]];
        int[] filled = new int[counts.length];
        for (int flat = 0; flat < n; flat++) groups[target[flat]][filled[target[flat]]++] = flat;
        return groups;
    }
}
