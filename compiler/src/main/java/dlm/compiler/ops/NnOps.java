package dlm.compiler.ops;

/**
 * The neural-network ops with no element-wise or reduction form: softmax, logSoftmax, oneHot, and
 * the fused, numerically stable sparseSoftmaxCrossEntropy, and the run-time random tensors
 * randomUniform and randomNormal.
 */
final class NnOps {
    private NnOps() {}

    static void register() {
        OpRegistry.register(new SoftmaxOp("softmax", false));
        OpRegistry.register(new SoftmaxOp("logSoftmax", true));
        OpRegistry.register(new OneHotOp());
        OpRegistry.register(new SparseSoftmaxCrossEntropyOp());
        OpRegistry.register(new RandomOp("randomUniform", false));
        OpRegistry.register(new RandomOp("randomNormal", true));
    }
}
