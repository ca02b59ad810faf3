package dlm.compiler.passes;

import dlm.compiler.ir.Graph;

/**
 * A graph-to-graph transformation that never changes the values a graph computes. Graphs are
 * append-only, so a pass builds a NEW graph (with a {@link Rewriter}) and leaves its argument
 * untouched; the {@link PassResult} also says which new node each old node became.
 */
public interface GraphPass {

    /** The short name shown in {@link PassStats} tables ({@code fold}, {@code simplify}, …). */
    String name();

    /** Rewrites {@code g} into a new graph. */
    PassResult run(Graph g);

    /** Just the rewritten graph. */
    default Graph apply(Graph g) { return run(g).graph(); }
}
