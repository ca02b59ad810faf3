package dlm.compiler.passes;

import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs passes in order, round after round, until a whole round changes nothing (a fixed point)
 * or {@link #maxRounds} rounds have run, recording node counts and time per pass run.
 * {@link #standard()} is fold → simplify → CSE → DCE: folding exposes constants that simplify
 * removes, simplify exposes duplicates that CSE merges, and DCE drops what they left unused;
 * another round picks up what one pass exposed for an earlier one.
 */
public final class PassPipeline {
    public static final int DEFAULT_MAX_ROUNDS = 8;

    private final List<GraphPass> passes;
    private final int maxRounds;

    private PassPipeline(List<GraphPass> passes, int maxRounds) {
        if (maxRounds < 1) throw new IllegalArgumentException("maxRounds must be at least 1");
        this.passes = List.copyOf(passes);
        this.maxRounds = maxRounds;
    }

    /** fold → simplify → CSE → DCE, to a fixed point (at most {@value #DEFAULT_MAX_ROUNDS} rounds). */
    public static PassPipeline standard() {
        return of(new ConstantFolding(), new AlgebraicSimplification(), new CommonSubexpressionElimination(), new DeadCodeElimination());
    }

    /**
     * The rewrites into fused kernel forms, run on a graph about to be compiled (after
     * {@link #standard()}): their f32 results differ from the unfused chain's by rounding, which
     * compiled code may, and the interpreter's reference values must not.
     */
    public static PassPipeline beforeCodegen() {
        return of(new ConvEpilogueFusion(), new MaxPoolReluMaskFusion(), new ConvMaxPoolFusion(), new DeadCodeElimination());
    }

    public static PassPipeline of(GraphPass... passes) { return new PassPipeline(List.of(passes), DEFAULT_MAX_ROUNDS); }

    /** The same passes with another round cap (1 = run each pass once). */
    public PassPipeline maxRounds(int n) { return new PassPipeline(passes, n); }

    public int maxRounds() { return maxRounds; }

    public List<GraphPass> passes() { return passes; }

    /** Just the optimized graph. */
    public Graph apply(Graph g) { return run(g).graph(); }

    public PipelineResult run(Graph g) {
        Map<Node, Node> mapping = new IdentityHashMap<>();
        Map<Node, Node> origins = new IdentityHashMap<>();
        for (Node n : g.nodes()) {
            mapping.put(n, n);
            origins.put(n, n);
        }
        List<PassStats> stats = new ArrayList<>();
        Graph current = g;
        int round = 0;
        boolean converged = false;
        while (round < maxRounds && !converged) {
            round++;
            int changes = 0;
            for (GraphPass p : passes) {
                long t0 = System.nanoTime();
                PassResult r = p.run(current);
                long nanos = System.nanoTime() - t0;
                stats.add(new PassStats(p.name(), round, current.size(), r.graph().size(), r.changes(), nanos));
                changes += r.changes();
                mapping = compose(mapping, r.mapping());
                origins = composeOrigins(r.origins(), origins);
                current = r.graph();
            }
            converged = changes == 0;
        }
        return new PipelineResult(current, Collections.unmodifiableList(stats), Collections.unmodifiableMap(mapping),
                Collections.unmodifiableMap(origins), round, converged);
    }

    /** original → (old → new) = original → new, dropping nodes the pass removed. */
    private static Map<Node, Node> compose(Map<Node, Node> first, Map<Node, Node> second) {
        Map<Node, Node> m = new IdentityHashMap<>();
        for (var e : first.entrySet()) {
            Node n = second.get(e.getValue());
            if (n != null) m.put(e.getKey(), n);
        }
        return m;
    }

    /** new → old (from the pass) then old → original. */
    private static Map<Node, Node> composeOrigins(Map<Node, Node> pass, Map<Node, Node> before) {
        Map<Node, Node> m = new IdentityHashMap<>();
        for (var e : pass.entrySet()) {
            Node o = before.get(e.getValue());
            if (o != null) m.put(e.getKey(), o);
        }
        return m;
    }
}
