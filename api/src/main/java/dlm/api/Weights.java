package dlm.api;

import dlm.compiler.ir.Node;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.Tensor;
import dlm.runtime.io.Checkpoint;
import dlm.runtime.io.CheckpointException;
import dlm.runtime.io.TensorSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads a model's weights (params and states by name) from a checkpoint and checks that they fit it. */
final class Weights {
    private Weights() {}

    /**
     * The weights in {@code file} for the train graph's model: exactly its params and states, of
     * their dtypes and shapes, all finite; {@code shownAs} names the file in messages.
     */
    static Map<String, Tensor> read(Path file, String shownAs, TrainGraph tg) throws IOException {
        Checkpoint c = Checkpoint.load(file);
        Map<String, TensorSpec> expected = new LinkedHashMap<>();
        for (Node w : tg.weights()) expected.put(w.name(), TensorSpec.of(w.type().dtype(), w.type().shape().sizes()));
        try {
            c.verifyAgainst(expected);
        } catch (CheckpointException e) {
            List<String> problems = e.problems().isEmpty() ? List.of(e.getMessage()) : e.problems();
            throw new WeightsException(shownAs + " does not fit model " + tg.feed().model() + ": " + e.getMessage(), problems);
        }
        List<String> problems = new ArrayList<>();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : expected.keySet()) {
            Tensor t = c.params().get(name);
            long bad = nonFinite(t);
            if (bad > 0) problems.add(name + ": holds " + String.format(Locale.ROOT, "%,d", bad) + " non-finite value" + (bad == 1 ? "" : "s")
                    + " (NaN or ±inf) of " + String.format(Locale.ROOT, "%,d", t.size()));
            out.put(name, t);
        }
        if (!problems.isEmpty())
            throw new WeightsException(shownAs + ": these weights cannot be used:\n  " + String.join("\n  ", problems), problems);
        return out;
    }

    private static long nonFinite(Tensor t) {
        if (!t.dtype().isFloating()) return 0;
        long bad = 0;
        for (int i = 0; i < t.size(); i++) if (!Double.isFinite(t.getDouble(i))) bad++;
        return bad;
    }
}
