package dlm.compiler.codegen;

import static dlm.compiler.codegen.CodegenTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dlm.compiler.Frontend;
import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.codegen.CodegenTestSupport.G;
import dlm.compiler.codegen.OpsCompiledTest.Case;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ops.Op;
import dlm.compiler.ops.OpRegistry;
import dlm.compiler.print.DlmSourcePrinter;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every graph can be written as DLM ({@code dlmc grad --format dlm}): for each case of
 * {@link OpsCompiledTest} — which covers every op of the registry, over dtypes and shapes — and
 * for the gradient graph of each differentiable case, the graph is printed as a DLM program
 * whose inputs have the case's tensors as defaults, that program is checked and run by the
 * reference interpreter, and its values must equal the original graph's bit for bit. The op list
 * comes from the registry, so an op added without a DLM form fails here.
 */
class DlmSourceRoundTripTest {
    /** The ops seen in the graphs that round-tripped. */
    private static final Set<String> SEEN = new ConcurrentSkipListSet<>();

    @TestFactory
    Stream<DynamicTest> forward() {
        return OpsCompiledTest.CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> roundTrip(c, false)));
    }

    @TestFactory
    Stream<DynamicTest> gradient() {
        return OpsCompiledTest.CASES.stream().filter(Case::grad).map(c -> DynamicTest.dynamicTest(c.name(), () -> roundTrip(c, true)));
    }

    @Test
    void aParamAndItsInitializerRoundTrip() {
        G g = new G();
        Tensor x0 = random(DType.F32, new int[] {2, 3}, new Random(1));
        Node x = g.g.addTyped(OpRegistry.get("input"), List.of(), Attrs.of("default", x0), CodegenTestSupport.type(DType.F32, 2, 3), g.span(), "x");
        Node w = g.param("layer.W", DType.F32, 3, 4);
        Node y = g.op("matmul", x, w);
        Node loss = g.op("sum", g.op("square", y));
        List<Node> outs = new ArrayList<>(List.of(y, loss));
        outs.addAll(Autodiff.grad(g.g, loss, List.of(w), g.span()));
        Map<Node, Tensor> feeds = new HashMap<>(Map.of(x, x0));
        check("param", g.g, outs, feeds);
    }

    @Test
    void i64ValuesBeyondDoublePrecisionRoundTrip() {
        G g = new G();
        Tensor big = Tensor.zeros(DType.I64, 5);
        long[] vs = {Long.MIN_VALUE, Long.MAX_VALUE, (1L << 53) + 1, -(1L << 60) - 3, -5};
        for (int i = 0; i < vs.length; i++) big.setLong(i, vs[i]);
        Node x = g.g.addTyped(OpRegistry.get("input"), List.of(), Attrs.of("default", big), CodegenTestSupport.type(DType.I64, 5), g.span(), "x");
        Node y = g.op("maximum", x, g.constant(big));
        check("i64 extremes", g.g, List.of(y), new HashMap<>(Map.of(x, big)));
    }

    @Test
    void everyRegisteredOpRoundTrips() {
        // runs the cases itself when this test runs alone, or first
        if (SEEN.isEmpty() || OpsCompiledTest.CASES.stream().map(c -> c.name().split(" ")[0]).anyMatch(o -> !SEEN.contains(o)))
            for (Case c : OpsCompiledTest.CASES) {
                roundTrip(c, false);
                if (c.grad()) roundTrip(c, true);
            }
        aParamAndItsInitializerRoundTrip();
        Set<String> missing = new TreeSet<>();
        for (Op op : OpRegistry.all()) if (!SEEN.contains(op.name())) missing.add(op.name());
        assertEquals(Set.of(), missing, "registered ops that no round-tripped graph contains");
    }

    private static void roundTrip(Case c, boolean grad) {
        G g = new G();
        List<Node> xs = new ArrayList<>();
        Map<Node, Tensor> feeds = new HashMap<>();
        for (int i = 0; i < c.inputs().size(); i++) {
            Tensor t = c.inputs().get(i);
            Object[] dims = new Object[t.rank()];
            for (int a = 0; a < dims.length; a++) dims[a] = t.shape()[a];
            Node in = g.g.addTyped(OpRegistry.get("input"), List.of(), Attrs.of("default", t), CodegenTestSupport.type(t.dtype(), dims), g.span(), "x" + i);
            xs.add(in);
            feeds.put(in, t);
        }
        Node y = c.build().apply(g, xs);
        List<Node> outs = new ArrayList<>(List.of(y));
        if (grad) {
            Tensor w = random(y.type().dtype(), y.type().shape().sizes(), new Random(c.name().hashCode()));
            Node loss = g.op("sum", g.op("mul", y, g.constant(w)));
            List<Node> wrt = xs.stream().filter(x -> x.type().dtype().isFloating()).toList();
            outs.add(loss);
            outs.addAll(Autodiff.grad(g.g, loss, wrt, g.span()));
        }
        check(c.name() + (grad ? " (gradient)" : ""), g.g, outs, feeds);
    }

    private static void check(String what, Graph g, List<Node> outs, Map<Node, Tensor> feeds) {
        Map<Node, Tensor> want = new Interpreter(g, ParamStore.initialize(g, 7)).run(feeds, outs);
        String src = DlmSourcePrinter.print("RoundTrip", g, outs, List.of(what));
        for (Node n : g.nodes()) SEEN.add(n.opName());
        CheckedProgram p;
        try {
            p = Frontend.compile("roundtrip.dlm", src);
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": the printed program does not check: " + e.getMessage() + "\n" + src, e);
        }
        Graph h = p.models().get("RoundTrip").graph();
        List<Node> got = new ArrayList<>();
        if (outs.size() == 1) got.add(h.output("output"));
        else for (int i = 0; i < outs.size(); i++) got.add(h.output("output" + i));
        // no feeds: the printed inputs' defaults must be the case's tensors
        Map<Node, Tensor> vals = new Interpreter(h, ParamStore.initialize(h, 7)).run(Map.of(), got);
        for (int i = 0; i < outs.size(); i++) {
            Tensor a = want.get(outs.get(i)), b = vals.get(got.get(i));
            String at = what + ", result " + i + "\n" + src;
            assertEquals(a.dtype(), b.dtype(), at);
            assertArrayEquals(a.shape(), b.shape(), at);
            for (int j = 0; j < a.size(); j++) {
                boolean same = a.dtype().isFloating() ? Double.compare(a.getDouble(j), b.getDouble(j)) == 0 : a.getLong(j) == b.getLong(j);
                if (!same) fail(at + "\nentry " + j + ": " + a.getDouble(j) + " vs " + b.getDouble(j));
            }
        }
    }
}
