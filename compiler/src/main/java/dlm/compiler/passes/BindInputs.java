package dlm.compiler.passes;

import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.Tensor;
import java.util.Map;

/**
 * Specializes a graph on known values of some of its inputs: each input named in {@code values}
 * becomes a constant of that value (same type), so the passes that follow fold what depends on
 * it. The compiled steps bind the training flag this way (true in the train step, false in eval
 * and predict), which removes the branch of {@code where(training, a, b)} a step does not take.
 */
public final class BindInputs {
    private BindInputs() {}

    public static Graph apply(Graph g, Map<String, Tensor> values) {
        Rewriter rw = new Rewriter(g);
        for (Node n : g.nodes()) {
            Tensor v = n.is("input") ? values.get(n.name()) : null;
            if (v == null) rw.copy(n);
            else rw.replace(n, rw.constant(n, v));
        }
        return rw.finish().graph();
    }
}
