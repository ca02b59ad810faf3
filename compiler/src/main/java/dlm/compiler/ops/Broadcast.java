package dlm.compiler.ops;

import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * NumPy broadcasting: shapes are aligned on the right (missing leading axes count as size 1)
 * and on every axis the sizes must be equal or one of them 1, which stretches.
 *
 * <p>Static shapes may hold symbolic dims, which only broadcast with an identical dim or with 1:
 * {@code batch} against {@code 3} might hold at run time, but the checker cannot prove it, so it
 * is rejected rather than deferred. The concrete variant repeats the rule on sizes for eval.
 */
final class Broadcast {
    private Broadcast() {}

    /** The broadcast shape of all operand types, or the first conflicting pair as an error. */
    static Shape shapes(List<TensorType> types) {
        int rank = 0;
        for (TensorType t : types) rank = Math.max(rank, t.rank());
        List<Dim> out = new ArrayList<>(rank);
        for (int axis = 0; axis < rank; axis++) {
            Dim result = Dim.of(1);
            TensorType owner = null; // the operand that set `result`, for the message
            for (TensorType t : types) {
                Dim d = dimAt(t.shape().dims(), rank, axis);
                if (d == null || d.isOne() || d.equals(result)) continue;
                if (!result.isOne())
                    throw new ShapeException("cannot broadcast " + owner + " with " + t + ": axis " + axis + " is " + result + " vs " + d);
                result = d;
                owner = t;
            }
            out.add(result);
        }
        return new Shape(out);
    }

    static Shape shapes(TensorType... types) { return shapes(List.of(types)); }

    /** The same rule on concrete tensors; errors print their runtime types. */
    static int[] sizes(List<Tensor> tensors) {
        List<TensorType> types = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) types.add(TypeRules.typeOf(t));
        return shapes(types).sizes();
    }

    /**
     * For every flat index of the broadcast result (shape {@code out}), the flat index of the
     * element of an operand of shape {@code in} that it reads: stretched and missing axes
     * contribute stride 0. Spelled out with plain index arithmetic, as the golden model should be.
     */
    static int[] sourceIndices(int[] in, int[] out) {
        int offset = out.length - in.length;
        int[] inStrides = Tensor.strides(in);
        int n = Tensor.sizeOf(out);
        int[] src = new int[n];
        // Common cases without per-element index arithmetic: same shape, and a single element.
        if (java.util.Arrays.equals(in, out)) {
            for (int i = 0; i < n; i++) src[i] = i;
            return src;
        }
        if (Tensor.sizeOf(in) == 1) return src;
        // A row vector broadcast over leading axes (a bias): the index cycles through the row.
        int inSize = Tensor.sizeOf(in);
        if (in.length > 0 && n % inSize == 0 && java.util.Arrays.equals(in, java.util.Arrays.copyOfRange(out, out.length - in.length, out.length))) {
            for (int i = 0; i < n; i++) src[i] = i % inSize;
            return src;
        }
        for (int flat = 0; flat < n; flat++) {
            int rest = flat, s = 0;
            for (int axis = out.length - 1; axis >= 0; axis--) {
                int idx = rest % out[axis];
                rest /= out[axis];
                int inAxis = axis - offset;
                if (inAxis >= 0 && in[inAxis] != 1) s += idx * inStrides[inAxis];
            }
            src[flat] = s;
        }
        return src;
    }

    /** The dim of a shape aligned right within {@code rank} axes, or null where it has none. */
    private static Dim dimAt(List<Dim> dims, int rank, int axis) {
        int i = axis - (rank - dims.size());
        return i < 0 ? null : dims.get(i);
    }
}
