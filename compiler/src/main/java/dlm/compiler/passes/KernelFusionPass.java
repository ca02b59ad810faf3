package dlm.compiler.passes;

import dlm.compiler.ir.Graph;

/**
 * A graph pass that rewrites a chain of ops into one kernel op's fused form, run just before code
 * generation ({@link PassPipeline#beforeCodegen()}). {@code dlmc graph --stats} lists these with
 * the planner's fusion rules.
 */
public interface KernelFusionPass extends GraphPass {

    /** What it does, in a line. */
    String summary();

    /** How many fused forms of this pass a graph it has run on holds. */
    int fired(Graph g);
}
