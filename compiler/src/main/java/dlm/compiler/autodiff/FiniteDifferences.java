package dlm.compiler.autodiff;

import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Numerical gradients by central finite differences, the reference that symbolic gradients
 * ({@link Autodiff}) are checked against (by the tests and by {@code dlmc gradcheck}).
 *
 * <p>For each element v of a perturbed input or param, the graph is evaluated by the reference
 * interpreter at {@code v + eps} and {@code v - eps}, and the derivative estimate is
 * {@code (y(v⁺) − y(v⁻)) / (v⁺ − v⁻)}, where v⁺ and v⁻ are the perturbed values <em>as stored</em>
 * in the tensor's dtype. Dividing by the stored difference rather than by {@code 2·eps} removes the
 * error of rounding the perturbation itself (large in f32, where 1 + 1e-3 is not representable).
 *
 * <p>Two ways to evaluate:
 * <ul>
 *   <li>{@link #of}: the graph as it is, in its own dtypes. Right for f64 graphs (use
 *       {@code eps ≈ 1e-6}); for f32 graphs every op rounds its result to ~7 digits, so the
 *       estimate carries a noise of about {@code 1e-7·|y| / eps} and needs {@code eps ≈ 1e-2..1e-3}
 *       and a loose tolerance (a few percent).</li>
 *   <li>{@link #inF64}: a copy of the graph with every floating-point dtype made f64 (params,
 *       inputs, constants, casts, the dtype attrs of oneHot and numel), evaluated at the same
 *       point (f32 values convert to f64 exactly). The estimate is then as good as f64 finite
 *       differences ({@code eps ≈ 1e-6}), and an f32 symbolic gradient can be checked to its own
 *       precision (~1e-5 relative). This is what gradcheck on the MNIST model uses.</li>
 * </ul>
 *
 * <p>Errors are measured with {@link #relativeError} (the usual norm-based gradcheck formula,
 * {@code ‖a − b‖ / (‖a‖ + ‖b‖)}), which tolerates elements that are zero up to noise, or
 * element-wise with {@link #maxRelativeError}.
 */
public final class FiniteDifferences {
    private final Graph graph;
    private final Node y;
    private final Map<Node, Tensor> feeds;
    private final ParamStore params;
    private final Map<Node, Node> map; // node of the caller's graph → node evaluated (itself unless promoted)

    private FiniteDifferences(Graph graph, Node y, Map<Node, Tensor> feeds, ParamStore params, Map<Node, Node> map) {
        this.graph = graph;
        this.y = y;
        this.feeds = feeds;
        this.params = params;
        this.map = map;
    }

    /** Finite differences on the graph as it is, in its own dtypes. */
    public static FiniteDifferences of(Graph g, Node y, Map<Node, Tensor> feeds, ParamStore params) {
        return new FiniteDifferences(g, checkScalar(y), new HashMap<>(feeds), params, null);
    }

    /** Finite differences on an f64 copy of the graph, at the same point (see the class comment). */
    public static FiniteDifferences inF64(Graph g, Node y, Map<Node, Tensor> feeds, ParamStore params) {
        checkScalar(y);
        Graph copy = new Graph();
        Map<Node, Node> map = new IdentityHashMap<>();
        for (Node n : g.nodes()) {
            if (n.id() > y.id()) break;
            Attrs attrs = promote(n.attrs());
            Node m;
            if (n.inputs().isEmpty() && (n.is("input") || n.is("param") || n.is("constant"))) {
                m = copy.addTyped(n.op(), List.of(), attrs, promote(n.type()), n.span(), n.name());
            } else {
                m = copy.add(n.op(), n.inputs().stream().map(map::get).toList(), attrs, n.span());
                if (n.name() != null) m.nameIfUnnamed(n.name());
            }
            map.put(n, m);
        }
        Map<Node, Tensor> feeds64 = new HashMap<>();
        for (var e : feeds.entrySet()) if (map.containsKey(e.getKey())) feeds64.put(map.get(e.getKey()), promote(e.getValue()));
        ParamStore params64 = new ParamStore();
        for (Node p : g.params()) if (map.containsKey(p)) params64.set(p.name(), promote(params.get(p.name())));
        return new FiniteDifferences(copy, map.get(y), feeds64, params64, map);
    }

    /** A sensible step for a dtype: 1e-6 for f64, 1e-3 for f32, 3e-2 for f16. */
    public static double defaultEps(DType d) {
        return switch (d) {
            case F64 -> 1e-6;
            case F32 -> 1e-3;
            default -> 3e-2;
        };
    }

    /** The dtype the graph is evaluated in (y's; f64 for {@link #inF64}). */
    public DType dtype() { return y.type().dtype(); }

    /** y at the unperturbed point. */
    public double value() { return evaluate(feeds, params); }

    /** The numerical gradient of y with respect to an input or param: an f64 tensor of its concrete shape. */
    public Tensor gradient(Node wrt, double eps) {
        Tensor base = valueOf(target(wrt));
        int[] all = new int[base.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        return Tensor.of(DType.F64, base.shape(), gradientAt(wrt, all, eps));
    }

    /** The numerical partial derivatives of y with respect to the given (row-major) elements of wrt. */
    public double[] gradientAt(Node wrt, int[] flatIndices, double eps) {
        Node t = target(wrt);
        Tensor perturbed = valueOf(t).copy();
        Map<Node, Tensor> f = feeds;
        ParamStore p = params;
        if (t.is("input")) {
            f = new HashMap<>(feeds);
            f.put(t, perturbed);
        } else {
            p = new ParamStore();
            for (var e : params.all().entrySet()) p.set(e.getKey(), e.getValue());
            p.set(t.name(), perturbed);
        }
        double[] out = new double[flatIndices.length];
        for (int k = 0; k < flatIndices.length; k++) {
            int i = flatIndices[k];
            double v = perturbed.getDouble(i);
            perturbed.setDouble(i, v + eps);
            double up = perturbed.getDouble(i);
            double yUp = evaluate(f, p);
            perturbed.setDouble(i, v - eps);
            double down = perturbed.getDouble(i);
            double yDown = evaluate(f, p);
            perturbed.setDouble(i, v);
            if (up == down) throw new IllegalArgumentException("eps " + eps + " is too small to perturb " + v + " in " + perturbed.dtype());
            out[k] = (yUp - yDown) / (up - down);
        }
        return out;
    }

    /**
     * The numerical gradient of {@code y} with respect to each of {@code wrt} (inputs or params),
     * evaluated in the graph's own dtypes: f64 tensors, in the order given.
     */
    public static Map<Node, Tensor> numericGradients(Graph g, Node y, List<Node> wrt, Map<Node, Tensor> feeds, ParamStore params, double eps) {
        FiniteDifferences fd = of(g, y, feeds, params);
        Map<Node, Tensor> out = new LinkedHashMap<>();
        for (Node w : wrt) out.put(w, fd.gradient(w, eps));
        return out;
    }

    /**
     * The norm-based relative error of gradcheck: {@code ‖a − b‖₂ / (‖a‖₂ + ‖b‖₂)}, 0 when both are
     * zero. Below ~1e-7 in f64 and ~1e-4 for f32 gradients against f64 differences is a match.
     */
    public static double relativeError(Tensor a, Tensor b) {
        checkSameSize(a, b);
        double diff = 0, na = 0, nb = 0;
        for (int i = 0; i < a.size(); i++) {
            double x = a.getDouble(i), z = b.getDouble(i);
            diff += (x - z) * (x - z);
            na += x * x;
            nb += z * z;
        }
        double denom = Math.sqrt(na) + Math.sqrt(nb);
        return denom == 0 ? 0 : Math.sqrt(diff) / denom;
    }

    /** The largest element-wise {@code |a − b| / max(|a| + |b|, floor)}. */
    public static double maxRelativeError(Tensor a, Tensor b, double floor) {
        checkSameSize(a, b);
        double worst = 0;
        for (int i = 0; i < a.size(); i++) {
            double x = a.getDouble(i), z = b.getDouble(i);
            worst = Math.max(worst, Math.abs(x - z) / Math.max(Math.abs(x) + Math.abs(z), floor));
        }
        return worst;
    }

    /** {@link #maxRelativeError(Tensor, Tensor, double)} with floor 1e-8. */
    public static double maxRelativeError(Tensor a, Tensor b) { return maxRelativeError(a, b, 1e-8); }

    // ---- internals -------------------------------------------------------------------------------

    private double evaluate(Map<Node, Tensor> f, ParamStore p) {
        return new Interpreter(graph, p).run(f, List.of(y)).get(y).getDouble(0);
    }

    private Node target(Node wrt) {
        Node t = map == null ? wrt : map.get(wrt);
        if (t == null) throw new IllegalArgumentException(wrt.label() + " comes after y in the graph, so y cannot depend on it");
        if (!t.is("input") && !t.is("param"))
            throw new IllegalArgumentException("finite differences perturb inputs and params, not " + t.opName() + " " + wrt.label());
        if (!t.type().dtype().isFloating()) throw new IllegalArgumentException(wrt.label() + " is " + t.type() + ": not differentiable");
        return t;
    }

    private Tensor valueOf(Node t) {
        if (t.is("param")) return params.get(t.name());
        Tensor v = feeds.get(t);
        if (v == null && t.attrs().has("default")) v = t.attrs().getTensor("default");
        if (v == null) throw new IllegalArgumentException("input " + t.label() + " has no value");
        return v;
    }

    private static Node checkScalar(Node y) {
        if (y.type().rank() != 0 || !y.type().dtype().isFloating())
            throw new IllegalArgumentException("finite differences need a floating-point scalar, got " + y.type());
        return y;
    }

    private static void checkSameSize(Tensor a, Tensor b) {
        if (a.size() != b.size()) throw new IllegalArgumentException("sizes differ: " + a.size() + " vs " + b.size());
    }

    private static TensorType promote(TensorType t) { return t.dtype().isFloating() ? t.withDType(DType.F64) : t; }

    private static Tensor promote(Tensor t) { return t.dtype().isFloating() && t.dtype() != DType.F64 ? t.cast(DType.F64) : t; }

    private static Attrs promote(Attrs attrs) {
        Attrs out = Attrs.EMPTY;
        for (var e : attrs.asMap().entrySet()) {
            Object v = e.getValue();
            if (v instanceof DType d && d.isFloating()) v = DType.F64;
            else if (v instanceof Tensor t) v = promote(t);
            out = out.with(e.getKey(), v);
        }
        return out;
    }
}
