package dlm.compiler.autodiff;

import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.OpRegistry;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a VJP rule ({@link dlm.compiler.ops.Op#vjp}) builds its cotangents with: ordinary graph
 * nodes added to the forward node's graph, each checked by its op's type rule and located at the
 * forward node's source span (so every node made by differentiation points at the expression it
 * comes from). One builder serves one forward node; it also knows which of the node's inputs need
 * a gradient ({@link #needs}), so rules build nothing for the others ({@link #perInput}).
 *
 * <p>Helpers that would add an identity node (a reshape to the same shape, a sum over no axes, a
 * cast to the same dtype, …) return their input instead, so backward graphs stay readable.
 */
public final class GradBuilder {
    private final Graph graph;
    private final Node node;
    private final boolean[] needs;

    /**
     * @param needs per input of {@code node}, whether the caller wants its cotangent;
     *              null means every floating-point input
     */
    public GradBuilder(Graph graph, Node node, boolean[] needs) {
        this.graph = graph;
        this.node = node;
        if (needs == null) {
            needs = new boolean[node.inputs().size()];
            for (int i = 0; i < needs.length; i++) needs[i] = node.input(i).type().dtype().isFloating();
        }
        if (needs.length != node.inputs().size())
            throw new IllegalArgumentException(needs.length + " flags for the " + node.inputs().size() + " inputs of " + node.opName());
        this.needs = needs.clone();
    }

    public Graph graph() { return graph; }

    /** The forward node whose VJP is being built. */
    public Node node() { return node; }

    /** The span every node made by this builder gets: the forward node's. */
    public SourceSpan span() { return node.span(); }

    /** Whether input {@code i} of the forward node needs a cotangent. */
    public boolean needs(int i) { return needs[i]; }

    /**
     * The cotangents of the forward node's inputs, one rule per input in order; a rule runs only
     * when its input needs a gradient (else the entry is null, and no node is built). A rule may
     * itself return null for a zero cotangent.
     */
    @SafeVarargs
    public final List<Node> perInput(Supplier<Node>... rules) {
        if (rules.length != node.inputs().size())
            throw new IllegalStateException("the VJP of '" + node.opName() + "' gives " + rules.length + " rules for "
                    + node.inputs().size() + " inputs");
        List<Node> out = new ArrayList<>(rules.length);
        for (int i = 0; i < rules.length; i++) out.add(needs[i] && rules[i] != null ? rules[i].get() : null);
        return out;
    }

    /** A rule for an input that never gets a gradient (a bool condition, integer labels). */
    public static Supplier<Node> none() { return () -> null; }

    // ---- generic ---------------------------------------------------------------------------------

    /** Adds a node of any registered op, checked by its type rule. */
    public Node op(String name, Attrs attrs, Node... inputs) {
        return graph.add(name, List.of(inputs), attrs, span());
    }

    public Node op(String name, Node... inputs) { return op(name, Attrs.EMPTY, inputs); }

    public Node constant(Tensor t) {
        return graph.addTyped(OpRegistry.get("constant"), List.of(), Attrs.of("value", t), new TensorType(t.dtype(), Shape.of(t.shape())), span(), null);
    }

    /** A rank-0 constant. */
    public Node scalar(double v, DType dtype) { return constant(Tensor.scalar(dtype, v)); }

    /** A rank-0 constant of {@code like}'s dtype. */
    public Node scalarLike(double v, Node like) { return scalar(v, like.type().dtype()); }

    /** A tensor of type {@code t} filled with {@code v}: a scalar constant broadcast (symbolic dims allowed). */
    public Node full(double v, TensorType t) { return broadcastTo(scalar(v, t.dtype()), t.shape()); }

    public Node zerosLike(Node x) { return full(0, x.type()); }

    // ---- element-wise ----------------------------------------------------------------------------

    public Node add(Node a, Node b) { return op("add", a, b); }

    public Node sub(Node a, Node b) { return op("sub", a, b); }

    /** {@code a * b}; a factor that is the scalar constant 1 (the seed of a gradient) is dropped. */
    public Node mul(Node a, Node b) {
        if (isScalarOne(a) && a.type().dtype() == b.type().dtype()) return b;
        if (isScalarOne(b) && a.type().dtype() == b.type().dtype()) return a;
        return op("mul", a, b);
    }

    private static boolean isScalarOne(Node n) {
        return n.is("constant") && n.type().rank() == 0 && n.attrs().getTensor("value").getDouble(0) == 1;
    }

    public Node div(Node a, Node b) { return op("div", a, b); }

    public Node neg(Node a) { return op("neg", a); }

    /** {@code a * c} for a number c (no node when c is 1). */
    public Node scale(Node a, double c) { return c == 1 ? a : mul(a, scalarLike(c, a)); }

    public Node pow(Node a, Node b) { return op("pow", a, b); }

    public Node square(Node a) { return op("square", a); }

    public Node exp(Node a) { return op("exp", a); }

    public Node log(Node a) { return op("log", a); }

    public Node sin(Node a) { return op("sin", a); }

    public Node cos(Node a) { return op("cos", a); }

    public Node sign(Node a) { return op("sign", a); }

    public Node greater(Node a, Node b) { return op("greater", a, b); }

    public Node less(Node a, Node b) { return op("less", a, b); }

    public Node equal(Node a, Node b) { return op("equal", a, b); }

    /** {@code where(cond, a, b)}, broadcasting all three. */
    public Node where(Node cond, Node a, Node b) { return op("where", cond, a, b); }

    /** {@code where(cond, a, 0)}: a masked to where cond holds. */
    public Node maskWhere(Node cond, Node a) { return where(cond, a, scalarLike(0, a)); }

    public Node cast(Node x, DType to) { return x.type().dtype() == to ? x : op("cast", Attrs.of("dtype", to), x); }

    // ---- movement --------------------------------------------------------------------------------

    public Node reshape(Node x, Shape s) { return x.type().shape().equals(s) ? x : op("reshape", Attrs.of("shape", s), x); }

    public Node transpose(Node x, int[] perm) {
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) identity &= perm[i] == i;
        return identity ? x : op("transpose", Attrs.of("perm", perm.clone()), x);
    }

    /** Swaps the last two axes (the matrix transpose of a stack of matrices). */
    public Node transposeLastTwo(Node x) {
        int r = x.type().rank();
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) perm[i] = i;
        perm[r - 2] = r - 1;
        perm[r - 1] = r - 2;
        return transpose(x, perm);
    }

    public Node broadcastTo(Node x, Shape s) { return x.type().shape().equals(s) ? x : op("broadcastTo", Attrs.of("shape", s), x); }

    public Node matmul(Node a, Node b) { return op("matmul", a, b); }

    // ---- reductions ------------------------------------------------------------------------------

    /** Sum over {@code axes} (none: x itself). */
    public Node sum(Node x, int[] axes, boolean keepdims) {
        if (axes.length == 0) return x;
        return op("sum", Attrs.of("axes", axes.clone(), "keepdims", keepdims), x);
    }

    /**
     * The number of elements of x over the axes in {@code mask}, as a scalar of {@code dtype}: a
     * constant when those dims are known, else a {@code numel} node that reads the size when the
     * graph runs (the mean over a symbolic batch axis divides by {@code batch}).
     */
    public Node count(Node x, boolean[] mask, DType dtype) {
        Dim n = Dim.of(1);
        List<Integer> axes = new ArrayList<>();
        for (int a = 0; a < mask.length; a++) {
            if (!mask[a]) continue;
            n = n.times(x.type().shape().dim(a));
            axes.add(a);
        }
        if (n.isKnown()) return scalar(n.coefficient(), dtype);
        return op("numel", Attrs.of("axes", axes.stream().mapToInt(Integer::intValue).toArray(), "dtype", dtype), x);
    }

    /**
     * The reduced-axes mask of a reduction node with attr {@code axes} (absent: all axes), or attr
     * {@code axis} (absent: all), over a value of rank {@code rank}.
     */
    public static boolean[] reducedAxes(Attrs attrs, int rank) {
        boolean[] mask = new boolean[rank];
        if (attrs.has("axes")) for (int a : attrs.getInts("axes")) mask[a] = true;
        else if (attrs.has("axis")) mask[attrs.getInt("axis")] = true;
        else Arrays.fill(mask, true);
        return mask;
    }

    /** {@code s} with the axes in {@code mask} set to 1: the keepdims shape of a reduction. */
    public static Shape keptShape(Shape s, boolean[] mask) {
        List<Dim> dims = new ArrayList<>(s.dims());
        for (int a = 0; a < mask.length; a++) if (mask[a]) dims.set(a, Dim.of(1));
        return new Shape(dims);
    }

    /**
     * Undoes a reduction's shape: the reduced value {@code r} (with or without kept axes) of an
     * x of shape {@code xShape}, broadcast back to {@code xShape}.
     */
    public Node broadcastBack(Node r, Shape xShape, boolean[] mask) {
        // Kept axes, or only leading axes dropped: r already aligns on the right with x.
        int lead = xShape.rank() - r.type().rank();
        boolean aligned = true;
        for (int a = 0; a < mask.length && lead > 0; a++) aligned &= mask[a] == (a < lead);
        return broadcastTo(aligned ? r : reshape(r, keptShape(xShape, mask)), xShape);
    }

    /**
     * Sums a broadcast cotangent back to the shape of the operand that was broadcast: over the
     * leading axes the operand lacks and over the axes where it has size 1 but {@code g} does
     * not. Static shapes only, so symbolic dims are fine.
     */
    public Node sumToShape(Node g, Shape target) {
        Shape from = g.type().shape();
        if (from.equals(target)) return g;
        int lead = from.rank() - target.rank();
        if (lead < 0) throw new IllegalStateException("cannot sum " + g.type() + " down to " + target);
        List<Integer> axes = new ArrayList<>();
        for (int a = 0; a < from.rank(); a++) {
            if (a < lead) { axes.add(a); continue; }
            Dim f = from.dim(a), t = target.dim(a - lead);
            if (f.equals(t)) continue;
            if (!t.isOne()) throw new IllegalStateException("cannot sum " + g.type() + " down to " + target + ": axis " + a);
            axes.add(a);
        }
        return reshape(sum(g, axes.stream().mapToInt(Integer::intValue).toArray(), false), target);
    }

    /** {@link #sumToShape} to the shape of a forward input. */
    public Node unbroadcast(Node g, Node input) { return sumToShape(g, input.type().shape()); }
}
