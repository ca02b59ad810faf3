package dlm.compiler.ir;

import dlm.compiler.ops.RowAxes;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether every row of a graph's output is computed from the same row of its inputs alone, as
 * each op's {@link dlm.compiler.ops.Op#rowAxis} rule says (conservatively). When it is, a step
 * compiled for batches of B rows gives the same row k for any other rows beside it, so a short
 * batch may be padded; when not, the first op (in graph order) that mixes rows the output reads
 * is the place to name.
 */
public final class RowDependence {
    private RowDependence() {}

    /**
     * The first node, in graph order, among those the {@code outputs} depend on, whose value may
     * mix batch rows while its inputs do not — empty when every output's row k reads row k of the
     * {@code rowInputs} (rows on their axis 0) alone. Other inputs, params and constants are row-free.
     */
    public static Optional<Node> firstMixing(Graph g, Set<Node> rowInputs, Collection<Node> outputs) {
        Set<Node> needed = Graph.dependencies(outputs);
        Map<Node, Integer> axis = new HashMap<>();
        for (Node n : g.nodes()) {
            if (!needed.contains(n)) continue;
            int result;
            if (n.inputs().isEmpty()) {
                result = rowInputs.contains(n) && n.type().rank() > 0 ? 0 : RowAxes.NONE;
            } else {
                int[] in = new int[n.inputs().size()];
                boolean inputsMixed = false;
                for (int i = 0; i < in.length; i++) {
                    in[i] = axis.get(n.input(i));
                    inputsMixed |= in[i] == RowAxes.MIXED;
                }
                result = n.op().rowAxis(n, in);
                if (result == RowAxes.MIXED && !inputsMixed) return Optional.of(n);
            }
            axis.put(n, result);
        }
        return Optional.empty();
    }
}
