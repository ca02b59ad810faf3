package dlm.compiler.ops;

/**
 * The movement ops: they only rearrange, repeat or select elements, never compute new values,
 * so they accept every dtype and copy elements bit for bit. One class per op, each with its
 * type rule, its reference evaluation and its VJP (the inverse movement) side by side.
 */
final class MovementOps {
    private MovementOps() {}

    static void register() {
        OpRegistry.register(new ReshapeOp());
        OpRegistry.register(new TransposeOp());
        OpRegistry.register(new ExpandDimsOp());
        OpRegistry.register(new SqueezeOp());
        OpRegistry.register(new TileOp());
        OpRegistry.register(new BroadcastToOp());
        OpRegistry.register(new SliceOp());
        OpRegistry.register(new ConcatOp());
        OpRegistry.register(new PadOp());
    }
}
