package dlm.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dlm.compiler.Frontend;
import dlm.compiler.check.Value.InitV;
import dlm.compiler.diag.SourceFile;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Graph building, structural printing and value comparison for the pass tests. */
final class PassTestSupport {
    private PassTestSupport() {}

    static final SourceFile FILE = SourceFile.of("t.dlm", "");

    // ---- building graphs -----------------------------------------------------------------

    /** A type from dims: Integers are sizes, Strings symbolic dims. */
    static TensorType type(DType dtype, Object... dims) {
        List<Dim> ds = new ArrayList<>();
        for (Object d : dims) ds.add(d instanceof String s ? Dim.sym(s) : Dim.of((Integer) d));
        return new TensorType(dtype, new Shape(ds));
    }

    static TensorType f32(Object... dims) { return type(DType.F32, dims); }

    /** Builds a graph node by node; every node gets its own source line. */
    static final class Builder {
        final Graph g = new Graph();
        private int line = 1;

        SourceSpan span() {
            int l = line++;
            return new SourceSpan(FILE, l, 1, l, 10);
        }

        Node input(String name, TensorType t) {
            return g.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, t, span(), name);
        }

        Node param(String name, TensorType t, double value) {
            return g.addTyped(OpRegistry.get("param"), List.of(), Attrs.of("init", new InitV("constant", Map.of("value", value))), t, span(), name);
        }

        Node paramUniform(String name, TensorType t) {
            return g.addTyped(OpRegistry.get("param"), List.of(), Attrs.of("init", new InitV("uniform", Map.of("lo", -1.0, "hi", 1.0))), t, span(), name);
        }

        Node constant(Tensor v) {
            return g.addTyped(OpRegistry.get("constant"), List.of(), Attrs.of("value", v), new TensorType(v.dtype(), Shape.of(v.shape())), span(), null);
        }

        Node splat(DType dtype, double v, int... shape) {
            Tensor t = Tensor.zeros(dtype, shape);
            for (int i = 0; i < t.size(); i++) t.setDouble(i, v);
            return constant(t);
        }

        Node f(double v, int... shape) { return splat(DType.F32, v, shape); }

        Node op(String op, Attrs attrs, Node... ins) { return g.add(op, List.of(ins), attrs, span()); }

        Node op(String op, Node... ins) { return op(op, Attrs.EMPTY, ins); }

        Node named(String name, Node n) {
            n.nameIfUnnamed(name);
            return n;
        }

