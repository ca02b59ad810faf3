package dlm.compiler.data;

import dlm.runtime.Tensor;

/**
 * Rows loaded from a data source: the model's inputs {@code x}, the labels {@code y} and, when the
 * source names a sample-weight column or array, one f32 weight a row {@code w} (else null); row i
 * of each is sample i.
 */
public record Table(Tensor x, Tensor y, Tensor w) {
    public Table(Tensor x, Tensor y) { this(x, y, null); }

    public int rows() { return x.dim(0); }

    /** The rows at {@code index}, in that order (copies). */
    public Table select(int[] index) { return new Table(select(x, index), select(y, index), w == null ? null : select(w, index)); }

    static Tensor select(Tensor t, int[] index) {
        int[] shape = t.shape();
        int row = t.dim(0) == 0 ? 0 : t.size() / t.dim(0);
        shape[0] = index.length;
        Tensor out = Tensor.zeros(t.dtype(), shape);
        for (int i = 0; i < index.length; i++) System.arraycopy(t.storage(), index[i] * row, out.storage(), i * row, row);
        return out;
    }
}
