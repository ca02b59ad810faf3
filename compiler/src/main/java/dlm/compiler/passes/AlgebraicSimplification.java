package dlm.compiler.passes;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.OpRegistry;
import dlm.runtime.DType;
import java.util.Arrays;
import java.util.List;

/**
 * Local rewrites that remove work without changing values. "0", "1" and "-1" below mean a node
 * whose every element is that number: a constant of any shape, possibly seen through
 * {@code broadcastTo}/{@code reshape}/… of a constant ({@link Patterns#isSplat}).
 *
 * <table>
 *   <caption>The rewrites</caption>
 *   <tr><td>{@code x + 0}, {@code 0 + x}, {@code x - 0}</td><td>{@code x}</td></tr>
 *   <tr><td>{@code x * 1}, {@code 1 * x}, {@code x / 1}, {@code pow(x, 1)}</td><td>{@code x}</td></tr>
 *   <tr><td>{@code x * -1}, {@code -1 * x}</td><td>{@code neg(x)}</td></tr>
 *   <tr><td>{@code x - neg(y)}</td><td>{@code x + y}</td></tr>
 *   <tr><td>{@code x + neg(y)}, {@code neg(y) + x}</td><td>{@code x - y}</td></tr>
 *   <tr><td>{@code neg(neg(x))}</td><td>{@code x}</td></tr>
 *   <tr><td>{@code relu(relu(x))}, {@code abs(abs(x))}, {@code sign(sign(x))}</td><td>the inner node</td></tr>
 *   <tr><td>{@code abs(neg(x))}</td><td>{@code abs(x)}</td></tr>
 *   <tr><td>{@code maximum(x, x)}, {@code minimum(x, x)}, {@code where(c, x, x)}</td><td>{@code x}</td></tr>
 *   <tr><td>{@code where(true, a, b)}, {@code where(false, a, b)} (a constant condition: the training flag in a step)</td><td>{@code a}, {@code b}</td></tr>
 *   <tr><td>{@code cast(x)} to x's own dtype</td><td>{@code x}</td></tr>
 *   <tr><td>{@code cast(cast(x, B), C)} when every value of x's dtype is exact in B</td><td>{@code cast(x, C)}, or {@code x} when C is x's dtype</td></tr>
 *   <tr><td>{@code reshape}/{@code expandDims}/{@code squeeze} to x's own shape</td><td>{@code x}</td></tr>
 *   <tr><td>two of {@code reshape}/{@code expandDims}/{@code squeeze} in a row (so also {@code squeeze(expandDims(x, a), [a])})</td><td>one {@code reshape}, or {@code x}</td></tr>
 *   <tr><td>{@code transpose} by the identity</td><td>{@code x}</td></tr>
 *   <tr><td>{@code transpose(transpose(x, p), q)}</td><td>{@code transpose(x, p∘q)}, or {@code x} when that is the identity</td></tr>
 *   <tr><td>{@code broadcastTo} x's own shape</td><td>{@code x}</td></tr>
 *   <tr><td>{@code broadcastTo(broadcastTo(x))}</td><td>one {@code broadcastTo}</td></tr>
 *   <tr><td>{@code sum}/{@code mean}/{@code max}/{@code min} over no axes, or only over axes of size 1</td><td>{@code x}, a {@code reshape} of x, or (no axes, integer sum/mean) {@code cast(x)}</td></tr>
 * </table>
 *
 * <p>A rewrite applies only when its result has exactly the replaced node's type — dtype and
 * shape, symbolic dims included. When dropping a neutral operand would lose broadcasting
 * ({@code x[3] + zeros[2, 3]}), x is broadcast with an explicit {@code broadcastTo}; any other
 * mismatch skips the rewrite. Each rewrite creates at most one node, with the replaced node's
 * span; the replaced node's name moves to its replacement when that has none.
 *
 * <p>Exactness: the rewrites are bit-exact on every input (IEEE {@code x - (-y)} and
 * {@code x + y} round identically, {@code a + b == b + a}, and so on), with one exception shared
 * by every rewrite that drops an addition of zero ({@code x + 0}, {@code x - 0}, sums and means
 * over no or size-1 axes): for an element {@code -0.0} the original computes {@code +0.0}
 * ({@code -0.0 + 0.0}) and the rewritten graph keeps {@code -0.0}, which compares equal.
 *
 * <p>Deliberately NOT simplified: {@code x * 0 → 0} (wrong for NaN and ±∞, and the sign of zero
 * for negative x), {@code x - x → 0} and {@code x / x → 1} (NaN, ∞, zero divisors),
 * {@code 0 - x → neg(x)} (the sign of zero), {@code pow(x, 2) → square(x)} (Math.pow need not
 * round like a product).
 */
