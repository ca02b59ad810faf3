package dlm.compiler.passes;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replaces a node whose inputs are all constants by a constant holding its value, computed by
 * the op's reference {@code eval} — the interpreter's own code, so folding never changes a value
 * by even one bit.
 *
 * <p>A node is folded only when:
 * <ul>
 *   <li>it is not a leaf ({@code input}, {@code param}, {@code constant}) and has at least one
 *       input (an op with no inputs, e.g. a future random source, is left alone);</li>
 *   <li>its type, and every shape attribute, is fully known (no symbolic dims);</li>
 *   <li>the result is small: at most {@link #maxElements} elements (default
 *       {@value #DEFAULT_MAX_ELEMENTS}), so a {@code broadcastTo(0f, [60000, 784])} stays a cheap
 *       node instead of becoming a 188 MB literal in the graph;</li>
 *   <li>its inputs hold at most {@link #maxInputElements} elements in all (default
 *       {@value #DEFAULT_MAX_INPUT_ELEMENTS}), bounding the work done at compile time;</li>
 *   <li>eval succeeds: an error such as an integer division by zero is left for run time, where
 *       it is reported at the node's source line.</li>
 * </ul>
 */
public final class ConstantFolding implements GraphPass {
    public static final int DEFAULT_MAX_ELEMENTS = 4096;
    public static final int DEFAULT_MAX_INPUT_ELEMENTS = 1 << 20;

    private final int maxElements;
    private final int maxInputElements;

    public ConstantFolding() { this(DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_INPUT_ELEMENTS); }

    public ConstantFolding(int maxElements, int maxInputElements) {
        this.maxElements = maxElements;
        this.maxInputElements = maxInputElements;
    }

    public int maxElements() { return maxElements; }

    public int maxInputElements() { return maxInputElements; }

    @Override
    public String name() { return "fold"; }

    @Override
    public PassResult run(Graph g) {
        Rewriter rw = new Rewriter(g);
        for (Node old : g.nodes()) {
            List<Node> ins = old.inputs().isEmpty() ? List.of() : rw.inputsOf(old);
            Tensor value = foldable(old, ins) ? evaluate(old, ins) : null;
            if (value == null) rw.copy(old);
            else rw.replace(old, rw.constant(old, value));
        }
        return rw.finish();
    }

    private boolean foldable(Node old, List<Node> ins) {
        if (Patterns.isLeaf(old) || ins.isEmpty()) return false;
        if (!old.type().shape().isKnown()) return false;
        if (elements(old.type().shape()) > maxElements) return false;
        long inputElements = 0;
        for (Node i : ins) {
            if (!i.is("constant")) return false;
            inputElements += i.attrs().getTensor("value").size();
        }
        if (inputElements > maxInputElements) return false;
        for (Object v : old.attrs().asMap().values()) if (v instanceof Shape s && !s.isKnown()) return false;
        return true;
    }

    private static long elements(Shape s) {
        long n = 1;
        for (int d : s.sizes()) n *= d;
        return n;
    }

    /** The node's value, or null when eval fails or disagrees with the node's static type. */
    private static Tensor evaluate(Node old, List<Node> ins) {
        List<Tensor> values = new ArrayList<>(ins.size());
        for (Node i : ins) values.add(i.attrs().getTensor("value"));
        Attrs attrs = old.attrs();
        Tensor v;
        try {
            v = old.op().eval(values, attrs);
        } catch (RuntimeException e) {
            return null;
        }
        if (v == null || v.dtype() != old.type().dtype() || !Arrays.equals(v.shape(), old.type().shape().sizes())) return null;
        return v;
    }
}
