package dlm.runtime.data;

import dlm.runtime.Tensor;

/**
 * A loaded image-classification dataset. Images and labels keep their file dtype ({@code u8}):
 * images {@code [n, 28, 28]}, labels {@code [n]}; scaling to floats is the model's business
 * (and fuses into its first layer).
 */
public record Dataset(String name, Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels) {}