public final class AlgebraicSimplification implements GraphPass {

    @Override
    public String name() { return "simplify"; }

    @Override
    public PassResult run(Graph g) {
        Rewriter rw = new Rewriter(g);
        for (Node old : g.nodes()) {
            if (Patterns.isLeaf(old)) {
                rw.copy(old);
                continue;
            }
            Node r = simplify(rw, old, rw.inputsOf(old));
            if (r == null) rw.copy(old);
            else rw.replace(old, r);
        }
        return rw.finish();
    }

    /** The replacement for {@code old}, whose inputs are already rewritten to {@code in}; null to keep it. */
    private static Node simplify(Rewriter rw, Node old, List<Node> in) {
        Node a = in.isEmpty() ? null : in.get(0);
        Node b = in.size() < 2 ? null : in.get(1);
        return switch (old.opName()) {
            case "add" -> {
                if (Patterns.isSplat(b, 0)) yield fit(rw, old, a);
                if (Patterns.isSplat(a, 0)) yield fit(rw, old, b);
                if (b.is("neg")) yield build(rw, old, "sub", List.of(a, b.input(0)), Attrs.EMPTY);
                if (a.is("neg")) yield build(rw, old, "sub", List.of(b, a.input(0)), Attrs.EMPTY);
                yield null;
            }
            case "sub" -> {
                if (Patterns.isSplat(b, 0)) yield fit(rw, old, a);
                if (b.is("neg")) yield build(rw, old, "add", List.of(a, b.input(0)), Attrs.EMPTY);
                yield null;
            }
            case "mul" -> {
                if (Patterns.isSplat(b, 1)) yield fit(rw, old, a);
                if (Patterns.isSplat(a, 1)) yield fit(rw, old, b);
                if (Patterns.isSplat(b, -1) && a.type().equals(old.type())) yield build(rw, old, "neg", List.of(a), Attrs.EMPTY);
                if (Patterns.isSplat(a, -1) && b.type().equals(old.type())) yield build(rw, old, "neg", List.of(b), Attrs.EMPTY);
                yield null;
            }
            case "div", "pow" -> Patterns.isSplat(b, 1) ? fit(rw, old, a) : null;
            case "maximum", "minimum" -> a == b ? fit(rw, old, a) : null;
            case "where" -> {
                if (in.get(1) == in.get(2) || Patterns.isBoolSplat(a, true)) yield fit(rw, old, in.get(1));
                if (Patterns.isBoolSplat(a, false)) yield fit(rw, old, in.get(2));
                yield null;
            }
            case "neg" -> a.is("neg") ? same(old, a.input(0)) : null;
            case "relu", "sign" -> a.is(old.opName()) ? same(old, a) : null;
            case "abs" -> {
                if (a.is("abs")) yield same(old, a);
                if (a.is("neg")) yield build(rw, old, "abs", List.of(a.input(0)), Attrs.EMPTY);
                yield null;
            }
            case "cast" -> cast(rw, old, a);
            case "reshape", "expandDims", "squeeze" -> relabel(rw, old, a);
            case "transpose" -> transpose(rw, old, a);
            case "broadcastTo" -> {
                if (a.type().equals(old.type())) yield a;
                if (a.is("broadcastTo")) yield build(rw, old, "broadcastTo", List.of(a.input(0)), old.attrs());
                yield null;
            }
            case "sum", "mean", "max", "min" -> reduction(rw, old, a);
            default -> null;
        };
    }

