package dlm.compiler.train;

import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.NonFinite;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a train step's loss became NaN or inf: the step's forward pass re-run on the reference
 * interpreter with every node's value kept, and the first op (in graph order) whose value is
 * non-finite although its inputs are finite. Training itself is unchanged: the compiled step
 * keeps no intermediate values, so the state before the step is restored from a {@link Snapshot}
 * and replayed up to it.
 */
public final class NonFiniteStep {
    private NonFiniteStep() {}

    /** A trainer's params, optimizer slots and step count, copied. */
    public record Snapshot(Map<String, Tensor> params, Map<String, List<Tensor>> slots, long step) {
        public static Snapshot of(Trainer t) {
            Map<String, Tensor> ps = new LinkedHashMap<>();
            for (Node p : t.graph().weights()) ps.put(p.name(), t.params().get(p.name()).copy());
            Map<String, List<Tensor>> ss = new LinkedHashMap<>();
            t.slots().forEach((k, v) -> ss.put(k, v.stream().map(Tensor::copy).toList()));
            return new Snapshot(ps, ss, t.step());
        }

        /** Puts the trainer back in this state (copies, so the snapshot stays as it is). */
        public void restoreInto(Trainer t) {
            params.forEach((k, v) -> t.params().set(k, v.copy()));
            Map<String, List<Tensor>> ss = new LinkedHashMap<>();
            slots.forEach((k, v) -> ss.put(k, new ArrayList<>(v.stream().map(Tensor::copy).toList())));
            t.restore(step, ss);
        }
    }

    /** The first op of the loss's forward pass that makes a NaN or inf from finite inputs, with the trainer's current params. */
    public static Optional<NonFinite.Source> firstSource(Trainer t, Tensor images, Tensor labels) { return firstSource(t, images, labels, null); }

    /** As above, for a batch with its sample weights (null: none, or each 1 when the step takes them). */
    public static Optional<NonFinite.Source> firstSource(Trainer t, Tensor images, Tensor labels, Tensor weights) {
        TrainGraph tg = t.graph();
        ParamStore ps = new ParamStore();
        for (Node p : tg.weights()) ps.set(p.name(), t.params().get(p.name()).copy());
        Map<Node, Tensor> feeds = new HashMap<>();
        feeds.put(tg.images, images);
        feeds.put(tg.labels, labels);
        Trainer.feedWeights(tg, feeds, weights, labels.dim(0));
        feeds.put(tg.step, Tensor.scalar(DType.F32, t.step() + 1));
        Map<Node, Tensor> vals = new Interpreter(tg.graph, ps).run(feeds, List.of(tg.trainLoss));
        List<NonFinite.Source> s = NonFinite.sources(tg.graph, vals);
        return s.isEmpty() ? Optional.empty() : Optional.of(s.get(0));
    }
}
