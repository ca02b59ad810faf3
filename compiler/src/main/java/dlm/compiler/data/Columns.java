package dlm.compiler.data;

import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows loaded for a model trained by name (several inputs or outputs): one tensor per model input
 * and one per output's labels, in the model's order; row i of each is sample i.
 */
public record Columns(List<Tensor> inputs, List<Tensor> targets) {
    public int rows() { return inputs.get(0).dim(0); }

    /** The rows at {@code index}, in that order (copies), of every tensor alike. */
    public Columns select(int[] index) { return new Columns(select(inputs, index), select(targets, index)); }

    private static List<Tensor> select(List<Tensor> ts, int[] index) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : ts) out.add(Table.select(t, index));
        return out;
    }
}
