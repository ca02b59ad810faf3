package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dlm.compiler.check.Value.InitV;
import dlm.compiler.diag.SourceFile;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.GraphPrinter;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.OpRegistry;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Building small graphs, and the comparison every codegen test makes: compile a graph, run it on
 * inputs, and check each output against the reference interpreter on the same inputs.
 *
 * <p>Tolerances: element-wise code, reductions, softmax and f64/integer matmul compute exactly
 * what the interpreter computes (same operations in the same order, rounding once per node), so
 * they are compared exactly (NaN equals NaN; +0 and -0 are equal, since the standard passes may
 * drop an {@code x + 0}). An f32 matmul accumulates in float rather than double: compared with
 * a relative tolerance of {@code 1e-6·k} (k the contracted length) scaled by the magnitudes.
 */
final class CodegenTestSupport {
    private CodegenTestSupport() {}

    static final SourceFile FILE = SourceFile.of("ops.dlm", "");

    /** Builds a graph node by node, one source line per node (so failures can be located). */
    static final class G {
        final Graph g = new Graph();
        private int line = 1;

        SourceSpan span() {
            int l = line++;
            return new SourceSpan(FILE, l, 1, l, 10);
        }

        Node input(String name, DType d, Object... dims) {
            return g.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, type(d, dims), span(), name);
        }

        Node param(String name, DType d, int... shape) {
            return g.addTyped(OpRegistry.get("param"), List.of(), Attrs.of("init", new InitV("uniform", Map.of("lo", -1.0, "hi", 1.0))),
                    TensorType.of(d, shape), span(), name);
        }

        Node constant(Tensor v) {
            return g.addTyped(OpRegistry.get("constant"), List.of(), Attrs.of("value", v), new TensorType(v.dtype(), Shape.of(v.shape())), span(), null);
        }

        Node scalar(DType d, double v) { return constant(Tensor.scalar(d, v)); }

        Node op(String op, Attrs attrs, Node... ins) { return g.add(op, List.of(ins), attrs, span()); }

        Node op(String op, Node... ins) { return op(op, Attrs.EMPTY, ins); }