    /** {@code x} itself when it has the replaced node's type. */
    private static Node same(Node old, Node x) { return x.type().equals(old.type()) ? x : null; }

    /** {@code x}, or x broadcast to the replaced node's shape when a dropped operand broadcast it. */
    private static Node fit(Rewriter rw, Node old, Node x) {
        if (x.type().equals(old.type())) return x;
        if (x.type().dtype() != old.type().dtype()) return null;
        return build(rw, old, "broadcastTo", List.of(x), Attrs.of("shape", old.type().shape()));
    }

    /** A new node for {@code old}, only if its op's type rule gives exactly old's type; else null and nothing is created. */
    private static Node build(Rewriter rw, Node old, String op, List<Node> ins, Attrs attrs) {
        TensorType t = Rewriter.inferOrNull(OpRegistry.get(op), ins, attrs);
        if (t == null || !t.equals(old.type())) return null;
        return rw.create(old, op, ins, attrs);
    }

    private static Node cast(Rewriter rw, Node old, Node a) {
        DType to = old.type().dtype();
        if (a.type().dtype() == to) return same(old, a);
        if (a.is("cast")) {
            Node src = a.input(0);
            if (!lossless(src.type().dtype(), a.type().dtype())) return null;
            if (src.type().dtype() == to) return same(old, src);
            return build(rw, old, "cast", List.of(src), old.attrs());
        }
        return null;
    }

    /**
     * Whether every value of {@code from} is exactly representable in {@code to}, so that
     * converting through {@code to} and on to any C gives what converting straight to C gives.
     */
    static boolean lossless(DType from, DType to) {
        if (from == to || from == DType.BOOL) return true;
        return switch (from) {
            case U8 -> to != DType.BOOL;             // 0..255: exact in every numeric dtype, f16 included
            case I32 -> to == DType.I64 || to == DType.F64;
            case F16 -> to == DType.F32 || to == DType.F64;
            case F32 -> to == DType.F64;
            default -> false;                        // i64 and f64 have no wider dtype
        };
    }

    private static Node relabel(Rewriter rw, Node old, Node a) {
        if (a.type().equals(old.type())) return a;
        if (!Patterns.RELABEL.contains(a.opName())) return null;
        Node src = a.input(0);
        if (src.type().equals(old.type())) return src;
        return build(rw, old, "reshape", List.of(src), Attrs.of("shape", old.type().shape()));
    }

    private static Node transpose(Rewriter rw, Node old, Node a) {
        int[] q = Patterns.perm(old);
        if (Patterns.isIdentity(q)) return same(old, a);
        if (!a.is("transpose")) return null;
        // out axis i = middle axis q[i] = source axis p[q[i]].
        int[] p = Patterns.perm(a);
        int[] composed = new int[q.length];
        for (int i = 0; i < q.length; i++) composed[i] = p[q[i]];
        Node src = a.input(0);
        if (Patterns.isIdentity(composed)) return same(old, src);
        return build(rw, old, "transpose", List.of(src), Attrs.of("perm", composed));
    }

    private static Node reduction(Rewriter rw, Node old, Node a) {
        int[] axes = old.attrs().has("axes") ? old.attrs().getInts("axes") : allAxes(a.type().rank());
        for (int axis : axes) {
            if (axis < 0 || axis >= a.type().rank()) return null;
            Dim d = a.type().shape().dim(axis);
            if (!d.isOne()) return null;
        }
        // Every reduced axis has one element: each output element is its single input element.
        if (a.type().dtype() == old.type().dtype()) {
            if (a.type().equals(old.type())) return a;
            return build(rw, old, "reshape", List.of(a), Attrs.of("shape", old.type().shape()));
        }
        // sum and mean of integers change the dtype (i32 / f32): over no axes that is a cast.
        if (axes.length == 0 && (old.is("sum") || old.is("mean")))
            return build(rw, old, "cast", List.of(a), Attrs.of("dtype", old.type().dtype()));
        return null;
    }

    private static int[] allAxes(int rank) {
        int[] all = new int[rank];
        Arrays.setAll(all, i -> i);
        return all;
    }
}
