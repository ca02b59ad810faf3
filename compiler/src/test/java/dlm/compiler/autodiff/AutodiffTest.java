package dlm.compiler.autodiff;

import static dlm.compiler.autodiff.GradCheck.AT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedModel;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.GraphPrinter;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The differentiator on whole programs: the chapter's examples, hand-derived formulas, fan-out, higher order, errors. */
class AutodiffTest {

    private static CheckedModel model(String src, String name) {
        return Frontend.compile("t.dlm", src).models().get(name);
    }

    private static Node named(Graph g, String name) {
        return g.nodes().stream().filter(n -> name.equals(n.name())).findFirst().orElseThrow(() -> new AssertionError("no node " + name));
    }

    private static Node op(Graph g, String op, Node... in) { return g.add(op, List.of(in), Attrs.EMPTY, AT); }

    private static Node op(Graph g, String op, Attrs a, Node... in) { return g.add(op, List.of(in), a, AT); }

    private static Map<Node, Tensor> run(Graph g, ParamStore p, Map<Node, Tensor> feeds, List<Node> targets) {
        return new Interpreter(g, p).run(feeds, targets);
    }

    private static Tensor f64(int[] shape, double... v) { return Tensor.of(DType.F64, shape, v); }

    private static final String FIGURE_2_22 = """
            model Figure(x: f32 = 2, yTrue: f32 = 4) {
                param w: f32 = 3
                param b: f32 = 1
                val x1 = x * w
                val x2 = x1 + b
                loss = abs(yTrue - x2)
            }
            """;

    /** Figure 2.22: loss = |4 − (2·3 + 1)|, so grad(loss, w) = x = 2 and grad(loss, b) = 1, exactly. */
    @Test
    void figure222() {
        CheckedModel m = model(FIGURE_2_22, "Figure");
        Graph g = m.graph();
        Node loss = g.output("loss"), w = named(g, "w"), b = named(g, "b");
        int before = g.size();
        List<Node> grads = Autodiff.grad(g, loss, List.of(w, b), AT);
        ParamStore params = ParamStore.initialize(g, 0);
        Map<Node, Tensor> v = run(g, params, Map.of(), grads);
        assertEquals(Tensor.scalar(DType.F32, 2), v.get(grads.get(0)));
        assertEquals(Tensor.scalar(DType.F32, 1), v.get(grads.get(1)));
        assertEquals(TensorType.scalar(DType.F32), grads.get(0).type());

        // The backward nodes are ordinary IR located at the forward expressions they come from.
        for (Node n : g.nodes().subList(before, g.size())) {
            assertFalse(n.span().isNone(), n + " has no span");
            assertEquals("t.dlm", n.span().fileName());
            assertTrue(n.span().line() >= 1 && n.span().line() <= 6, n + " at " + n.span());
        }
        // The abs rule is located on line 6 (loss = abs(...)), the x * w rule on line 4.
        assertTrue(g.nodes().subList(before, g.size()).stream().anyMatch(n -> n.is("sign") && n.span().line() == 6));
        assertTrue(g.nodes().subList(before, g.size()).stream().anyMatch(n -> n.is("mul") && n.span().line() == 4));
        String printed = GraphPrinter.text("Figure", g);
        assertTrue(printed.contains("sign(") && printed.contains("t.dlm:6"), printed);

        // Other points: at x = 1, x2 = 4 = yTrue and abs takes the subgradient 0 at its kink.
        Node x = named(g, "x");
        Map<Node, Tensor> at1 = run(g, params, Map.of(x, Tensor.scalar(DType.F32, 1)), grads);
        assertEquals(0.0, at1.get(grads.get(0)).getDouble(0), 0.0); // (-0.0 as PyTorch gives)
        Map<Node, Tensor> at5 = run(g, params, Map.of(x, Tensor.scalar(DType.F32, 5)), grads); // 5·3 + 1 = 16 > 4
        assertEquals(5.0, at5.get(grads.get(0)).getDouble(0));
        assertEquals(1.0, at5.get(grads.get(1)).getDouble(0));
    }

