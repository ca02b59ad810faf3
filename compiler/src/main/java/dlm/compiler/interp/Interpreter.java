package dlm.compiler.interp;

import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ops.ShapeException;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference interpreter: evaluates a graph node by node with each op's reference
 * evaluation. It is the golden model the compiled code is tested against, so it favours
 * obviousness over speed. Symbolic dims are bound from the fed inputs' actual shapes, and
 * every result is checked against its node's static type.
 */
public final class Interpreter {
    private final Graph graph;
    private final ParamStore params;

    public Interpreter(Graph graph, ParamStore params) {
        this.graph = graph;
        this.params = params;
    }

    /** Evaluates every node needed for {@code targets}; inputs without a feed use their default. */
    public Map<Node, Tensor> run(Map<Node, Tensor> feeds, List<Node> targets) {
        boolean[] needed = new boolean[graph.size()];
        List<Node> stack = new ArrayList<>(targets);
        while (!stack.isEmpty()) {
            Node n = stack.remove(stack.size() - 1);
            if (needed[n.id()]) continue;
            needed[n.id()] = true;
            stack.addAll(n.inputs());
        }
        Map<String, Dim> binding = new HashMap<>();
        Map<Node, Tensor> values = new IdentityHashMap<>();
        for (Node n : graph.nodes()) {
            if (!needed[n.id()]) continue;
            Tensor v = switch (n.opName()) {
                case "input" -> feed(n, feeds);
                case "param" -> params.get(n.name());
                default -> apply(n, values, binding);
            };
            bind(n, v, binding);
            values.put(n, v);
        }
        return values;
    }

    /** Evaluates one output of the graph by name. */
    public Tensor output(String name, Map<Node, Tensor> feeds) {
        Node out = graph.output(name);
        return run(feeds, List.of(out)).get(out);
    }

    private static Tensor feed(Node n, Map<Node, Tensor> feeds) {
        Tensor t = feeds.get(n);
        if (t == null && n.attrs().has("default")) t = n.attrs().getTensor("default");
        if (t == null) throw new DlmException(n.span(), "input '" + n.name() + "' has no value: give it a default or feed it");
        if (t.dtype() != n.type().dtype())
            throw new DlmException(n.span(), "input '" + n.name() + "' expects " + n.type() + ", got " + t.dtype() + Arrays.toString(t.shape()));
        return t;
    }

    private Tensor apply(Node n, Map<Node, Tensor> values, Map<String, Dim> binding) {
        List<Tensor> ins = new ArrayList<>(n.inputs().size());
        for (Node i : n.inputs()) ins.add(values.get(i));
        try {
            return n.op().eval(ins, concrete(n.attrs(), binding, n));
        } catch (ShapeException e) {
            throw new DlmException(n.span(), e.getMessage());
        }
    }

    /** Attributes with symbolic dims replaced by the sizes bound from the inputs. */
    private static Attrs concrete(Attrs attrs, Map<String, Dim> binding, Node n) {
        Attrs out = attrs;
        for (var e : attrs.asMap().entrySet()) {
            if (e.getValue() instanceof Shape s && !s.isKnown()) {
                Shape c = s.substitute(binding);
                if (!c.isKnown()) throw new DlmException(n.span(), "cannot evaluate: the dims of " + s + " are not bound by the inputs");
                out = out.with(e.getKey(), c);
            }
        }
        return out;
    }

    /** Unifies a value's actual shape with its node's static shape, binding single symbols. */
    private static void bind(Node n, Tensor v, Map<String, Dim> binding) {
        Shape st = n.type().shape();
        int[] actual = v.shape();
        if (actual.length != st.rank() || v.dtype() != n.type().dtype())
            throw new DlmException(n.span(), (n.is("input") ? "input '" + n.name() + "' expects " : "internal error: value of " + n.opName() + " should be ")
                    + n.type() + ", got " + v.dtype() + Arrays.toString(actual));
        for (int a = 0; a < actual.length; a++) {
            Dim d = st.dim(a).substitute(binding);
            if (d.isKnown()) {
                if (d.coefficient() != actual[a])
                    throw new DlmException(n.span(), (n.is("input") ? "input '" + n.name() + "'" : "value of " + n.label()) + " expects " + n.type()
                            + ", got shape " + Shape.of(actual).tuple() + ": axis " + a + " is " + d + " vs " + actual[a]);
            } else if (d.symbols().size() == 1 && actual[a] % d.coefficient() == 0) {
                binding.put(d.symbols().get(0), Dim.of(actual[a] / d.coefficient()));
            }
        }
    }

    public Graph graph() { return graph; }

    public ParamStore params() { return params; }
}
