package dlm.compiler.cli;

import dlm.runtime.Tensor;

/** Row subsets of dataset tensors. */
final class Rows {
    private Rows() {}

    /** The first n rows (a copy). */
    static Tensor first(Tensor t, int n) {
        int[] shape = t.shape();
        int row = t.size() / Math.max(1, shape[0]);
        shape[0] = n;
        Tensor r = Tensor.zeros(t.dtype(), shape);
        System.arraycopy(t.storage(), 0, r.storage(), 0, n * row);
        return r;
    }

    /** Row i (a copy) with a leading axis of 1. */
    static Tensor row(Tensor t, int i) {
        int[] shape = t.shape();
        int row = t.size() / Math.max(1, shape[0]);
        shape[0] = 1;
        Tensor r = Tensor.zeros(t.dtype(), shape);
        System.arraycopy(t.storage(), i * row, r.storage(), 0, row);
        return r;
    }
}
