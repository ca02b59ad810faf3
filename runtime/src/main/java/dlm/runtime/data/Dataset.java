package dlm.runtime.data;

import dlm.runtime.Tensor;

/**
 * A loaded dataset. Images and labels keep their file dtype ({@code u8} for MNIST):
 * images {@code [n, 28, 28]}, labels {@code [n]}; scaling to floats is the model's business
 * (and fuses into its first layer). {@code trainWeights} and {@code testWeights} are one f32
 * weight a sample (Keras's sample_weight) when the data gives them, else null.
 */
public record Dataset(String name, Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels, Tensor trainWeights, Tensor testWeights) {
    public Dataset(String name, Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels) {
        this(name, trainImages, trainLabels, testImages, testLabels, null, null);
    }
}
