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

    /** The batch's weight in the epoch's means of the training metrics ({@link TrainGraph#metricWeight}). */
    @Override
    default double metricWeight(Tensor labels) { return graph().metricWeight(labels); }

    @Override
    default double metricWeight(Tensor labels, Tensor weights) { return graph().metricWeight(labels, weights); }

    /**
     * Feeds a train step's sample weights when its graph takes them: {@code weights}, or every
     * sample weighing 1 when none are given (a step that takes none refuses them).
     */
    static void feedWeights(TrainGraph tg, Map<dlm.compiler.ir.Node, Tensor> feeds, Tensor weights, int rows) {
        if (tg.sampleWeight == null) {
            if (weights != null) throw new IllegalArgumentException("this train step takes no sample weights");
            return;
        }
        feeds.put(tg.sampleWeight, weights != null ? weights : ones(rows));
    }

    /** One weight of 1 for each of {@code rows} samples. */
    static Tensor ones(int rows) {
        Tensor t = Tensor.zeros(dlm.runtime.DType.F32, rows);
        java.util.Arrays.fill(t.f32Storage(), 1f);
        return t;
    }

    /**
     * One optimizer step on a batch given as every input of the model and every output's labels,
     * in {@link TrainGraph#inputs} and {@link TrainGraph#labelInputs} order (a model trained by
     * name); {@code [loss, metric…]}, as {@link #trainStep(Tensor, Tensor)}.
     */
    double[] trainStep(Tensor[] inputs, Tensor[] labels);

    /** Loss and metrics on a batch of every input and every output's labels, without updating anything. */
    double[] evalStep(Tensor[] inputs, Tensor[] labels);

    /** Every output of the model ({@link TrainGraph#outputs}) for a batch of every input. */
    Tensor[] predictAll(Tensor[] inputs);

    /** Refuses a batch of the wrong number of tensors (a programming error: the data is checked against the model when it loads). */
    static void checkCount(String what, Tensor[] given, List<dlm.compiler.ir.Node> wanted) {
        if (given.length != wanted.size())
            throw new IllegalArgumentException("the step takes " + wanted.size() + " " + what + " (" + wanted.stream().map(dlm.compiler.ir.Node::name).toList() + "), got " + given.length);
    }

    /** The learning rate, when it is an input of the step ({@link TrainGraph#learningRate}; reduceLrOnPlateau sets it). */
    Tensor learningRate();

    /** Sets {@link #learningRate} (rounded to f32, as Keras's learning-rate variable). */
    default void setLearningRate(double lr) {
        if (learningRate() == null) throw new IllegalStateException("the learning rate is compiled into the step");
        learningRate().f32Storage()[0] = (float) lr;
    }

    /** A tensor holding the optimizer's initial learning rate when the graph takes it as an input, else null. */
    static Tensor initialLearningRate(TrainGraph tg) {
        if (tg.learningRate == null) return null;
        Tensor t = Tensor.zeros(dlm.runtime.DType.F32);
        t.f32Storage()[0] = (float) ((Number) tg.hyper.get("learningRate")).doubleValue();
        return t;
    }

    /** Seeds the run-time random tensors (dropout masks, …): the run's {@code --seed}; 0 until set. */
    void randomSeed(long seed);

    /** Restores params already set in {@link #params()} plus the optimizer state (from a checkpoint). */
    void restore(long step, Map<String, List<Tensor>> state);
}
