package dlm.compiler.ops;

final class ReductionOps {
    private ReductionOps() {}

    static void register() {}
}
