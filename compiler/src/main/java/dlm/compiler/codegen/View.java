package dlm.compiler.codegen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A strided view of a planned array: element {@code (i0, …, in-1)} of a value of shape
 * {@code shape} is at {@code offset + Σ ik·strides[k]} in {@code base}'s array. Movement ops
 * (reshape, expandDims, squeeze, transpose, broadcastTo, slice) compose views at compile time,
 * so they cost nothing at run time; a stride of 0 repeats an element (broadcasting).
 */
record View(Value base, int offset, int[] shape, int[] strides) {

    static View contiguous(Value base, int[] shape) { return new View(base, 0, shape, rowMajor(shape)); }

    static int[] rowMajor(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int a = shape.length - 1; a >= 0; a--) { st[a] = s; s *= shape[a]; }
        return st;
    }

    static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    int numel() { return numel(shape); }

    int rank() { return shape.length; }

    /** Whether the elements are the row-major range {@code [offset, offset + numel)} (size-1 axes' strides do not matter). */
    boolean isContiguous() {
        int s = 1;
        for (int a = shape.length - 1; a >= 0; a--) {
            if (shape[a] != 1 && strides[a] != s) return numel() == 0;
            s *= shape[a];
        }
        return true;
    }

    /** Whether this is the whole of its base, row-major from offset 0. */
    boolean isWhole() { return offset == 0 && isContiguous() && numel() == base.size; }

    View transpose(int[] perm) {
        int[] sh = new int[perm.length], st = new int[perm.length];
        for (int i = 0; i < perm.length; i++) { sh[i] = shape[perm[i]]; st[i] = strides[perm[i]]; }
        return new View(base, offset, sh, st);
    }

    /** NumPy broadcasting to {@code target} (axes aligned on the right, size-1 axes stretched with stride 0). */
    View broadcastTo(int[] target) {
        int shift = target.length - shape.length;
        int[] st = new int[target.length];
        for (int a = 0; a < target.length; a++) {
            int s = a - shift;
            st[a] = s < 0 || (shape[s] == 1 && target[a] != 1) ? 0 : strides[s];
        }
        return new View(base, offset, target.clone(), st);
    }

    /** Basic slicing: per sliced axis a start and a positive step; {@code outShape} has the result's sizes. */
    View slice(int[] axes, int[] starts, int[] steps, int[] outShape) {
        int off = offset;
        int[] st = strides.clone();
        for (int i = 0; i < axes.length; i++) {
            if (outShape[axes[i]] > 0) off += starts[i] * strides[axes[i]];
            st[axes[i]] = strides[axes[i]] * steps[i];
        }
        return new View(base, off, outShape.clone(), st);
    }

    /**
     * The same elements in row-major order under {@code newShape}, without copying, or null when
     * no strides can express it (NumPy's no-copy reshape): the non-trivial axes of both shapes are
     * matched in groups of equal element count, and each old group must be contiguous in itself.
     */
    View reshape(int[] newShape) {
        if (numel(newShape) != numel()) throw new IllegalArgumentException("reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        if (isContiguous()) return new View(base, offset, newShape.clone(), rowMajor(newShape));
        if (numel() == 0) return new View(base, offset, newShape.clone(), rowMajor(newShape));
        List<Integer> od = new ArrayList<>(), os = new ArrayList<>();
        for (int a = 0; a < shape.length; a++) if (shape[a] != 1) { od.add(shape[a]); os.add(strides[a]); }
        int[] ns = new int[newShape.length];
        int oi = 0, ni = 0;
        // axes of newShape that are 1 take any stride
        List<Integer> nonOne = new ArrayList<>();
        for (int a = 0; a < newShape.length; a++) if (newShape[a] != 1) nonOne.add(a); else ns[a] = 0;
        int nj = 0;
        while (oi < od.size() && nj < nonOne.size()) {
            int oStart = oi, nStart = nj;
            long op = od.get(oi), np = newShape[nonOne.get(nj)];
            while (op != np) {
                if (op < np) op *= od.get(++oi);
                else np *= newShape[nonOne.get(++nj)];
            }
            // the old axes oStart..oi must be contiguous with each other
            for (int k = oStart; k < oi; k++) if (os.get(k) != os.get(k + 1) * od.get(k + 1)) return null;
            // strides of the new axes nStart..nj: the innermost takes the old innermost stride
            int s = os.get(oi);
            for (int k = nj; k >= nStart; k--) {
                int axis = nonOne.get(k);
                ns[axis] = s;
                s *= newShape[axis];
            }
            oi++;
            nj++;
        }
        ni = nj;
        if (oi != od.size() || ni != nonOne.size()) return null;
        return new View(base, offset, newShape.clone(), ns);
    }

    @Override
    public String toString() {
        return "v" + base.id + "@" + offset + Arrays.toString(shape) + "/" + Arrays.toString(strides);
    }
}
