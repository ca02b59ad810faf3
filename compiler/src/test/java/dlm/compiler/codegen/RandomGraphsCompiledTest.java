package dlm.compiler.codegen;

import static dlm.compiler.codegen.CodegenTestSupport.check;
import static dlm.compiler.codegen.CodegenTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.codegen.CodegenTestSupport.G;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.GraphPrinter;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property test: randomly generated well-typed graphs (fixed seeds) — element-wise chains with
 * broadcasting, reshapes, transposes, slices, broadcasts, reductions, matmuls, softmaxes, casts,
 * comparisons and where — over inputs (some with a symbolic batch dim, bound to 1, 2 or 3),
 * params and constants, often with the gradient of a scalar of them w.r.t. every param, compiled
 * and interpreted on random inputs give exactly the same outputs. f32 graphs have no matmul
 * (its float accumulation is the one inexact op); f64 graphs do.
 */
class RandomGraphsCompiledTest {
    static final int GRAPHS = 400;

    @Test
    void randomGraphsCompileToWhatTheInterpreterComputes() {
        int steps = 0, fusedNodes = 0;
        for (int i = 0; i < GRAPHS; i++) {
            Random r = new Random(1009L * i + 7);
            DType d = i % 2 == 0 ? DType.F32 : DType.F64;
            G g = new G();
            Map<String, Tensor> feeds = new LinkedHashMap<>();
            ParamStore params = new ParamStore();
            int batch = 1 + i % 3;
            try {
                generate(g, r, d, feeds, params, batch);
                Compilation c = check(g.g, feeds, params, 0);
                steps += c.stepCount();
                fusedNodes += c.graph().size();
            } catch (Throwable t) {
                throw new AssertionError("random graph " + i + ":\n" + GraphPrinter.text("g" + i, g.g), t);
            }
        }
        // the generator makes real work: several steps per graph on average
        assertTrue(steps > GRAPHS * 2, steps + " steps");
        assertTrue(fusedNodes > steps, "fusion: " + fusedNodes + " nodes in " + steps + " steps");
    }

    private static final Object[][] INPUT_SHAPES = {{}, {3}, {2, 3}, {"batch", 3}, {3, 2}, {2, 1, 3}, {"batch", 2, 3}, {1, 3}, {"batch", 1}, {4, 3}};

    static void generate(G g, Random r, DType d, Map<String, Tensor> feeds, ParamStore params, int batch) {
        List<Node> pool = new ArrayList<>();
        int inputs = 1 + r.nextInt(3);
        for (int i = 0; i < inputs; i++) {
            Object[] dims = INPUT_SHAPES[r.nextInt(INPUT_SHAPES.length)];
            Node in = g.input("x" + i, d, dims);
            int[] s = new int[dims.length];
            for (int k = 0; k < s.length; k++) s[k] = dims[k] instanceof String ? batch : (Integer) dims[k];
            feeds.put("x" + i, random(d, s, r));
            pool.add(in);
        }
        List<Node> ps = new ArrayList<>();
        int nParams = r.nextInt(3);
        for (int i = 0; i < nParams; i++) {
            Object[] dims = INPUT_SHAPES[r.nextInt(INPUT_SHAPES.length)];
            int[] s = new int[dims.length];
            for (int k = 0; k < s.length; k++) s[k] = dims[k] instanceof String ? 2 : (Integer) dims[k];
            Node p = g.param("w" + i, d, s);
            params.set("w" + i, random(d, s, r));
            pool.add(p);
            ps.add(p);
        }
        for (int i = 0; i < 1 + r.nextInt(2); i++) pool.add(g.constant(random(d, r.nextBoolean() ? new int[0] : new int[] {3}, r)));
        int ops = 3 + r.nextInt(18);
        List<Node> made = new ArrayList<>();
        for (int attempt = 0; made.size() < ops && attempt < ops * 30; attempt++) {
            Node n;
            try {
                n = randomOp(g, r, pool, d);
            } catch (DlmException e) {
                n = null;
            }
            if (n != null) {
                pool.add(n);
                made.add(n);
            }
        }
        Node last = made.isEmpty() ? pool.get(0) : made.get(made.size() - 1);
        g.out("out0", last);
        if (made.size() >= 2 && r.nextBoolean()) g.out("out1", made.get(r.nextInt(made.size())));
        // gradients of a scalar of the result w.r.t. the params it depends on
        if (!ps.isEmpty() && last.type().dtype() == d && r.nextInt(3) > 0) {
            Node loss = g.op("sum", g.op("mul", last, last));
            try {
                List<Node> grads = Autodiff.grad(g.g, loss, ps, g.span());
                g.out("loss", loss);
                for (int i = 0; i < grads.size(); i++) g.out("grad" + i, grads.get(i));
            } catch (DlmException e) {
                // the result does not depend on the params
            }
        }
    }

