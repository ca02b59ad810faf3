package dlm.runtime.data;

import dlm.runtime.Tensor;

/**
 * A loaded dataset. Images and labels keep their file dtype ({@code u8} for MNIST):
 * images {@code [n, 28, 28]}, labels {@code [n]}; scaling to floats is the model's business
 * (and fuses into its first layer). {@code trainWeights} and {@code testWeights} are one f32
 * weight a sample (Keras's sample_weight) when the data gives them, else null.
 */
public record Dataset(String name, Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels, Tensor trainWeights, Tensor testWeights, ByName byName) {
    public Dataset(String name, Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels) {
        this(name, trainImages, trainLabels, testImages, testLabels, null, null);
    }

    public Dataset(String name, Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels, Tensor trainWeights, Tensor testWeights) {
        this(name, trainImages, trainLabels, testImages, testLabels, trainWeights, testWeights, null);
    }

    /**
     * The data of a model of several inputs or outputs, fed by name: every row's value of each
     * input and of each output's labels, in the model's order. Such a dataset's images and labels
     * are then row numbers (i32 {@code [n]}, the same tensor for both) into these tensors, so that
     * batching, shuffling and holding out validation rows cut all of them alike.
     */
    public record ByName(java.util.List<Tensor> inputs, java.util.List<Tensor> targets) {}
}
