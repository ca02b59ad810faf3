package dlm.compiler.check;

import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;

/**
 * The run-time leaves of a model graph that the trainer feeds, not the data: the training flag
 * (true in the train step, false in eval and predict, and in {@code dlmc run}), and the random
 * generator's seed and step counter. Each exists once per graph, created by its first use, and
 * is left out of the model's inputs ({@link dlm.compiler.ir.Graph#inputs}).
 *
 * <p>The compiled steps replace {@link #TRAINING} by a constant per step kind, so the branch a
 * step does not take ({@code where(training, a, b)}) is simplified away.
 */
public final class RuntimeInputs {
    private RuntimeInputs() {}

    /** bool scalar: whether this is the train step. */
    public static final String TRAINING = "training";
    /** i64 scalar: the run's seed (the key of {@link dlm.runtime.random.Philox}). */
    public static final String RNG_SEED = "rng.seed";
    /** i64 scalar: the train step counter (1 in the first step; 0 outside training). */
    public static final String RNG_STEP = "rng.step";

    public static Node training(Elaborator el, SourceSpan span) {
        return el.runtimeInput(TRAINING, Tensor.scalar(DType.BOOL, 0), span);
    }

    public static Node seed(Elaborator el, SourceSpan span) { return el.runtimeInput(RNG_SEED, i64(0), span); }

    public static Node step(Elaborator el, SourceSpan span) { return el.runtimeInput(RNG_STEP, i64(0), span); }

    /** An i64 scalar holding {@code v} exactly (not through a double). */
    public static Tensor i64(long v) {
        Tensor t = Tensor.zeros(DType.I64);
        t.i64Storage()[0] = v;
        return t;
    }
}
