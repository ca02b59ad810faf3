package dlm.compiler.passes;

import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds relu's gradient mask into the max-pooling gradient that feeds it:
 * {@code where(x > 0, maxPool2dBackprop(x, dy), 0)} becomes {@code maxPool2dBackprop(x, dy){relu}},
 * which the kernel computes by sending a window's dy only when its winning value is above 0. In a
 * convnet's backward pass x is a relu's output (relu's VJP masks with {@code out > 0}), pooled
 * next; the mask then costs no pass over the convolution's output.
 *
 * <p>Exact for every x: cells that win no window get 0 either way, and a winning cell gets dy
 * from its windows exactly when x > 0 there (all of its windows see the same value). Applies
 * when the pooling gradient is read only by the {@code where} and is not an output; the mask's
 * {@code greater} is left to dead-code elimination.
 */
public final class MaxPoolReluMaskFusion implements KernelFusionPass {

    @Override
    public String name() { return "maxpool-relu-mask"; }

    @Override
    public String summary() { return "where(x > 0, maxPool2dBackprop(x, dy), 0): a window's gradient goes only to a winner above 0"; }

    @Override
    public int fired(Graph g) { return (int) g.nodes().stream().filter(n -> n.is("maxPool2dBackprop") && n.attrs().getBool("relu", false)).count(); }

    @Override
    public PassResult run(Graph g) {
        Map<Node, Integer> uses = new IdentityHashMap<>();
        for (Node n : g.nodes()) for (Node i : n.inputs()) uses.merge(i, 1, Integer::sum);
        Set<Node> outputs = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        outputs.addAll(g.outputs().values());
        Map<Node, Node> fused = new IdentityHashMap<>(); // where → its pooling gradient
        for (Node n : g.nodes()) {
            if (!n.is("where") || !Patterns.isSplat(n.input(2), 0)) continue;
            Node cond = n.input(0), grad = n.input(1);
            if (!cond.is("greater") || !Patterns.isSplat(cond.input(1), 0)) continue;
            if (!grad.is("maxPool2dBackprop") || grad.attrs().getBool("relu", false) || grad.input(0) != cond.input(0)) continue;
            if (uses.getOrDefault(grad, 0) != 1 || outputs.contains(grad) || !n.type().equals(grad.type())) continue;
            fused.put(n, grad);
        }
        if (fused.isEmpty()) return Rewriter.copyOf(g);
        Set<Node> absorbed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        absorbed.addAll(fused.values());
        Rewriter rw = new Rewriter(g);
        for (Node n : g.nodes()) {
            Node grad = fused.get(n);
            if (absorbed.contains(n)) {
                rw.drop(n);
            } else if (grad != null) {
                Node f = rw.create(grad, "maxPool2dBackprop", List.of(rw.get(grad.input(0)), rw.get(grad.input(1))), grad.attrs().with("relu", true));
                rw.replace(n, f);
            } else {
                rw.copy(n);
            }
        }
        return rw.finish();
    }
}
