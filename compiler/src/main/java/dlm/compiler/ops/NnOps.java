package dlm.compiler.ops;

/**
 * The neural-network ops with no element-wise or reduction form: softmax, logSoftmax, oneHot, and
 * the fused, numerically stable sparseSoftmaxCrossEntropy.
 */
final class NnOps {
    private NnOps() {}

    static void register() {
        OpRegistry.register(new SoftmaxOp("softmax", false));
        OpRegistry.register(new SoftmaxOp("logSoftmax", true));
        OpRegistry.register(new OneHotOp());
        OpRegistry.register(new SparseSoftmaxCrossEntropyOp());
    }
}