    /** A gradient with respect to an intermediate value, and the total derivative when wrt nodes depend on each other. */
    @Test
    void gradientsWithRespectToIntermediateValues() {
        CheckedModel m = model(FIGURE_2_22, "Figure");
        Graph g = m.graph();
        Node loss = g.output("loss"), w = named(g, "w"), x1 = named(g, "x1"), x2 = named(g, "x2");
        List<Node> grads = Autodiff.grad(g, loss, List.of(x2, x1, w), AT);
        Map<Node, Tensor> v = run(g, ParamStore.initialize(g, 0), Map.of(), grads);
        assertEquals(1.0, v.get(grads.get(0)).getDouble(0));
        assertEquals(1.0, v.get(grads.get(1)).getDouble(0));
        assertEquals(2.0, v.get(grads.get(2)).getDouble(0));
        // d loss / d loss is the seed itself.
        Node self = Autodiff.grad(g, loss, loss, AT);
        assertTrue(self.is("constant"));
        assertEquals(1.0, run(g, new ParamStore(), Map.of(), List.of(self)).get(self).getDouble(0));
    }

    private static final String DENSE_SOFTMAX = """
            model M(x: f32[n, 3], labels: i32[n]) {
                param W: f32[3, 4] = uniform(-1, 1)
                param b: f32[4] = uniform(-1, 1)
                val logits = x @ W + b
                val p = softmax(logits)
                loss = -mean(sum(oneHot(labels, 4) * log(p), axis = 1))
            }
            """;

