package dlm.compiler.passes;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges nodes that compute the same value: the same op, the same (already merged) inputs, equal
 * attrs and the same type. The first node survives and keeps its name (or takes the later one's
 * when it has none); later uses point at it.
 *
 * <ul>
 *   <li>{@code input} and {@code param} nodes are NEVER merged, even when their names, shapes,
 *       dtypes and initializers are identical: two params are two independent weights that
 *       merely start out equal (and then train apart), two inputs are two arguments that a
 *       caller may feed differently. Merging them — as some systems did by hashing leaves on
 *       their attributes — silently ties weights together.</li>
 *   <li>{@code constant}s merge when their values have the same dtype, shape and bits (so
 *       {@code 0.0} and {@code -0.0} stay apart).</li>
 * </ul>
 */
public final class CommonSubexpressionElimination implements GraphPass {

    @Override
    public String name() { return "cse"; }

    /** The identity of a computed value: op, input nodes (by target id), attrs and type. */
    private record Key(String op, List<Integer> inputs, Attrs attrs, TensorType type) {}

    /** A constant's identity: its type, its other attrs and its value's bits (hashed; compared bitwise). */
    private static final class ConstKey {
        final Tensor value;
        final Attrs rest;
        final TensorType type;
        final int hash;

        ConstKey(Node n) {
            value = n.attrs().getTensor("value");
            Attrs r = Attrs.EMPTY;
            for (var e : n.attrs().asMap().entrySet()) if (!e.getKey().equals("value")) r = r.with(e.getKey(), e.getValue());
            rest = r;
            type = n.type();
            hash = 31 * (31 * Patterns.bitwiseHash(value) + rest.hashCode()) + type.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ConstKey k && k.type.equals(type) && k.rest.equals(rest) && Patterns.bitwiseEqual(k.value, value);
        }

        @Override
        public int hashCode() { return hash; }
    }

    @Override
    public PassResult run(Graph g) {
        Rewriter rw = new Rewriter(g);
        Map<Object, Node> seen = new HashMap<>();
        for (Node old : g.nodes()) {
            if (old.is("input") || old.is("param")) {
                rw.copy(old);
                continue;
            }
            Object key;
            if (old.is("constant")) {
                key = new ConstKey(old);
            } else {
                List<Integer> ids = new ArrayList<>(old.inputs().size());
                for (Node i : rw.inputsOf(old)) ids.add(i.id());
                key = new Key(old.opName(), ids, old.attrs(), old.type());
            }
            Node first = seen.get(key);
            if (first != null) rw.replace(old, first);
            else seen.put(key, rw.copy(old));
        }
        return rw.finish();
    }
}
