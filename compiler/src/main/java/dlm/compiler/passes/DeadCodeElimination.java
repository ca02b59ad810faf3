package dlm.compiler.passes;

import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keeps only the nodes the outputs depend on — plus every {@code input} and {@code param} node,
 * used or not, in their original order: a model's signature (what callers feed) and its
 * parameter list (what checkpoints, optimizers and {@code ParamStore} hold) never change because
 * an optimization made a weight or an argument unnecessary.
 */
public final class DeadCodeElimination implements GraphPass {

    @Override
    public String name() { return "dce"; }

    @Override
    public PassResult run(Graph g) {
        List<Node> roots = new ArrayList<>(g.outputs().values());
        for (Node n : g.nodes()) if (n.is("input") || n.is("param")) roots.add(n);
        Set<Node> live = Graph.dependencies(roots);
        Rewriter rw = new Rewriter(g);
        for (Node n : g.nodes()) {
            if (live.contains(n)) rw.copy(n);
            else rw.drop(n);
        }
        return rw.finish();
    }
}