    /** A dense layer, softmax and crossentropy against the hand-derived formulas. */
    @Test
    void denseSoftmaxCrossentropyMatchesTheHandDerivedFormulas() {
        CheckedModel m = model(DENSE_SOFTMAX, "M");
        Graph g = m.graph();
        Node loss = g.output("loss"), W = named(g, "W"), b = named(g, "b"), logits = named(g, "logits"), p = named(g, "p");
        Node x = named(g, "x"), labels = named(g, "labels");
        List<Node> grads = Autodiff.grad(g, loss, List.of(logits, W, b), AT);
        int n = 5;
        Random r = new Random(3);
        Tensor xv = GradCheck.random(DType.F32, new int[] {n, 3}, GradCheck.ANY, r);
        Tensor yv = Tensor.of(DType.I32, new int[] {n}, 0, 3, 1, 1, 2);
        ParamStore params = ParamStore.initialize(g, 11);
        List<Node> targets = new ArrayList<>(grads);
        targets.add(p);
        Map<Node, Tensor> v = run(g, params, Map.of(x, xv, labels, yv), targets);
        Tensor pv = v.get(p);

        double[][] dlogits = new double[n][4];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < 4; j++) dlogits[i][j] = (pv.get(i, j) - (yv.getLong(i) == j ? 1 : 0)) / n;
        Tensor dl = v.get(grads.get(0)), dW = v.get(grads.get(1)), db = v.get(grads.get(2));
        for (int i = 0; i < n; i++) for (int j = 0; j < 4; j++) assertEquals(dlogits[i][j], dl.get(i, j), 1e-6, "dlogits");
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < 4; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) s += xv.get(i, k) * dlogits[i][j];
                assertEquals(s, dW.get(k, j), 1e-6, "dW = xᵀ · dlogits");
            }
        for (int j = 0; j < 4; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += dlogits[i][j];
            assertEquals(s, db.get(j), 1e-6, "db = column sums of dlogits");
        }

        // The fused op gives the same loss and the same gradients.
        Node fused = g.add("sparseSoftmaxCrossEntropy", List.of(logits, labels), Attrs.EMPTY, AT);
        List<Node> fg = Autodiff.grad(g, fused, List.of(logits, W, b), AT);
        List<Node> all = new ArrayList<>(fg);
        all.add(fused);
        all.add(loss);
        Map<Node, Tensor> fv = run(g, params, Map.of(x, xv, labels, yv), all);
        assertEquals(fv.get(loss).getDouble(0), fv.get(fused).getDouble(0), 1e-6);
        for (int i = 0; i < 3; i++)
            assertTrue(FiniteDifferences.maxRelativeError(v.get(grads.get(i)), fv.get(fg.get(i)), 1e-6) < 1e-5, "fused gradient " + i);
    }

    /** The second derivative of x·x·x is 6x, and the third is 6: gradients of gradients. */
    @Test
    void higherDerivativesOfACube() {
        Graph g = new Graph();
        Node x = GradCheck.input(g, "x", TensorType.scalar(DType.F64));
        Node y = op(g, "mul", op(g, "mul", x, x), x);
        Node d1 = Autodiff.grad(g, y, x, AT);
        Node d2 = Autodiff.grad(g, d1, x, AT);
        Node d3 = Autodiff.grad(g, d2, x, AT);
        for (double xv : new double[] {1.5, -2, 0.25}) {
            Map<Node, Tensor> v = run(g, new ParamStore(), Map.of(x, Tensor.scalar(DType.F64, xv)), List.of(d1, d2, d3));
            assertEquals(3 * xv * xv, v.get(d1).getDouble(0), 1e-12);
            assertEquals(6 * xv, v.get(d2).getDouble(0), 1e-12);
            assertEquals(6, v.get(d3).getDouble(0), 1e-12);
        }

        // Element-wise on a vector: grad(sum(grad(sum(x³), x)), x) = 6x.
        Graph h = new Graph();
        Node xs = GradCheck.input(h, "x", TensorType.of(DType.F64, 4));
        Node ys = op(h, "sum", op(h, "mul", op(h, "mul", xs, xs), xs));
        Node g1 = Autodiff.grad(h, ys, xs, AT);
        Node g2 = Autodiff.grad(h, op(h, "sum", g1), xs, AT);
        Tensor xv = f64(new int[] {4}, -1, 0, 0.5, 3);
        Tensor out = run(h, new ParamStore(), Map.of(xs, xv), List.of(g2)).get(g2);
        assertArrayEquals(new double[] {-6, 0, 3, 18}, out.toDoubles(), 1e-12);
    }

    /** y = x·x + x: the two uses of x accumulate, dy/dx = 2x + 1. */
    @Test
    void fanOutAccumulates() {
        Graph g = new Graph();
        Node x = GradCheck.input(g, "x", TensorType.of(DType.F64, 3));
        Node y = op(g, "sum", op(g, "add", op(g, "mul", x, x), x));
        int before = g.size();
        Node d = Autodiff.grad(g, y, x, AT);
        Tensor v = run(g, new ParamStore(), Map.of(x, f64(new int[] {3}, -1, 0, 2)), List.of(d)).get(d);
        assertArrayEquals(new double[] {-1, 1, 5}, v.toDoubles(), 1e-15);
        // Three contributions (both operands of mul, and add) summed by two adds located at x.
        long adds = g.nodes().subList(before, g.size()).stream().filter(n -> n.is("add") && n.span() == x.span()).count();
        assertEquals(2, adds);
    }

    /** x @ W + b: the bias cotangent is summed over the broadcast batch axis (column sums), W gets xᵀ·g. */
    @Test
    void broadcastBiasGetsTheColumnSum() {
        Graph g = new Graph();
        Node x = GradCheck.input(g, "x", TensorType.of(DType.F64, 3, 2));
        Node W = GradCheck.input(g, "W", TensorType.of(DType.F64, 2, 4));
        Node b = GradCheck.input(g, "b", TensorType.of(DType.F64, 4));
        Node out = op(g, "add", op(g, "matmul", x, W), b);
        Tensor rv = GradCheck.random(DType.F64, new int[] {3, 4}, GradCheck.ANY, new Random(1));
        Node y = op(g, "sum", op(g, "mul", out, GradCheck.constant(g, rv)));
        List<Node> grads = Autodiff.grad(g, y, List.of(W, b), AT);
        assertEquals(b.type(), grads.get(1).type());
        Tensor xv = GradCheck.random(DType.F64, new int[] {3, 2}, GradCheck.ANY, new Random(2));
        Map<Node, Tensor> feeds = Map.of(x, xv, W, Tensor.zeros(DType.F64, 2, 4), b, Tensor.zeros(DType.F64, 4));
        Map<Node, Tensor> v = run(g, new ParamStore(), feeds, grads);
        for (int j = 0; j < 4; j++) {
            assertEquals(rv.get(0, j) + rv.get(1, j) + rv.get(2, j), v.get(grads.get(1)).get(j), 1e-12);
            for (int k = 0; k < 2; k++) {
                double s = 0;
                for (int i = 0; i < 3; i++) s += xv.get(i, k) * rv.get(i, j);
                assertEquals(s, v.get(grads.get(0)).get(k, j), 1e-12);
            }
        }
    }

    // ---- tie rules and kinks ---------------------------------------------------------------------

    private static Tensor gradOf(String opName, Attrs attrs, Tensor xv, double[] weights) {
        Graph g = new Graph();
        Node x = GradCheck.input(g, "x", TensorType.of(DType.F64, xv.shape()));
        Node out = op(g, opName, attrs, x);
        Node w = GradCheck.constant(g, Tensor.of(DType.F64, out.type().shape().sizes(), weights));
        Node y = op(g, "sum", op(g, "mul", out, w));
        Node d = Autodiff.grad(g, y, x, AT);
        return run(g, new ParamStore(), Map.of(x, xv), List.of(d)).get(d);
    }

    /** max/min reductions split the cotangent equally among tied elements. */
    @Test
    void maxAndMinSplitTheCotangentAmongTies() {
        assertArrayEquals(new double[] {0, 0.5, 0.5}, gradOf("max", Attrs.EMPTY, f64(new int[] {3}, 1, 3, 3), new double[] {1}).toDoubles());
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, gradOf("min", Attrs.EMPTY, f64(new int[] {3}, 2, 2, 2), new double[] {1}).toDoubles(), 1e-15);
        // Per row, with a cotangent of 4 and 6: row 0 has a single max, row 1 a three-way tie for the min.
        Tensor rows = f64(new int[] {2, 3}, 5, 1, 2, 7, 7, 7);
        assertArrayEquals(new double[] {4, 0, 0, 0, 0, 0}, gradOf("max", Attrs.of("axes", new int[] {1}), rows, new double[] {4, 0}).toDoubles());
        assertArrayEquals(new double[] {0, 4, 0, 2, 2, 2}, gradOf("min", Attrs.of("axes", new int[] {1}, "keepdims", true), rows, new double[] {4, 6}).toDoubles(), 1e-15);
    }

    /** maximum/minimum split a tie half and half between the operands (PyTorch, JAX). */
    @Test
    void maximumAndMinimumSplitTiesHalfAndHalf() {
        for (String opName : List.of("maximum", "minimum")) {
            Graph g = new Graph();
            Node a = GradCheck.input(g, "a", TensorType.of(DType.F64, 3));
            Node b = GradCheck.input(g, "b", TensorType.of(DType.F64, 3));
            Node y = op(g, "sum", op(g, opName, a, b));
            List<Node> d = Autodiff.grad(g, y, List.of(a, b), AT);
            Map<Node, Tensor> v = run(g, new ParamStore(), Map.of(a, f64(new int[] {3}, 1, 2, 3), b, f64(new int[] {3}, 3, 2, 1)), d);
            double[] ga = opName.equals("maximum") ? new double[] {0, 0.5, 1} : new double[] {1, 0.5, 0};
            assertArrayEquals(ga, v.get(d.get(0)).toDoubles(), opName);
            assertArrayEquals(new double[] {1 - ga[0], 0.5, 1 - ga[2]}, v.get(d.get(1)).toDoubles(), opName);
        }
        // A scalar bound broadcast against a vector collects its share of every element it wins or ties.
        Graph g = new Graph();
        Node x = GradCheck.input(g, "x", TensorType.of(DType.F64, 4));
        Node lo = GradCheck.input(g, "lo", TensorType.scalar(DType.F64));
        Node y = op(g, "sum", op(g, "maximum", x, lo));
        List<Node> d = Autodiff.grad(g, y, List.of(x, lo), AT);
        Map<Node, Tensor> v = run(g, new ParamStore(), Map.of(x, f64(new int[] {4}, -1, 0, 0, 2), lo, Tensor.scalar(DType.F64, 0)), d);
        assertArrayEquals(new double[] {0, 0.5, 0.5, 1}, v.get(d.get(0)).toDoubles());
        assertEquals(2.0, v.get(d.get(1)).getDouble(0)); // 1 + 0.5 + 0.5
    }

    /** relu and abs take the subgradient 0 at 0, as PyTorch does. */
    @Test
    void reluAndAbsHaveSubgradientZeroAtZero() {
        Tensor x = f64(new int[] {3}, -1, 0, 2);
        assertArrayEquals(new double[] {0, 0, 1}, gradOf("relu", Attrs.EMPTY, x, new double[] {1, 1, 1}).toDoubles());
        assertArrayEquals(new double[] {-1, 0, 1}, gradOf("abs", Attrs.EMPTY, x, new double[] {1, 1, 1}).toDoubles());
        assertArrayEquals(new double[] {0, 0, 0}, gradOf("sign", Attrs.EMPTY, x, new double[] {1, 1, 1}).toDoubles());
    }

    // ---- integer values --------------------------------------------------------------------------

    /** An integer value on a side path is a constant to the gradient: y = sum(x · cast(argmax(x))). */
    @Test
    void integerSidePathsAreConstants() {
        Graph g = new Graph();
        Node x = GradCheck.input(g, "x", TensorType.of(DType.F64, 2, 3));
        Node k = op(g, "cast", Attrs.of("dtype", DType.F64), op(g, "argmax", Attrs.of("axis", 1, "keepdims", true), x));
        Node mask = op(g, "where", op(g, "greater", x, GradCheck.constant(g, Tensor.scalar(DType.F64, 0))), x, op(g, "neg", x));
        Node y = op(g, "sum", op(g, "mul", op(g, "mul", x, k), mask));
        Tensor xv = f64(new int[] {2, 3}, 0.5, 2, -1, 3, -2, 1);
        Node d = Autodiff.grad(g, y, x, AT);
        Tensor v = run(g, new ParamStore(), Map.of(x, xv), List.of(d)).get(d);
        // y = Σ k_row · x · |x| = Σ k_row · x|x|, d/dx = 2 k_row |x|; argmax of rows: 1 and 0.
        assertArrayEquals(new double[] {1, 4, 2, 0, 0, 0}, v.toDoubles(), 1e-15);
    }

    @Test
    void errorsAreLocatedAtTheGradRequest() {
        Graph g = new Graph();
        Node x = GradCheck.input(g, "x", TensorType.of(DType.F32, 3));
        Node w = GradCheck.input(g, "w", TensorType.of(DType.F32, 3));
        Node k = GradCheck.input(g, "k", TensorType.scalar(DType.I32));
        Node v = GradCheck.input(g, "v", TensorType.of(DType.U8, 3));
        Node y = op(g, "sum", x);
        y.nameIfUnnamed("y");

        DlmException e = assertThrows(DlmException.class, () -> Autodiff.grad(g, x, x, AT));
        assertEquals("grad needs a scalar, got f32[3]", e.getMessage());
        assertSame(AT, e.span());
        Node count = op(g, "sum", k);
        e = assertThrows(DlmException.class, () -> Autodiff.grad(g, count, k, AT));
        assertEquals("grad needs a floating-point scalar, got i32", e.getMessage());

        e = assertThrows(DlmException.class, () -> Autodiff.grad(g, y, w, AT));
        assertEquals("grad(y, w): y does not depend on w", e.getMessage());
        assertSame(AT, e.span());

        e = assertThrows(DlmException.class, () -> Autodiff.grad(g, y, List.of(x, k), AT));
        assertEquals("grad(y, k): k is an i32 value and carries no gradient", e.getMessage());
        e = assertThrows(DlmException.class, () -> Autodiff.grad(g, y, v, AT));
        assertEquals("grad(y, v): v is a u8[3] value and carries no gradient", e.getMessage());

        // Only through an integer: the index of the largest element, or a cast to an integer.
        Node picked = op(g, "cast", Attrs.of("dtype", DType.F32), op(g, "argmax", x));
        picked.nameIfUnnamed("picked");
        e = assertThrows(DlmException.class, () -> Autodiff.grad(g, picked, x, AT));
        assertEquals("grad(picked, x): picked does not depend on x through floating-point values: it only reaches picked through "
                + "integer or bool values (such as argmax, comparisons or a cast to an integer), which carry no gradient", e.getMessage());
        Node rounded = op(g, "sum", op(g, "cast", Attrs.of("dtype", DType.F32), op(g, "cast", Attrs.of("dtype", DType.I32), w)));
        e = assertThrows(DlmException.class, () -> Autodiff.grad(g, rounded, w, AT));
        assertTrue(e.getMessage().startsWith("grad(%" + rounded.id() + ", w): %" + rounded.id() + " does not depend on w through floating-point values"), e.getMessage());
        // Unnamed values are named by their node ids.
        Node z = op(g, "sum", w);
        e = assertThrows(DlmException.class, () -> Autodiff.grad(g, z, x, AT));
        assertEquals("grad(%" + z.id() + ", x): %" + z.id() + " does not depend on x", e.getMessage());
    }

    /** DLM source errors point at the user's file: the checker will call grad with the grad(...) expression's span. */
    @Test
    void errorsRenderWithTheSourceLine() {
        CheckedModel m = model(FIGURE_2_22, "Figure");
        Graph g = m.graph();
        Node x1 = named(g, "x1");
        DlmException e = assertThrows(DlmException.class, () -> Autodiff.grad(g, x1, named(g, "b"), x1.span()));
        assertEquals("grad(x1, b): x1 does not depend on b", e.getMessage());
        assertTrue(e.render().contains("t.dlm:4:"), e.render());
    }

    // ---- symbolic dims ---------------------------------------------------------------------------

    /** Backward graphs of values with a symbolic batch dim: built once, run at any batch size. */
    @Test
    void symbolicBatchDims() {
        Dim batch = Dim.sym("batch");
        Shape bx3 = Shape.of(batch, Dim.of(3));
        List<java.util.function.BiFunction<Graph, Node, Node>> bodies = List.of(
                (g, x) -> op(g, "mean", x),
                (g, x) -> op(g, "mean", Attrs.of("axes", new int[] {0}), x),
                (g, x) -> op(g, "max", Attrs.of("axes", new int[] {0}), x),
                (g, x) -> op(g, "concat", Attrs.of("axis", 0), x, op(g, "exp", x)),
                (g, x) -> op(g, "concat", Attrs.of("axis", 1), x, x),
                (g, x) -> op(g, "tile", Attrs.of("reps", new int[] {2, 1}), x),
                (g, x) -> op(g, "reshape", Attrs.of("shape", Shape.of(batch.times(Dim.of(3)))), x),
                (g, x) -> op(g, "transpose", x),
                (g, x) -> op(g, "expandDims", Attrs.of("axis", 1), x),
                (g, x) -> op(g, "slice", Attrs.of("axes", new int[] {1}, "starts", new int[] {1}, "stops", new int[] {3}, "steps", new int[] {1}), x),
                (g, x) -> op(g, "pad", Attrs.of("axes", new int[] {1}, "lows", new int[] {1}, "highs", new int[] {0}, "interiors", new int[] {1}), x),
                (g, x) -> op(g, "softmax", Attrs.of("axis", 0), x),
                (g, x) -> op(g, "broadcastTo", Attrs.of("shape", Shape.of(Dim.of(2), batch, Dim.of(3))), x),
                (g, x) -> op(g, "add", x, GradCheck.constant(g, f64(new int[] {3}, 1, 2, 3))),
                (g, x) -> op(g, "matmul", x, GradCheck.constant(g, f64(new int[] {3, 2}, 1, -2, 0.5, 1, 3, -1))),
                (g, x) -> op(g, "matmul", op(g, "transpose", x), x),
                (g, x) -> {
                    Node labels = GradCheck.input(g, "labels", new TensorType(DType.I32, Shape.of(batch)));
                    return op(g, "sparseSoftmaxCrossEntropy", x, labels);
                });
        for (int c = 0; c < bodies.size(); c++) {
            Graph g = new Graph();
            Node x = GradCheck.input(g, "x", DType.F64, bx3);
            Node out = bodies.get(c).apply(g, x);
            Node y = op(g, "sum", op(g, "sin", out)); // a non-uniform cotangent
            for (int n : new int[] {2, 3}) {
                Map<Node, Tensor> feeds = new HashMap<>();
                feeds.put(x, GradCheck.random(DType.F64, new int[] {n, 3}, GradCheck.ANY, new Random(c * 10 + n)));
                for (Node in : g.inputs()) if (in.name().equals("labels")) feeds.put(in, Tensor.of(DType.I32, new int[] {n}, n == 2 ? new double[] {0, 2} : new double[] {2, 1, 1}));
                GradCheck.check(g, y, List.of(x), feeds, new ParamStore(), 1e-6, 1e-6, 1e-6);
            }
        }
    }

    /** The backward graph of a symbolic mean divides by numel(batch), read when the graph runs. */
    @Test
    void meanOverASymbolicAxisDividesByItsRuntimeSize() {
        Graph g = new Graph();
        Node x = GradCheck.input(g, "x", DType.F32, Shape.of(Dim.sym("batch"), Dim.of(2)));
        Node y = op(g, "mean", x);
        Node d = Autodiff.grad(g, y, x, AT);
        assertTrue(g.nodes().stream().anyMatch(n -> n.is("numel")), GraphPrinter.text("g", g));
        Tensor v = run(g, new ParamStore(), Map.of(x, Tensor.zeros(DType.F32, 4, 2)), List.of(d)).get(d);
        for (double e : v.toDoubles()) assertEquals(0.125, e);
    }
}
