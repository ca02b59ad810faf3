package dlm.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.diag.SourceFile;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.OpRegistry;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Gradient checks for the tests: a small graph around one op application, random points from a
 * fixed seed, the symbolic gradient from {@link Autodiff} evaluated by the interpreter, and the
 * f64 central-difference estimate from {@link FiniteDifferences}.
 */
final class GradCheck {
    private GradCheck() {}

    static final SourceSpan AT = new SourceSpan(SourceFile.of("grad.dlm", "grad(y, x)\n"), 1, 1, 1, 11);

    /** Draws one element value. */
    @FunctionalInterface
    interface Sampler { double next(Random r); }

    static Sampler uniform(double lo, double hi) { return r -> lo + (hi - lo) * r.nextDouble(); }

    static final Sampler ANY = uniform(-2, 2);
    static final Sampler POSITIVE = uniform(0.5, 2);
    /** Magnitude in [0.25, 2] with a random sign: no kinks of relu, abs, sign, and no tiny divisors. */
    static final Sampler AWAY_FROM_ZERO = r -> (r.nextBoolean() ? 1 : -1) * (0.25 + 1.75 * r.nextDouble());
    static final Sampler BOOL = r -> r.nextBoolean() ? 1 : 0;

    static Sampler labels(int k) { return r -> r.nextInt(k); }

    /** One operand: its type, how its values are drawn, and whether it is a differentiated input (else a constant). */
    record Operand(TensorType type, Sampler sampler, boolean wrt) {}

    static Operand in(int... shape) { return new Operand(TensorType.of(DType.F64, shape), ANY, true); }

    static Operand in(Sampler s, int... shape) { return new Operand(TensorType.of(DType.F64, shape), s, true); }

    static Operand in(DType d, Sampler s, int... shape) { return new Operand(TensorType.of(d, shape), s, true); }

    static Operand constant(DType d, Sampler s, int... shape) { return new Operand(TensorType.of(d, shape), s, false); }

    /** An application of a registered op to operands, with a readable description for test names. */
    record Case(String op, Attrs attrs, List<Operand> operands) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(op).append('(');
            for (int i = 0; i < operands.size(); i++) {
                if (i > 0) sb.append(", ");
                Operand o = operands.get(i);
                sb.append(o.wrt ? "" : "const ").append(o.type);
            }
            sb.append(')');
            if (!attrs.isEmpty()) sb.append(" {").append(attrs).append('}');
            return sb.toString();
        }
    }

    static Case of(String op, Attrs attrs, Operand... operands) { return new Case(op, attrs, List.of(operands)); }

    static Case of(String op, Operand... operands) { return of(op, Attrs.EMPTY, operands); }

    /** A graph {@code y = sum(op(inputs) * R)} (R a random constant, so that the cotangent is not uniform). */
    static final class Built {
        final Graph g = new Graph();
        final List<Node> wrt = new ArrayList<>();
        final Map<Node, Tensor> feeds = new HashMap<>();
        Node out;
        Node y;

        Tensor run(Node n) { return new Interpreter(g, new ParamStore()).run(feeds, List.of(n)).get(n); }
    }

    static Built build(Case c, long seed) {
        Random r = new Random(seed);
        Built b = new Built();
        List<Node> ins = new ArrayList<>();
        for (int i = 0; i < c.operands().size(); i++) {
            Operand o = c.operands().get(i);
            Tensor v = random(o.type().dtype(), o.type().shape().sizes(), o.sampler(), r);
            Node n;
            if (o.wrt()) {
                n = input(b.g, "x" + i, o.type());
                b.feeds.put(n, v);
                b.wrt.add(n);
            } else {
                n = constant(b.g, v);
            }
            ins.add(n);
        }
        b.out = b.g.add(c.op(), ins, c.attrs(), AT);
        b.y = weightedSum(b.g, b.out, r);
        return b;
    }

    /** {@code sum(x * R)} for a random constant R of x's (known) shape, in x's dtype. */
    static Node weightedSum(Graph g, Node x, Random r) {
        Node weights = constant(g, random(x.type().dtype(), x.type().shape().sizes(), uniform(-1, 1), r));
        return g.add("sum", List.of(g.add("mul", List.of(x, weights), Attrs.EMPTY, AT)), Attrs.EMPTY, AT);
    }

    static Node input(Graph g, String name, TensorType t) {
        return g.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, t, AT, name);
    }

    static Node input(Graph g, String name, DType d, Shape s) { return input(g, name, new TensorType(d, s)); }

    static Node constant(Graph g, Tensor v) {
        return g.addTyped(OpRegistry.get("constant"), List.of(), Attrs.of("value", v), new TensorType(v.dtype(), Shape.of(v.shape())), AT, null);
    }

    static Tensor random(DType d, int[] shape, Sampler s, Random r) {
        Tensor t = Tensor.zeros(d, shape);
        for (int i = 0; i < t.size(); i++) t.setDouble(i, s.next(r));
        return t;
    }

    /**
     * Checks the symbolic gradient of y with respect to every wrt against f64 finite differences:
     * each element within {@code atol + rtol·|numeric|}, and the norm-based relative error small.
     * Returns the symbolic gradients.
     */
    static List<Tensor> check(Graph g, Node y, List<Node> wrt, Map<Node, Tensor> feeds, ParamStore params, double eps, double atol, double rtol) {
        List<Node> grads = Autodiff.grad(g, y, wrt, AT);
        Map<Node, Tensor> values = new Interpreter(g, params).run(feeds, grads);
        FiniteDifferences fd = FiniteDifferences.of(g, y, feeds, params);
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < wrt.size(); i++) {
            Node w = wrt.get(i);
            Tensor symbolic = values.get(grads.get(i));
            Tensor numeric = fd.gradient(w, eps);
            String what = "d" + y.label() + "/d" + w.label();
            assertTrue(grads.get(i).type().equals(w.type()), what + ": type " + grads.get(i).type() + " vs " + w.type());
            assertArrayEquals(numeric.shape(), symbolic.shape(), what + " shape");
            for (int k = 0; k < symbolic.size(); k++) {
                double a = symbolic.getDouble(k), b = numeric.getDouble(k);
                assertTrue(Math.abs(a - b) <= atol + rtol * Math.abs(b),
                        what + "[" + k + "]: symbolic " + a + " vs numeric " + b + "\nsymbolic " + Arrays.toString(symbolic.toDoubles())
                                + "\nnumeric  " + Arrays.toString(numeric.toDoubles()));
            }
            assertTrue(FiniteDifferences.relativeError(symbolic, numeric) < Math.max(rtol, 1e-7), what + " relative error");
            out.add(symbolic);
        }
        return out;
    }

    /** The f64 check used for every op: eps 1e-6, tolerance 1e-6 absolute plus 1e-6 relative. */
    static List<Tensor> check(Built b) { return check(b.g, b.y, b.wrt, b.feeds, new ParamStore(), 1e-6, 1e-6, 1e-6); }
}
