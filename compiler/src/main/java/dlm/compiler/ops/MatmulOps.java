package dlm.compiler.ops;

/** The tensor product: {@code matmul} ({@link MatmulOp}), DLM's {@code @}. */
final class MatmulOps {
    private MatmulOps() {}

    static void register() {
        OpRegistry.register(new MatmulOp());
    }
}
