package dlm.compiler.ir;

import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ops.Op;
import java.util.List;

/**
 * One value of the computation graph: an op applied to input nodes with static attributes,
 * its inferred type, an optional readable name ({@code hidden.W}, {@code x1}) and the source
 * span of the expression it comes from. Nodes are immutable except for the name, which the
 * checker fills in once when a {@code val} binds the value.
 */
public final class Node {
    private final int id;
    private final Op op;
    private final List<Node> inputs;
    private final Attrs attrs;
    private final TensorType type;
    private final SourceSpan span;
    private String name;

    Node(int id, Op op, List<Node> inputs, Attrs attrs, TensorType type, SourceSpan span, String name) {
        this.id = id;
        this.op = op;
        this.inputs = List.copyOf(inputs);
        this.attrs = attrs;
        this.type = type;
        this.span = span;
        this.name = name;
    }

    public int id() { return id; }

    public Op op() { return op; }

    public String opName() { return op.name(); }

    public List<Node> inputs() { return inputs; }

    public Node input(int i) { return inputs.get(i); }

    public Attrs attrs() { return attrs; }

    public TensorType type() { return type; }

    public SourceSpan span() { return span; }

    /** The user-visible name, or null. */
    public String name() { return name; }

    public boolean is(String opName) { return op.name().equals(opName); }

    /** Names this node unless it already has a name (params keep their paths, inputs their names). */
    public void nameIfUnnamed(String n) {
        if (name == null) name = n;
    }

    /** The name when there is one, else {@code %id}. */
    public String label() { return name != null ? name : "%" + id; }

    @Override
    public String toString() { return label() + ": " + type; }
}