        G out(String name, Node n) {
            g.setOutput(name, n);
            return this;
        }
    }

    static TensorType type(DType d, Object... dims) {
        List<Dim> ds = new ArrayList<>();
        for (Object o : dims) ds.add(o instanceof String s ? Dim.sym(s) : Dim.of((Integer) o));
        return new TensorType(d, new Shape(ds));
    }

    /** Random values: floats in [lo, hi), integers in [-10, 10], u8 in [0, 255], bool. */
    static Tensor random(DType d, int[] shape, Random r, double lo, double hi) {
        Tensor t = Tensor.zeros(d, shape);
        for (int i = 0; i < t.size(); i++) {
            switch (d) {
                case BOOL -> t.setLong(i, r.nextBoolean() ? 1 : 0);
                case U8 -> t.setLong(i, r.nextInt(256));
                case I32, I64 -> t.setLong(i, (long) Math.floor(lo + r.nextDouble() * (hi - lo)));
                default -> t.setDouble(i, lo + r.nextDouble() * (hi - lo));
            }
        }
        return t;
    }

    static Tensor random(DType d, int[] shape, Random r) {
        return d.isFloating() ? random(d, shape, r, -3, 3) : random(d, shape, r, -10, 11);
    }

    /** Interprets and compiles {@code g} on {@code feeds} (by input name) and compares every output. */
    static Compilation check(Graph g, Map<String, Tensor> feeds, ParamStore params, double matmulTolerance) {
        Map<Node, Tensor> byNode = new HashMap<>();
        Map<String, int[]> shapes = new HashMap<>();
        for (Node in : g.inputs()) {
            Tensor t = feeds.get(in.name());
            if (t == null) continue;
            byNode.put(in, t);
            shapes.put(in.name(), t.shape());
        }
        Map<Node, Tensor> values = new Interpreter(g, params).run(byNode, new ArrayList<>(g.outputs().values()));
        Compilation c;
        try {
            c = Codegen.compile(g, shapes, Map.of(), "T", Codegen.Options.defaults());
        } catch (RuntimeException e) {
            throw new AssertionError("compiling\n" + GraphPrinter.text("g", g), e);
        }
        verify(c.classBytes());
        assertPlanSound(c);
        Map<String, Tensor> bind = new LinkedHashMap<>(feeds);
        bind.putAll(params.all());
        CompiledGraph cg = c.instantiate(bind);
        cg.run();
        for (var e : g.outputs().entrySet()) {
            Tensor want = values.get(e.getValue()), got = cg.output(e.getKey());
            try {
                assertClose(want, got, matmulTolerance);
            } catch (AssertionError err) {
                throw new AssertionError("output " + e.getKey() + " of\n" + GraphPrinter.text("g", g) + "\n" + c.disassemble(), err);
            }
        }
        return c;
    }

    static Compilation check(Graph g, Map<String, Tensor> feeds) { return check(g, feeds, new ParamStore(), 0); }

    /** Exact (up to the sign of zero, NaN = NaN) when tol is 0, else |a-b| <= tol·(1 + |a|). */
    static void assertClose(Tensor want, Tensor got, double tol) {
        assertEquals(want.dtype(), got.dtype(), "dtype");
        assertArrayEquals(want.shape(), got.shape(), "shape");
        for (int i = 0; i < want.size(); i++) {
            if (!want.dtype().isFloating()) {
                if (want.getLong(i) != got.getLong(i)) fail("element " + i + ": expected " + want.getLong(i) + ", got " + got.getLong(i) + "\n" + want + "\n" + got);
                continue;
            }
            double a = want.getDouble(i), b = got.getDouble(i);
            boolean ok = tol == 0 ? (Double.doubleToLongBits(a) == Double.doubleToLongBits(b) || a == b || (Double.isNaN(a) && Double.isNaN(b)))
                    : (Double.isNaN(a) ? Double.isNaN(b) : a == b || Math.abs(a - b) <= tol * (1 + Math.abs(a)));
            if (!ok) fail("element " + i + ": expected " + a + ", got " + b + " (tolerance " + tol + ")\nexpected " + want + "\ngot      " + got);
        }
    }

    /**
     * The schedule and memory plan are consistent: every step runs after the steps it depends on,
     * every reader of an array overwritten in place runs before the step that overwrites it, and
     * values sharing an array never live at the same time (a value lives from the step producing
     * it to the last step reading it); outputs, externals and constants have arrays of their own.
     */
    static void assertPlanSound(Compilation c) {
        Planner p = c.plan;
        for (Unit u : p.schedule) {
            for (Unit pred : u.preds) if (pred.order >= u.order) fail("step " + u.method + " runs before its dependency " + pred.method);
            for (Value ext : u.inPlace)
                for (Unit r : p.schedule) if (r != u && r.reads.contains(ext) && r.order > u.order)
                    fail(r.method + " reads " + ext + " after " + u.method + " overwrote it");
        }
        Map<Value, Integer> last = new HashMap<>();
        for (Unit u : p.schedule) for (Value v : u.reads) last.merge(v, u.order, Math::max);
        for (Buf b : p.bufs) {
            if (b.owner != null || b.values.get(0).pinned) {
                assertEquals(1, b.values.size(), "an external, constant or output array holds one value");
                continue;
            }
            for (Value v : b.values) if (v.size > b.capacity) fail(v + " does not fit " + b.field());
            for (int i = 0; i < b.values.size(); i++)
                for (int j = 0; j < b.values.size(); j++) {
                    if (i == j) continue;
                    Value x = b.values.get(i), y = b.values.get(j);
                    int xs = x.producer.order, xe = Math.max(xs, last.getOrDefault(x, xs));
                    int ys = y.producer.order, ye = Math.max(ys, last.getOrDefault(y, ys));
                    if (xs <= ye && ys <= xe) fail(x + " and " + y + " share " + b.field() + " while both live: [" + xs + ", " + xe + "] and [" + ys + ", " + ye + "]");
                }
        }
    }

    /** ASM's verifier (CheckClassAdapter with data-flow analysis) accepts the class. */
    static void verify(byte[] bytes) {
        StringWriter w = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), CodegenTestSupport.class.getClassLoader(), false, new PrintWriter(w));
        if (!w.toString().isEmpty()) fail("CheckClassAdapter rejects the generated class:\n" + w);
    }
}
