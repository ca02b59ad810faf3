package dlm.compiler.data;

import dlm.runtime.Tensor;

/** Rows loaded from a data source: the model's inputs {@code x} and the labels {@code y}, row i of each being sample i. */
public record Table(Tensor x, Tensor y) {
    public int rows() { return x.dim(0); }

    /** The rows at {@code index}, in that order (copies). */
    public Table select(int[] index) { return new Table(select(x, index), select(y, index)); }

    static Tensor select(Tensor t, int[] index) {
        int[] shape = t.shape();
        int row = t.dim(0) == 0 ? 0 : t.size() / t.dim(0);
        shape[0] = index.length;
        Tensor out = Tensor.zeros(t.dtype(), shape);
        for (int i = 0; i < index.length; i++) System.arraycopy(t.storage(), index[i] * row, out.storage(), i * row, row);
        return out;
    }
}
