package dlm.compiler.ops;

/**
 * Ops along one axis that are neither reductions nor movements (running sums, sorting, gathering
 * by indices), one entry each; each is a kernel op over {@code dlm.runtime.exec}.
 */
final class ArrayOps {
    private ArrayOps() {}

    static void register() {
        OpRegistry.register(new CumsumOp());
        OpRegistry.register(new ArgsortOp());
        OpRegistry.register(new TakeAlongAxisOp());
        OpRegistry.register(new ScatterAddOp());
    }
}
