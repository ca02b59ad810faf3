package dlm.compiler.ops;

import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;

/**
 * The shape rule shared by {@code takeAlongAxis} and its transpose {@code scatterAdd}: a data
 * shape {@code [pre…, n, post…]} around {@code axis}, and i32 indices of the same rank whose
 * {@code pre} axes are either all the data's or all 1 (then every row of the data uses the same
 * indices), and likewise their {@code post} axes. The indexed axis has the indices' length m.
 * This three-block form is what the kernels read ({@code dlm.runtime.exec.Gathers}); NumPy's
 * {@code take} is the case where both blocks are 1.
 */
record GatherAxes(boolean fullPre, boolean fullPost) {

    static GatherAxes check(String op, Shape data, TensorType indices, int axis) {
        if (indices.dtype() != DType.I32) throw new ShapeException(op + " needs i32 indices, got " + indices);
        if (indices.rank() != data.rank())
            throw new ShapeException(op + " needs indices of the data's rank " + data.rank() + ", got " + indices);
        if (axis < 0 || axis >= data.rank()) throw new ShapeException("axis " + axis + " is out of range for " + data);
        Shape idx = indices.shape();
        boolean pre = block(op, data, idx, 0, axis), post = block(op, data, idx, axis + 1, data.rank());
        return new GatherAxes(pre, post);
    }

    /** Whether axes [from, to) of the indices are the data's (true) or all 1 (false); else an error. */
    private static boolean block(String op, Shape data, Shape idx, int from, int to) {
        boolean same = true, ones = true;
        for (int a = from; a < to; a++) {
            same &= idx.dim(a).equals(data.dim(a));
            ones &= idx.dim(a).isOne();
        }
        if (!same && !ones)
            throw new ShapeException(op + ": the indices " + idx + " must match the data " + data + " on axes " + from + ".." + (to - 1) + " or be 1 there");
        return same;
    }

    /** The shape of the gathered values: the data's with the indexed axis as long as the indices'. */
    static Shape gathered(Shape data, Shape idx, int axis) {
        java.util.List<Dim> dims = new java.util.ArrayList<>(data.dims());
        dims.set(axis, idx.dim(axis));
        return new Shape(dims);
    }

    /** An index read from the indices, checked against the axis size and wrapped when negative (NumPy's take). */
    static int resolve(long index, int size, int axis) {
        if (index < -size || index >= size)
            throw new ShapeException("index " + index + " is out of range for axis " + axis + " of size " + size);
        return (int) (index < 0 ? index + size : index);
    }
}
