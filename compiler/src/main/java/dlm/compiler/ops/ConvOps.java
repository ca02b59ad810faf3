package dlm.compiler.ops;

/**
 * Convolution and pooling on NHWC tensors ({@link Window2d}): {@code conv2d} with its two
 * backward ops, {@code maxPool2d} and {@code avgPool2d} with theirs. Global average pooling and
 * flatten are composites (a mean, a reshape) built by the surface builtins. {@code conv2dMaxPool}
 * and its kernel gradient are a first layer's convolution fused with its pooling (made before code
 * generation only). {@code imageTransform}
 * (the resampling of the image augmentation layers) lives here too, on the same NHWC layout.
 */
final class ConvOps {
    private ConvOps() {}

    static void register() {
        OpRegistry.register(new Conv2dOp());
        OpRegistry.register(new Conv2dBackpropInputOp());
        OpRegistry.register(new Conv2dBackpropFilterOp());
        OpRegistry.register(new MaxPool2dOp());
        OpRegistry.register(new MaxPool2dBackpropOp());
        OpRegistry.register(new AvgPool2dOp());
        OpRegistry.register(new AvgPool2dBackpropOp());
        OpRegistry.register(new Conv2dMaxPoolOp());
        OpRegistry.register(new Conv2dMaxPoolBackpropFilterOp());
        OpRegistry.register(new ImageTransformOp());
        OpRegistry.register(new ImageTransformBackpropOp());
    }
}
