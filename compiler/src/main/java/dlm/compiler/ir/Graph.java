package dlm.compiler.ir;

import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ops.Op;
import dlm.compiler.ops.OpRegistry;
import dlm.compiler.ops.ShapeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The typed computation graph: nodes in creation order (which is a topological order, since a
 * node's inputs exist before it), and named outputs ({@code output}, {@code loss}). The one IR
 * used by every stage: the checker builds it, autodiff extends it, passes rewrite it, the
 * interpreter and the code generator consume it.
 */
public final class Graph {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Node> outputs = new LinkedHashMap<>();

    /** Adds a node after checking its op's type rule; a rule violation becomes a located error. */
    public Node add(String opName, List<Node> inputs, Attrs attrs, SourceSpan span) {
        return add(OpRegistry.get(opName), inputs, attrs, span);
    }

    public Node add(Op op, List<Node> inputs, Attrs attrs, SourceSpan span) {
        List<TensorType> types = new ArrayList<>(inputs.size());
        for (Node in : inputs) types.add(in.type());
        TensorType t;
        try {
            t = op.infer(types, attrs);
        } catch (ShapeException e) {
            throw new dlm.compiler.diag.DlmException(span, e.getMessage());
        } catch (ArithmeticException e) {
            throw new dlm.compiler.diag.DlmException(span, "the shape of " + op.name() + " overflows 64-bit arithmetic");
        }
        return addTyped(op, inputs, attrs, t, span, null);
    }

    /** Adds a node whose type is given (inputs, params, constants: ops without inputs to infer from). */
    public Node addTyped(Op op, List<Node> inputs, Attrs attrs, TensorType type, SourceSpan span, String name) {
        String problem = type.shape().sizeProblem();
        if (problem != null) throw new dlm.compiler.diag.DlmException(span, "a tensor of type " + type + " cannot exist: " + problem);
        Node n = new Node(nodes.size(), op, inputs, attrs, type, span, name);
        nodes.add(n);
        return n;
    }

    public List<Node> nodes() { return Collections.unmodifiableList(nodes); }

    public Node node(int id) { return nodes.get(id); }

    public List<Node> nodesOf(String opName) {
        return nodes.stream().filter(n -> n.is(opName)).toList();
    }

    /**
     * The model's input nodes, in declaration order: not the run-time leaves a trainer feeds
     * (attr {@code runtime}: the training flag, the random seed and step).
     */
    public List<Node> inputs() { return nodes.stream().filter(n -> n.is("input") && !n.attrs().getBool("runtime", false)).toList(); }

    /** The run-time leaves (inputs with attr {@code runtime}), in creation order. */
    public List<Node> runtimeInputs() { return nodes.stream().filter(n -> n.is("input") && n.attrs().getBool("runtime", false)).toList(); }

    /** Param nodes, in creation order. */
    public List<Node> params() { return nodesOf("param"); }

    public void setOutput(String name, Node n) { outputs.put(name, n); }

    /** Forgets the outputs (a command that prints only some values sets its own). */
    public void clearOutputs() { outputs.clear(); }

    public Map<String, Node> outputs() { return Collections.unmodifiableMap(outputs); }

    public Node output(String name) { return outputs.get(name); }

    public int size() { return nodes.size(); }

    /** Every node the {@code roots} read, directly or not, and the roots themselves (an identity set). */
    public static java.util.Set<Node> dependencies(java.util.Collection<Node> roots) {
        java.util.Set<Node> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<Node> pending = new java.util.ArrayDeque<>(roots);
        while (!pending.isEmpty()) {
            Node n = pending.pop();
            if (seen.add(n)) pending.addAll(n.inputs());
        }
        return seen;
    }
}
