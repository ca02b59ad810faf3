package dlm.compiler.passes;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.Op;
import dlm.compiler.ops.OpRegistry;
import dlm.compiler.ops.ShapeException;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rewriting infrastructure every pass uses: copies the nodes of a source graph into a new
 * target graph through an old→new map, one node at a time in the source's (topological) order.
 * For each old node a pass either {@linkplain #copy copies} it (same op, attrs, type, span and
 * name, inputs remapped), {@linkplain #replace replaces} it by a node already in the target
 * (possibly one just {@linkplain #create created} for it), or {@linkplain #drop drops} it.
 *
 * <p>Invariants kept here so that passes cannot break them:
 * <ul>
 *   <li>every node created for an old node carries that node's source span, so printed graphs
 *       and errors still point at the user's line;</li>
 *   <li>names survive: a copy keeps its name, and a replacement that has no name takes the
 *       replaced node's (when two nodes merge the first keeps its own name, or the named one
 *       wins);</li>
 *   <li>a created node's type comes from its op's type rule, and {@link #create} returns null
 *       rather than throwing when the rule rejects the inputs, so a pass can just skip;</li>
 *   <li>outputs are remapped by name in {@link #finish}.</li>
 * </ul>
 */
public final class Rewriter {
    private final Graph source;
    private final Graph target = new Graph();
    private final Map<Node, Node> mapping = new IdentityHashMap<>();
    private final Map<Node, Node> origins = new IdentityHashMap<>();
    private int changes;

    public Rewriter(Graph source) { this.source = source; }

    public Graph source() { return source; }

    /** The graph being built. */
    public Graph target() { return target; }

    /** The target node an already visited old node became; throws if it was dropped or not visited yet. */
    public Node get(Node old) {
        Node n = mapping.get(old);
        if (n == null) throw new IllegalStateException("node " + old.label() + " (" + old.opName() + ") has no counterpart in the rewritten graph");
        return n;
    }

    public boolean has(Node old) { return mapping.containsKey(old); }

    /** The target counterparts of an old node's inputs. */
    public List<Node> inputsOf(Node old) {
        List<Node> ins = new ArrayList<>(old.inputs().size());
        for (Node i : old.inputs()) ins.add(get(i));
        return ins;
    }

    /** Copies an old node as it is (inputs remapped); not a change. */
    public Node copy(Node old) {
        Node n = target.addTyped(old.op(), inputsOf(old), old.attrs(), old.type(), old.span(), old.name());
        origins.put(n, old);
        mapping.put(old, n);
        return n;
    }

    /**
     * Creates a node in the target for {@code origin} (whose span it takes), typed by the op's
     * rule; null when the rule rejects these inputs. The node is unnamed until it
     * {@linkplain #replace replaces} {@code origin}.
     */
    public Node create(Node origin, String opName, List<Node> inputs, Attrs attrs) {
        TensorType t = inferOrNull(OpRegistry.get(opName), inputs, attrs);
        if (t == null) return null;
        Node n = target.addTyped(OpRegistry.get(opName), inputs, attrs, t, origin.span(), null);
        origins.put(n, origin);
        return n;
    }

    /** A constant node for {@code origin}, holding {@code value}. */
    public Node constant(Node origin, Tensor value) {
        TensorType t = new TensorType(value.dtype(), Shape.of(value.shape()));
        Node n = target.addTyped(OpRegistry.get("constant"), List.of(), Attrs.of("value", value), t, origin.span(), null);
        origins.put(n, origin);
        return n;
    }

    /**
     * The type {@code op} would give these inputs, or null when its rule rejects them. Passes use
     * it to check a rewrite before creating anything (the target graph is append-only).
     */
    public static TensorType inferOrNull(Op op, List<Node> inputs, Attrs attrs) {
        List<TensorType> types = new ArrayList<>(inputs.size());
        for (Node in : inputs) types.add(in.type());
        try {
            return op.infer(types, attrs);
        } catch (ShapeException | IllegalArgumentException | ClassCastException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /**
     * Maps an old node to a target node that computes the same value (same type). The
     * replacement takes the old node's name when it has none. A change.
     */
    public void replace(Node old, Node replacement) {
        if (!old.type().equals(replacement.type()))
            throw new IllegalArgumentException("cannot replace " + old + " by " + replacement + ": the types differ");
        if (old.name() != null) replacement.nameIfUnnamed(old.name());
        mapping.put(old, replacement);
        changes++;
    }

    /** Leaves an old node out of the target graph (nothing may use it afterwards). A change. */
    public void drop(Node old) { changes++; }

    /** How many nodes were replaced or dropped so far. */
    public int changes() { return changes; }

    /** Remaps the outputs by name and returns the result. */
    public PassResult finish() {
        for (var e : source.outputs().entrySet()) target.setOutput(e.getKey(), get(e.getValue()));
        return new PassResult(target, Collections.unmodifiableMap(mapping), Collections.unmodifiableMap(origins), changes);
    }

    /** Copies a whole graph unchanged (a pass that did nothing, or a test fixture). */
    public static PassResult copyOf(Graph g) {
        Rewriter rw = new Rewriter(g);
        for (Node n : g.nodes()) rw.copy(n);
        return rw.finish();
    }
}
