package dlm.compiler.train;

import dlm.compiler.check.RuntimeInputs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Map;

/**
 * The values a trainer feeds the run-time leaves of its graph ({@link RuntimeInputs}): the
 * random seed (the run's {@code --seed}), the random step (the train step counter, so every step
 * draws new values and a resumed run draws what an uninterrupted one would) and the training
 * flag (true only in the train step). Both backends feed the same values, so random tensors are
 * the same bits compiled or interpreted. The tensors are mutable and long-lived: the compiled
 * steps are bound to their arrays.
 */
final class RuntimeFeeds {
    final Tensor seed = RuntimeInputs.i64(0);
    final Tensor step = RuntimeInputs.i64(0);
    private final Node seedNode, stepNode, trainingNode;

    RuntimeFeeds(Graph g) {
        Node seed = null, step = null, training = null;
        for (Node n : g.runtimeInputs()) {
            switch (n.name()) {
                case RuntimeInputs.RNG_SEED -> seed = n;
                case RuntimeInputs.RNG_STEP -> step = n;
                case RuntimeInputs.TRAINING -> training = n;
                default -> throw new IllegalStateException("no feed for run-time input " + n.name());
            }
        }
        seedNode = seed;
        stepNode = step;
        trainingNode = training;
    }

    void setSeed(long s) { seed.i64Storage()[0] = s; }

    void setStep(long s) { step.i64Storage()[0] = s; }

    /** Binds the compiled steps' seed and step arrays (the training flag is a constant there). */
    void bind(Map<String, Tensor> bindings) {
        bindings.put(RuntimeInputs.RNG_SEED, seed);
        bindings.put(RuntimeInputs.RNG_STEP, step);
    }

    /** Adds the interpreter's feeds for a step that is (or is not) the train step. */
    void feed(Map<Node, Tensor> feeds, boolean training) {
        if (seedNode != null) feeds.put(seedNode, seed);
        if (stepNode != null) feeds.put(stepNode, step);
        if (trainingNode != null) feeds.put(trainingNode, Tensor.scalar(DType.BOOL, training ? 1 : 0));
    }
}
