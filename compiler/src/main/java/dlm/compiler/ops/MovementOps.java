package dlm.compiler.ops;

final class MovementOps {
    private MovementOps() {}

    static void register() {}
}
