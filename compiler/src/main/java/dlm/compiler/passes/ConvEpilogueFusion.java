package dlm.compiler.passes;

import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds a convolution layer's {@code relu(conv2d(x, k) + b)} (or {@code conv2d(x, k) + b}, or
 * {@code relu(conv2d(x, k))}) into one {@code conv2d(x, k[, b])} node with attr {@code relu}, which the runtime kernel computes in its
 * GEMM epilogue: neither the convolution's result nor the sum is stored and re-read. Applies when
 * the convolution and the sum are each read only by the next node of the chain (and are not
 * outputs), and b is a vector of the convolution's filters, of its dtype.
 *
 * <p>The backward pass does not need the fused-away values: relu's VJP reads relu's output (which
 * the fused node computes), the sum's passes its cotangent through, and conv2d's reads x, k and
 * the cotangent only. The fused node rounds once where the chain rounds after the convolution and
 * after the sum, so the values may differ by rounding; that is why this runs only before code
 * generation (whose f32 products differ from the interpreter's by rounding anyway), not in
 * {@link PassPipeline#standard()}.
 */
public final class ConvEpilogueFusion implements KernelFusionPass {

    @Override
    public String name() { return "conv-epilogue"; }

    @Override
    public String summary() { return "a convolution's bias add and relu run in its GEMM epilogue"; }

    @Override
    public int fired(Graph g) {
        return (int) g.nodes().stream().filter(n -> n.is("conv2d") && (n.inputs().size() == 3 || n.attrs().getBool("relu", false))).count();
    }

    @Override
    public PassResult run(Graph g) {
        Map<Node, Integer> uses = new IdentityHashMap<>();
        for (Node n : g.nodes()) for (Node i : n.inputs()) uses.merge(i, 1, Integer::sum);
        Set<Node> outputs = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        outputs.addAll(g.outputs().values());
        // The chain's last node → its conv2d and bias; the nodes fused away.
        Map<Node, Node[]> fused = new IdentityHashMap<>();
        Set<Node> absorbed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : g.nodes()) {
            boolean relu = n.is("relu");
            if (relu && n.input(0).is("conv2d") && n.input(0).inputs().size() == 2 && !n.input(0).attrs().getBool("relu", false)
                    && single(n.input(0), uses, outputs)) {
                fused.put(n, new Node[] {n.input(0), null}); // relu(conv2d(x, k)): no bias
                absorbed.add(n.input(0));
                continue;
            }
            Node sum = relu ? n.input(0) : n;
            if (!sum.is("add") || absorbed.contains(sum) || relu && !single(sum, uses, outputs)) continue;
            for (int side = 0; side < 2; side++) {
                Node conv = sum.input(side), b = sum.input(1 - side);
                if (!conv.is("conv2d") || conv.inputs().size() != 2 || !single(conv, uses, outputs)) continue;
                if (b.type().rank() != 1 || !b.type().equals(conv.type().withShape(dlm.compiler.ir.Shape.of(conv.type().shape().dim(3))))) continue;
                // A bare sum that a relu reads is fused with that relu (later in the order), not alone.
                fused.remove(sum);
                fused.put(n, new Node[] {conv, b});
                absorbed.add(conv);
                if (relu) absorbed.add(sum);
                break;
            }
        }
        Rewriter rw = new Rewriter(g);
        for (Node n : g.nodes()) {
            Node[] cb = fused.get(n);
            if (absorbed.contains(n) && cb == null) {
                rw.drop(n);
            } else if (cb != null) {
                Node conv = cb[0];
                List<Node> ins = cb[1] == null ? List.of(rw.get(conv.input(0)), rw.get(conv.input(1)))
                        : List.of(rw.get(conv.input(0)), rw.get(conv.input(1)), rw.get(cb[1]));
                Node f = rw.create(n, "conv2d", ins, conv.attrs().with("relu", n.is("relu")));
                if (f == null) throw new IllegalStateException("conv2d rejected its own bias " + cb[1].type());
                rw.replace(n, f);
            } else {
                rw.copy(n);
            }
        }
        return rw.finish();
    }

    private static boolean single(Node n, Map<Node, Integer> uses, Set<Node> outputs) {
        return uses.getOrDefault(n, 0) == 1 && !outputs.contains(n);
    }
}
