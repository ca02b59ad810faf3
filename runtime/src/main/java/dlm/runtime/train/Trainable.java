package dlm.runtime.train;

import dlm.runtime.Tensor;
import java.util.List;

/**
 * What the training loop drives: a compiled (or interpreted) model with its loss, metrics and
 * optimizer. Implementations own their params and optimizer state; the loop owns the data.
 */
public interface Trainable {

    /** The metric names, in the order their values follow the loss in step results. */
    List<String> metricNames();

    /**
     * One optimizer step on a batch. Returns {@code [loss, metric…]}, each the mean over the batch.
     * The arrays may be reused by the caller only until the next call.
     */
    double[] trainStep(Tensor images, Tensor labels);

    /**
     * All the train steps of an epoch at once, when the model runs epochs elsewhere (a cluster's
     * ranks, which exchange gradients among themselves): the steps over {@code batcher}'s batches
     * in the row order {@code order}, giving each step's {@code [loss, metric…]} as
     * {@link #trainStep} would. Null (the default): the loop runs the steps one by one.
     */
    default double[][] trainEpoch(Batcher batcher, int[] order, int epoch) { return null; }

    /** Loss and metrics on a batch, without updating anything. */
    double[] evalStep(Tensor images, Tensor labels);

    /** The model's output (e.g. class probabilities) for a batch. */
    Tensor predict(Tensor images);

    /**
     * How much a training batch's metrics count in the epoch's means: its size, or, when training
     * weighs samples (class weights), the sum of its samples' weights, so that the epoch's metric
     * is Σ v·w / Σ w over the epoch, as Keras's weighted metrics. The loss always counts by size.
     */
    default double metricWeight(Tensor labels) { return labels.size(); }

    /**
     * One optimizer step on a batch whose samples weigh {@code weights} (Keras's sample_weight, one
     * f32 a sample; null: none): each sample's loss is multiplied by its weight before the mean
     * over the batch. A model that takes no weights refuses them.
     */
    default double[] trainStep(Tensor images, Tensor labels, Tensor weights) {
        if (weights != null) throw new UnsupportedOperationException("this model does not train with sample weights");
        return trainStep(images, labels);
    }

    /** {@link #metricWeight(Tensor)} of a batch with its sample weights (null: none). */
    default double metricWeight(Tensor labels, Tensor weights) { return metricWeight(labels); }
}
