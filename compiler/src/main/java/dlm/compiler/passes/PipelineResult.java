package dlm.compiler.passes;

import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import java.util.List;
import java.util.Map;

/**
 * What a {@link PassPipeline} produced.
 *
 * @param graph    the optimized graph
 * @param stats    one entry per pass run, in order (each run's {@code nodesBefore} is the previous
 *                 run's {@code nodesAfter})
 * @param mapping  original node → the node of {@code graph} computing its value (absent when
 *                 the node was dead and removed). Identity-keyed.
 * @param origins  node of {@code graph} → the original node it was created for (it carries that
 *                 node's span). Identity-keyed.
 * @param rounds   how many rounds ran (the last one changed nothing, unless the cap was hit)
 * @param converged whether a round changed nothing before the cap
 */
public record PipelineResult(Graph graph, List<PassStats> stats, Map<Node, Node> mapping, Map<Node, Node> origins, int rounds, boolean converged) {

    /** The stats table ({@link PassStats#render}). */
    public String render() { return PassStats.render(stats); }

    public int nodesBefore() { return stats.isEmpty() ? graph.size() : stats.get(0).nodesBefore(); }

    public int nodesAfter() { return graph.size(); }
}
