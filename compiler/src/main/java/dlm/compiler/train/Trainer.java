package dlm.compiler.train;

import dlm.compiler.interp.ParamStore;
import dlm.runtime.Tensor;
import dlm.runtime.train.Trainable;
import java.util.List;
import java.util.Map;

/**
 * A backend that runs a {@link TrainGraph}: the reference interpreter ({@link InterpretedTrainer})
 * or compiled code. Both hold the params, the optimizer slots (per param, in
 * {@link TrainGraph#slotNames} order) and the step counter, which checkpoints save and restore.
 */
public interface Trainer extends Trainable {
    TrainGraph graph();

    ParamStore params();

    Map<String, List<Tensor>> slots();

    long step();

    /** Seeds the run-time random tensors (dropout masks, …): the run's {@code --seed}; 0 until set. */
    void randomSeed(long seed);

    /** Restores params already set in {@link #params()} plus the optimizer state (from a checkpoint). */
    void restore(long step, Map<String, List<Tensor>> state);
}