        Builder out(String name, Node n) {
            g.setOutput(name, n);
            return this;
        }
    }

    /** The forward graph of model {@code name} in DLM source. */
    static Graph model(String src, String name) {
        return Frontend.compile("t.dlm", src).models().get(name).graph();
    }

    // ---- looking at graphs -----------------------------------------------------------------

    /** An output's computation as nested calls: {@code sum(add(mul(x, w), b)){axes=[1]}}. Leaves print by name or value. */
    static String expr(Node n) {
        if (n.is("input") || n.is("param")) return n.name();
        if (n.is("constant")) {
            Tensor t = n.attrs().getTensor("value");
            if (t.size() == 1 && t.rank() == 0) return num(t, 0);
            boolean splat = t.size() > 0;
            for (int i = 1; i < t.size(); i++) if (t.getDouble(i) != t.getDouble(0)) splat = false;
            return (splat ? num(t, 0) : "const") + Arrays.toString(t.shape()).replace(" ", "");
        }
        String args = n.inputs().stream().map(PassTestSupport::expr).collect(Collectors.joining(", "));
        return n.opName() + "(" + args + ")" + (n.attrs().isEmpty() ? "" : "{" + n.attrs() + "}");
    }

    static String expr(Graph g, String output) { return expr(g.output(output)); }

    private static String num(Tensor t, int i) {
        if (!t.dtype().isFloating()) return Long.toString(t.getLong(i));
        double d = t.getDouble(i);
        return d == Math.rint(d) && !Double.isInfinite(d) ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d);
    }

    /** How many nodes of each op, e.g. {@code {add=1, input=2}}. */
    static Map<String, Integer> opCounts(Graph g) {
        Map<String, Integer> m = new TreeMap<>();
        for (Node n : g.nodes()) m.merge(n.opName(), 1, Integer::sum);
        return m;
    }

    /** Checks the graph is well formed: ids are positions, inputs come first, non-leaf types match their op's rule. */
    static void assertWellFormed(Graph g) {
        for (int i = 0; i < g.size(); i++) {
            Node n = g.node(i);
            assertEquals(i, n.id());
            for (Node in : n.inputs()) {
                assertTrue(in.id() < n.id(), "input after node");
                assertSame(in, g.node(in.id()), "input from another graph");
            }
            if (!Patterns.isLeaf(n))
                assertEquals(n.type(), Rewriter.inferOrNull(n.op(), n.inputs(), n.attrs()), () -> "type of " + n.opName());
        }
        for (Node o : g.outputs().values()) assertSame(o, g.node(o.id()), "output from another graph");
    }

    // ---- values ----------------------------------------------------------------------------

    /** Random feeds for a graph's inputs, by name; symbolic dims take sizes from {@code dims} (2 if absent). */
    static Map<String, Tensor> randomFeeds(Graph g, Random r, Map<String, Integer> dims) {
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        Map<String, Dim> binding = new HashMap<>();
        for (Node in : g.inputs())
            for (Dim d : in.type().shape().dims())
                for (String s : d.symbols()) binding.put(s, Dim.of(dims.getOrDefault(s, 2)));
        for (Node in : g.inputs()) feeds.put(in.name(), random(in.type().dtype(), in.type().shape().substitute(binding).sizes(), r));
        return feeds;
    }

    static Tensor random(DType dtype, int[] shape, Random r) {
        Tensor t = Tensor.zeros(dtype, shape);
        for (int i = 0; i < t.size(); i++) {
            switch (dtype) {
                case BOOL -> t.setLong(i, r.nextBoolean() ? 1 : 0);
                case U8 -> t.setLong(i, r.nextInt(256));
                case I32, I64 -> t.setLong(i, r.nextInt(21) - 10);
                default -> t.setDouble(i, (r.nextDouble() * 6 - 3));
            }
        }
        return t;
    }

    /** Evaluates every output of {@code g}, feeding inputs by name; params come from {@code params} by name. */
    static Map<String, Tensor> evaluate(Graph g, ParamStore params, Map<String, Tensor> feeds) {
        Map<Node, Tensor> byNode = new HashMap<>();
        for (Node in : g.inputs()) if (feeds.containsKey(in.name())) byNode.put(in, feeds.get(in.name()));
        Map<Node, Tensor> values = new Interpreter(g, params).run(byNode, new ArrayList<>(g.outputs().values()));
        Map<String, Tensor> outs = new LinkedHashMap<>();
        for (var e : g.outputs().entrySet()) outs.put(e.getKey(), values.get(e.getValue()));
        return outs;
    }

    /** Same outputs with bit-for-bit equal values. */
    static void assertBitwise(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet())
            if (!Patterns.bitwiseEqual(expected.get(k), actual.get(k)))
                fail("output " + k + " differs:\nexpected " + expected.get(k) + "\nactual   " + actual.get(k));
    }

    /** Same outputs, values equal bit for bit except that +0.0 and -0.0 match (see AlgebraicSimplification) and NaNs match. */
    static void assertSameUpToZeroSign(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            Tensor e = expected.get(k), a = actual.get(k);
            assertEquals(e.dtype(), a.dtype(), k);
            assertArrayEquals(e.shape(), a.shape(), k);
            Tensor e64 = e.cast(DType.F64), a64 = a.cast(DType.F64);
            boolean exact = !e.dtype().isFloating();
            for (int i = 0; i < e.size(); i++) {
                if (exact) {
                    assertEquals(e.getLong(i), a.getLong(i), k);
                    continue;
                }
                double x = e64.getDouble(i), y = a64.getDouble(i);
                boolean same = Double.doubleToLongBits(x) == Double.doubleToLongBits(y) || (x == 0 && y == 0);
                if (!same) fail("output " + k + " element " + i + ": expected " + x + ", got " + y);
            }
        }
    }

    /**
     * Runs {@code before} and {@code after} on the same random inputs and params ({@code seeds}
     * times) and compares all outputs: bit for bit when {@code bitwise}, else up to the sign of zero.
     */
    static void assertSameValues(Graph before, Graph after, int seeds, boolean bitwise) {
        for (int seed = 0; seed < seeds; seed++) {
            Random r = new Random(seed);
            Map<String, Tensor> feeds = randomFeeds(before, r, Map.of("batch", 1 + seed % 3));
            ParamStore params = ParamStore.initialize(before, seed);
            Map<String, Tensor> expected = evaluate(before, params, feeds);
            Map<String, Tensor> actual = evaluate(after, params, feeds);
            if (bitwise) assertBitwise(expected, actual);
            else assertSameUpToZeroSign(expected, actual);
        }
    }

    /** Original nodes' spans, names, inputs and params survive a pipeline run (see PassPipelineTest). */
    static void assertProvenance(Graph original, PipelineResult r) {
        Graph g = r.graph();
        for (Node n : g.nodes()) {
            Node o = r.origins().get(n);
            assertNotNull(o, () -> "no origin for " + n);
            assertEquals(o.span(), n.span(), () -> "span of " + n.label() + " (" + n.opName() + ")");
            if (!o.span().isNone()) assertTrue(!n.span().isNone());
        }
        for (Node o : original.nodes()) {
            Node n = r.mapping().get(o);
            if (n == null) continue;
            if (r.origins().get(n) == o && o.name() != null) assertEquals(o.name(), n.name(), "name of a kept node");
        }
        for (var e : original.outputs().entrySet()) assertSame(r.mapping().get(e.getValue()), g.output(e.getKey()), "output " + e.getKey());
        assertEquals(original.inputs().stream().map(Node::name).toList(), g.inputs().stream().map(Node::name).toList());
        assertEquals(original.inputs().stream().map(Node::type).toList(), g.inputs().stream().map(Node::type).toList());
        assertEquals(original.params().stream().map(Node::name).toList(), g.params().stream().map(Node::name).toList());
        assertEquals(original.params().stream().map(Node::type).toList(), g.params().stream().map(Node::type).toList());
    }
}
