package dlm.compiler.train;

import dlm.compiler.interp.ParamStore;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import java.util.List;
import java.util.Map;

/**
 * A model of several inputs or outputs trained on data fed by name ({@link Dataset.ByName}): the
 * training loop, validation split and evaluation handle such data as row numbers (the dataset's
 * images and labels, i32 {@code [n]}), so that they cut every input and target alike; this trainer
 * gathers each batch's rows of every input and every output's labels and runs the step of the
 * trainer it wraps on them. Everything else (params, optimizer state, step counter) is that trainer's.
 */
public final class ByNameTrainer implements Trainer {
    private final Trainer inner;
    private final Dataset.ByName data;

    private ByNameTrainer(Trainer inner, Dataset.ByName data) {
        this.inner = inner;
        this.data = data;
    }

    /** {@code t} on {@code d}: wrapped when the data is fed by name, else {@code t} itself. */
    public static Trainer over(Trainer t, Dataset d) {
        if (d.byName() == null) return t;
        if (t instanceof ByNameTrainer b) t = b.inner;
        return new ByNameTrainer(t, d.byName());
    }

    /** Every input's values at the row numbers {@code rows}, in the model's order. */
    public Tensor[] inputsAt(Tensor rows) { return gather(data.inputs(), rows); }

    /** Every output's labels at the row numbers {@code rows}, in the model's order. */
    public Tensor[] targetsAt(Tensor rows) { return gather(data.targets(), rows); }

    private static Tensor[] gather(List<Tensor> columns, Tensor rows) {
        if (rows.dtype() != DType.I32 || rows.rank() != 1) throw new IllegalArgumentException("data fed by name is batched as row numbers, i32 [n]; got " + rows.dtype() + " rank " + rows.rank());
        int[] index = rows.i32Storage();
        Tensor[] out = new Tensor[columns.size()];
        for (int k = 0; k < out.length; k++) {
            Tensor t = columns.get(k);
            int[] shape = t.shape();
            int row = t.dim(0) == 0 ? 0 : t.size() / t.dim(0);
            shape[0] = rows.dim(0);
            Tensor g = Tensor.zeros(t.dtype(), shape);
            for (int i = 0; i < index.length; i++) System.arraycopy(t.storage(), index[i] * row, g.storage(), i * row, row);
            out[k] = g;
        }
        return out;
    }

    @Override
    public List<String> metricNames() { return inner.metricNames(); }

    @Override
    public double[] trainStep(Tensor rows, Tensor sameRows) { return inner.trainStep(inputsAt(rows), targetsAt(rows)); }

    @Override
    public double[] trainStep(Tensor rows, Tensor sameRows, Tensor weights) {
        if (weights != null) throw new UnsupportedOperationException("a model trained by name takes no sample weights");
        return trainStep(rows, sameRows);
    }

    @Override
    public double[] evalStep(Tensor rows, Tensor sameRows) { return inner.evalStep(inputsAt(rows), targetsAt(rows)); }

    /** The first output at the rows; {@link #predictAll} gives every output. */
    @Override
    public Tensor predict(Tensor rows) { return inner.predictAll(inputsAt(rows))[0]; }

    @Override
    public double[] trainStep(Tensor[] inputs, Tensor[] labels) { return inner.trainStep(inputs, labels); }

    @Override
    public double[] evalStep(Tensor[] inputs, Tensor[] labels) { return inner.evalStep(inputs, labels); }

    @Override
    public Tensor[] predictAll(Tensor[] inputs) { return inner.predictAll(inputs); }

    @Override
    public double metricWeight(Tensor rows) { return rows.size(); }

    @Override
    public double metricWeight(Tensor rows, Tensor weights) { return rows.size(); }

    @Override
    public TrainGraph graph() { return inner.graph(); }

    @Override
    public ParamStore params() { return inner.params(); }

    @Override
    public Map<String, List<Tensor>> slots() { return inner.slots(); }

    @Override
    public long step() { return inner.step(); }

    @Override
    public Tensor learningRate() { return inner.learningRate(); }

    @Override
    public void randomSeed(long seed) { inner.randomSeed(seed); }

    @Override
    public void restore(long step, Map<String, List<Tensor>> state) { inner.restore(step, state); }
}
