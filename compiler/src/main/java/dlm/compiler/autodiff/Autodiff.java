package dlm.compiler.autodiff;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.OpRegistry;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Reverse-mode differentiation on the graph IR (like JAX's {@code backward_pass} or tinygrad's
 * {@code gradient.py}): {@code grad(y, wrt)} extends the graph with the nodes that compute
 * dy/dwrt and returns them. The backward nodes are ordinary IR, built by each op's own VJP rule
 * ({@link dlm.compiler.ops.Op#vjp}), so they print, evaluate, and can be differentiated again
 * ({@code grad(grad(y, x), x)}).
 *
 * <p>How it walks:
 * <ol>
 *   <li><b>Active</b> nodes are those that depend on some {@code wrt} through floating-point values:
 *       the wrt nodes themselves, then every floating-point node with an active input. Integer and
 *       bool values (comparisons, argmax, casts to integers, oneHot's labels, where's condition)
 *       are never active: they carry no gradient.</li>
 *   <li>The nodes to visit are the active ancestors of y, reached backwards from y through active
 *       nodes only.</li>
 *   <li>They are visited in reverse creation order, which is a reverse topological order. y is
 *       seeded with the constant 1 of its dtype; each visited node hands its accumulated
 *       cotangent to its op's VJP, asking only for its active inputs, and the contributions of
 *       a node's several consumers (fan-out) are summed with {@code add}. A VJP may return null
 *       for a zero contribution (sign, numel); a wrt whose contributions are all zero gets a
 *       tensor of zeros.</li>
 * </ol>
 * Every node made here carries the span of the forward node it comes from: a VJP's nodes that of
 * the node differentiated, an accumulating {@code add} that of the value whose cotangent it sums,
 * the seed that of y.
 */
public final class Autodiff {
    private Autodiff() {}

    /** {@link #grad(Graph, Node, List, SourceSpan)} for one wrt. */
    public static Node grad(Graph g, Node y, Node wrt, SourceSpan at) {
        return grad(g, y, List.of(wrt), at).get(0);
    }

    /**
     * The gradient of scalar {@code y} with respect to each of {@code wrt}, as nodes added to
     * {@code g} (each of the same type as its wrt). {@code wrt} may be any nodes of the graph —
     * params, inputs or intermediate values — and may include each other: the result is the
     * total derivative.
     *
     * @param at where the request is written (the {@code grad(...)} expression): errors point there
     * @throws DlmException when y is not a floating-point scalar, a wrt is an integer or bool value,
     *                      or y does not depend on a wrt through floating-point values
     */
    /**
     * How a value is named in messages: its name ({@code hidden.W}, a val's name), else the
     * source text that computes it ({@code sum(x)}), else its graph id ({@code %8}). A node
     * located at the grad request itself ({@code at}) has no source text of its own.
     */
    static String userLabel(Node n, SourceSpan at) {
        if (n.name() != null) return n.name();
        SourceSpan s = n.span();
        if (s != null && !s.isNone() && !s.equals(at) && s.endLine() == s.line() && s.endColumn() > s.column()) {
            String line = s.file().line(s.line());
            if (s.endColumn() - 1 <= line.length()) return line.substring(s.column() - 1, s.endColumn() - 1);
        }
        return n.label();
    }

    public static List<Node> grad(Graph g, Node y, List<Node> wrt, SourceSpan at) {
        TensorType yt = y.type();
        if (yt.rank() != 0) throw new DlmException(at, "grad needs a scalar, got " + yt);
        if (!yt.dtype().isFloating()) throw new DlmException(at, "grad needs a floating-point scalar, got " + yt);
        for (Node w : wrt) {
            checkInGraph(g, w, at);
            if (!w.type().dtype().isFloating())
                throw new DlmException(at, "grad(" + userLabel(y, at) + ", " + userLabel(w, at) + "): " + userLabel(w, at) + " is " + article(w.type()) + " "
                        + w.type() + " value and carries no gradient");
        }
        checkInGraph(g, y, at);

        int n = y.id() + 1; // nodes after y cannot be its ancestors
        boolean[] active = new boolean[n];
        for (Node w : wrt) if (w.id() < n) active[w.id()] = true;
        for (int id = 0; id < n; id++) {
            Node node = g.node(id);
            if (active[id] || !node.type().dtype().isFloating()) continue;
            for (Node in : node.inputs()) if (active[in.id()]) { active[id] = true; break; }
        }
        boolean[] visit = new boolean[n];
        if (active[y.id()]) mark(y, active, visit);
        for (Node w : wrt) {
            if (w.id() < n && visit[w.id()]) continue;
            String head = "grad(" + userLabel(y, at) + ", " + userLabel(w, at) + "): ";
            if (isAncestor(w, y))
                throw new DlmException(at, head + userLabel(y, at) + " does not depend on " + userLabel(w, at)
                        + " through floating-point values: it only reaches " + userLabel(y, at)
                        + " through integer or bool values (such as argmax, comparisons or a cast to an integer), which carry no gradient");
            throw new DlmException(at, head + userLabel(y, at) + " does not depend on " + userLabel(w, at));
        }

        Node[] cotangent = new Node[n];
        cotangent[y.id()] = g.addTyped(OpRegistry.get("constant"), List.of(), Attrs.of("value", Tensor.scalar(yt.dtype(), 1)), yt, y.span(), null);
        for (int id = y.id(); id >= 0; id--) {
            Node node = g.node(id);
            Node ct = cotangent[id];
            if (!visit[id] || ct == null) continue;
            boolean[] needs = new boolean[node.inputs().size()];
            boolean any = false;
            for (int i = 0; i < needs.length; i++) any |= needs[i] = active[node.input(i).id()];
            if (!any) continue;
            List<Node> parts;
            try {
                parts = node.op().vjp(node, ct, new GradBuilder(g, node, needs));
            } catch (NotDifferentiableException e) {
                throw new DlmException(at, "grad(" + y.label() + ", ...): cannot differentiate through '" + e.op() + "'"
                        + (node.span().isNone() ? "" : " at " + node.span()));
            }
            if (parts.size() != needs.length)
                throw new IllegalStateException("the VJP of '" + node.opName() + "' gave " + parts.size() + " cotangents for " + needs.length + " inputs");
            for (int i = 0; i < needs.length; i++) {
                Node part = parts.get(i);
                if (part == null || !needs[i]) continue;
                Node in = node.input(i);
                if (!part.type().equals(in.type()))
                    throw new IllegalStateException("the VJP of '" + node.opName() + "' gave a cotangent of type " + part.type()
                            + " for input " + i + " of type " + in.type());
                Node prev = cotangent[in.id()];
                cotangent[in.id()] = prev == null ? part : g.add("add", List.of(prev, part), Attrs.EMPTY, in.span());
            }
        }

        List<Node> out = new ArrayList<>(wrt.size());
        for (Node w : wrt) {
            Node ct = cotangent[w.id()];
            out.add(ct != null ? ct : new GradBuilder(g, w, new boolean[w.inputs().size()]).zerosLike(w));
        }
        return out;
    }

    /** Marks the active ancestors of {@code from} (itself included), following active nodes only. */
    private static void mark(Node from, boolean[] active, boolean[] visit) {
        List<Node> stack = new ArrayList<>(List.of(from));
        visit[from.id()] = true;
        while (!stack.isEmpty()) {
            Node node = stack.remove(stack.size() - 1);
            for (Node in : node.inputs()) {
                if (active[in.id()] && !visit[in.id()]) {
                    visit[in.id()] = true;
                    stack.add(in);
                }
            }
        }
    }

    /** Whether {@code a} is {@code b} or one of its ancestors along any edges. */
    private static boolean isAncestor(Node a, Node b) {
        if (a.id() > b.id()) return false;
        boolean[] seen = new boolean[b.id() + 1];
        List<Node> stack = new ArrayList<>(List.of(b));
        while (!stack.isEmpty()) {
            Node node = stack.remove(stack.size() - 1);
            if (node == a) return true;
            for (Node in : node.inputs()) {
                if (in.id() >= a.id() && !seen[in.id()]) {
                    seen[in.id()] = true;
                    stack.add(in);
                }
            }
        }
        return false;
    }

    private static void checkInGraph(Graph g, Node n, SourceSpan at) {
        if (n.id() >= g.size() || g.node(n.id()) != n) throw new IllegalArgumentException(n.label() + " is not a node of this graph");
    }

    /** "an i32", "a u8", "a bool" (as the names are read aloud). */
    private static String article(TensorType t) {
        char c = t.dtype().dlmName().charAt(0);
        return c == 'i' || c == 'f' ? "an" : "a";
    }
}
