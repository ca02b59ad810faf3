package dlm.compiler.cli;

import dlm.compiler.ir.Node;
import dlm.compiler.train.Trainer;
import dlm.runtime.Tensor;
import dlm.runtime.io.Checkpoint;
import dlm.runtime.io.CheckpointException;
import dlm.runtime.io.TensorSpec;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checkpoints of a training run: params by name, optimizer slots as {@code <param>/<slot>}, and
 * metadata (model, optimizer, epoch, step). Files are NumPy {@code .npz}, written atomically.
 */
final class Checkpoints {
    private final TrainSetup setup;

    /** The metadata key of the learning rate, when the train step takes it as an input (reduceLrOnPlateau). */
    static final String LEARNING_RATE = "learning_rate";

    Checkpoints(TrainSetup setup) { this.setup = setup; }

    void save(Path path, Trainer t, int epoch) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        t.slots().forEach((p, slots) -> {
            for (int i = 0; i < slots.size(); i++) state.put(p + "/" + setup.graph.slotNames.get(i), slots.get(i));
        });
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(Checkpoint.MODEL, setup.config.model().name());
        meta.put(Checkpoint.OPTIMIZER, setup.graph.optimizerName);
        meta.put(Checkpoint.EPOCH, Integer.toString(epoch));
        meta.put(Checkpoint.STEP, Long.toString(t.step()));
        meta.put(Checkpoint.DLM_VERSION, Dlmc.VERSION);
        // a learning rate reduceLrOnPlateau may have changed: --resume continues from it
        if (t.learningRate() != null) meta.put(LEARNING_RATE, Float.toString(t.learningRate().f32Storage()[0]));
        try {
            new Checkpoint(new LinkedHashMap<>(t.params().all()), state, meta).save(path);
        } catch (IOException e) {
            // The path was checked before training (OutputPaths); this is a failure since (disk full, removed folder).
            throw new dlm.compiler.diag.DlmException(dlm.compiler.diag.SourceSpan.NONE, "cannot write checkpoint " + path + ": " + e, e);
        }
    }

    /** Loads params (and, with a trainer, optimizer state); returns the epoch the checkpoint ended. */
    static Checkpoint read(Path path, List<Node> params) throws IOException {
        Checkpoint c;
        try {
            c = Checkpoint.load(path);
        } catch (NoSuchFileException e) {
            throw new UsageException("no such checkpoint: " + path);
        }
        Map<String, TensorSpec> expected = new LinkedHashMap<>();
        for (Node p : params) expected.put(p.name(), TensorSpec.of(p.type().dtype(), p.type().shape().sizes()));
        try {
            c.verifyAgainst(expected);
        } catch (CheckpointException e) {
            throw new UsageException(path + " does not fit this model: " + String.join("; ", e.problems().isEmpty() ? List.of(e.getMessage()) : e.problems()));
        }
        for (Node p : params) requireFinite(path, "param", p.name(), c.params().get(p.name()));
        return c;
    }

    /**
     * Weights holding NaN or ±inf give NaN losses and meaningless predictions (eval would print
     * {@code test_loss: NaN} and succeed): a checkpoint error naming the tensor, its first bad
     * value and how many there are.
     */
    private static String numpy(double v) { return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf"; }

    static void requireFinite(Path path, String kind, String name, Tensor t) throws CheckpointException {
        if (t == null || !t.dtype().isFloating()) return;
        int bad = 0, first = -1;
        for (int i = 0; i < t.size(); i++) {
            if (!Double.isFinite(t.getDouble(i))) {
                if (first < 0) first = i;
                bad++;
            }
        }
        if (bad == 0) return;
        int[] at = new int[t.rank()];
        for (int a = t.rank() - 1, rest = first; a >= 0; a--) { at[a] = rest % t.dim(a); rest /= t.dim(a); }
        String where = t.rank() == 0 ? "" : " at index " + java.util.Arrays.toString(at);
        throw new CheckpointException(path + ": " + kind + " '" + name + "' holds " + String.format(java.util.Locale.ROOT, "%,d", bad) + " non-finite value"
                + (bad == 1 ? "" : "s") + " of " + String.format(java.util.Locale.ROOT, "%,d", t.size()) + " (the first is " + numpy(t.getDouble(first)) + where
                + "); these weights cannot be used");
    }

    int resume(Path path, Trainer t) throws IOException {
        Checkpoint c = read(path, setup.graph.weights());
        c.params().forEach((k, v) -> t.params().set(k, v));
        String opt = c.metadata().get(Checkpoint.OPTIMIZER);
        if (opt != null && !opt.equals(setup.graph.optimizerName))
            throw new UsageException(path + " was written by the " + opt + " optimizer, but this train block uses " + setup.graph.optimizerName);
        Map<String, List<Tensor>> state = new LinkedHashMap<>();
        for (Node p : setup.graph.params) {
            List<Tensor> slots = new ArrayList<>();
            for (String s : setup.graph.slotNames) {
                Tensor v = c.optimizerState().get(p.name() + "/" + s);
                if (v == null) throw new UsageException(path + " has no optimizer state " + p.name() + "/" + s + "; it cannot be resumed");
                requireFinite(path, "optimizer state", p.name() + "/" + s, v);
                slots.add(v);
            }
            state.put(p.name(), slots);
        }
        long step, epoch;
        try {
            step = c.metadataLong(Checkpoint.STEP, 0, Long.MAX_VALUE / 2, 0);
            epoch = c.metadataLong(Checkpoint.EPOCH, 0, Checkpoint.MAX_EPOCH, 0);
        } catch (CheckpointException e) {
            throw new UsageException(path + " is not a valid checkpoint: " + e.getMessage());
        }
        t.restore(step, state);
        String lr = c.metadata().get(LEARNING_RATE);
        if (lr != null && t.learningRate() != null) {
            try {
                t.setLearningRate(Float.parseFloat(lr));
            } catch (NumberFormatException e) {
                throw new UsageException(path + " is not a valid checkpoint: its learning_rate is not a number: " + lr);
            }
        }
        return (int) epoch;
    }
}