    private static Node pick(Random r, List<Node> pool) {
        int n = pool.size();
        return r.nextInt(10) < 6 ? pool.get(n - 1 - r.nextInt(Math.min(n, 4))) : pool.get(r.nextInt(n));
    }

    private static Node randomOp(G g, Random r, List<Node> pool, DType d) {
        Node a = pick(r, pool);
        if (a.type().dtype() != d) return null;
        int rank = a.type().rank();
        switch (r.nextInt(16)) {
            case 0, 1, 2 -> {
                String op = new String[] {"add", "sub", "mul", "maximum", "minimum"}[r.nextInt(5)];
                Node b = pick(r, pool);
                return r.nextBoolean() ? g.op(op, a, b) : g.op(op, b, a);
            }
            case 3 -> {
                return g.op("div", a, g.op("add", g.op("abs", pick(r, pool)), g.scalar(d, 0.5)));
            }
            case 4 -> {
                String op = new String[] {"neg", "abs", "relu", "tanh", "sign", "square", "sigmoid", "exp", "sin"}[r.nextInt(9)];
                return g.op(op, a);
            }
            case 5 -> {
                List<Dim> dims = new ArrayList<>(a.type().shape().dims());
                if (r.nextBoolean()) return g.op("reshape", Attrs.of("shape", Shape.of(a.type().shape().numel())), a);
                dims.add(r.nextInt(dims.size() + 1), Dim.of(1));
                return g.op("reshape", Attrs.of("shape", new Shape(dims)), a);
            }
            case 6 -> {
                if (rank < 2) return null;
                List<Integer> p = new ArrayList<>();
                for (int i = 0; i < rank; i++) p.add(i);
                Collections.shuffle(p, r);
                return g.op("transpose", Attrs.of("perm", p.stream().mapToInt(Integer::intValue).toArray()), a);
            }
            case 7, 8 -> {
                String op = new String[] {"sum", "mean", "max", "min"}[r.nextInt(4)];
                List<Integer> axes = new ArrayList<>();
                for (int i = 0; i < rank; i++) if (r.nextBoolean()) axes.add(i);
                Attrs at = r.nextInt(4) == 0 ? Attrs.EMPTY : Attrs.of("axes", axes.stream().mapToInt(Integer::intValue).toArray());
                if (r.nextBoolean()) at = at.with("keepdims", r.nextBoolean());
                return g.op(op, at, a);
            }
            case 9 -> {
                if (rank == 0 || d != DType.F64) return null;
                Dim k = a.type().shape().dim(rank - 1);
                List<Node> fits = pool.stream().filter(n -> n.type().dtype() == d && n.type().rank() >= 1
                        && n.type().shape().dim(n.type().rank() == 1 ? 0 : n.type().rank() - 2).equals(k)).toList();
                if (fits.isEmpty()) return null;
                Node b = fits.get(r.nextInt(fits.size()));
                return r.nextBoolean() || b.type().rank() < 2 ? g.op("matmul", a, b)
                        : g.op("matmul", a, g.op("transpose", g.op("transpose", b))); // a transposed view of a transposed view
            }
            case 10 -> {
                List<Dim> dims = new ArrayList<>(a.type().shape().dims());
                for (int i = 0; i < dims.size(); i++) if (dims.get(i).isOne() && r.nextBoolean()) dims.set(i, Dim.of(3));
                if (r.nextBoolean()) dims.add(0, Dim.of(2));
                return g.op("broadcastTo", Attrs.of("shape", new Shape(dims)), a);
            }
            case 11 -> {
                return g.op("cast", Attrs.of("dtype", d), g.op("cast", Attrs.of("dtype", r.nextBoolean() ? DType.I32 : DType.F32), a));
            }
            case 12 -> {
                Node cond = g.op(r.nextBoolean() ? "greater" : "lessEqual", a, g.scalar(d, 0));
                return g.op("where", cond, a, pick(r, pool));
            }
            case 13 -> {
                if (rank == 0) return null;
                return g.op(r.nextBoolean() ? "softmax" : "logSoftmax", Attrs.of("axis", r.nextInt(rank)), a);
            }
            case 14 -> {
                if (rank == 0) return null;
                int axis = r.nextInt(rank);
                Dim dim = a.type().shape().dim(axis);
                if (!dim.isKnown() || dim.size() < 2) return null;
                int start = r.nextInt(dim.size() - 1);
                return g.op("slice", Attrs.of("axes", new int[] {axis}, "starts", new int[] {start}, "stops", new int[] {dim.size()},
                        "steps", new int[] {1 + r.nextInt(2)}), a);
            }
            default -> {
                if (rank == 0) return null;
                TensorType t = a.type();
                if (!t.shape().isKnown()) return g.op("concat", Attrs.of("axis", 0), a, a);
                return g.op(r.nextBoolean() ? "concat" : "add", r.nextBoolean() ? Attrs.of("axis", rank - 1) : Attrs.of("axis", 0), a, a);
            }
        }
    }
}
