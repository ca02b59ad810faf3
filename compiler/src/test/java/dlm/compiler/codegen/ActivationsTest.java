package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.autodiff.FiniteDifferences;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * std.nn's activations (gelu, leakyRelu, elu, softplus, silu, swish, hardSigmoid): values and
 * derivatives against reference numbers, gradients against finite differences, and each used as
 * {@code activation = ::f} in {@code dense} and called directly, compiled against the interpreter.
 */
class ActivationsTest {
    static final double[] X = {-20, -3.5, -1, -0.25, 0, 0.25, 1, 3.5, 20};

    /**
     * An activation with f(X) and f'(X), computed independently in Python 3.11 from Keras 3's
     * formulas in double (math.erf, math.expm1, math.log1p, math.exp; printed with repr). The
     * derivatives are the closed forms: gelu' = Φ(x) + x·φ(x), softplus' = σ(x), silu' = σ + xσ(1−σ),
     * elu' = e^x below 0; at the kinks the conventions documented in std/nn.dlm (leakyRelu'(0) = 1,
     * elu'(0) = alpha, softplus'(0) = 1/2, hardSigmoid' = 1/6 on [−3, 3]).
     */
    record Ref(String f, double[] values, double[] derivatives) {}

    static final List<Ref> REFS = List.of(
            new Ref("gelu",
                    new double[] {-0.0, -0.0008142017766243903, -0.15865525393145707, -0.10032341857926907, 0.0, 0.14967658142073093, 0.8413447460685429, 3.4991857982233756, 20.0},
                    new double[] {-1.1041896724319527e-86, -0.0028217603536246205, -0.08331547058768629, 0.30462664511636395, 0.5, 0.695373354883636, 1.0833154705876864, 1.0028217603536247, 1.0}),
            new Ref("leakyRelu",
                    new double[] {-4.0, -0.7000000000000001, -0.2, -0.05, 0.0, 0.25, 1.0, 3.5, 20.0},
                    new double[] {0.2, 0.2, 0.2, 0.2, 1.0, 1.0, 1.0, 1.0, 1.0}),
            new Ref("elu",
                    new double[] {-0.9999999979388464, -0.9698026165776815, -0.6321205588285577, -0.22119921692859512, 0.0, 0.25, 1.0, 3.5, 20.0},
                    new double[] {2.061153622438558e-09, 0.0301973834223185, 0.36787944117144233, 0.7788007830714049, 1.0, 1.0, 1.0, 1.0, 1.0}),
            new Ref("softplus",
                    new double[] {2.061153620314381e-09, 0.029750418272620566, 0.31326168751822286, 0.5759394198788436, 0.6931471805599453, 0.8259394198788436, 1.3132616875182228, 3.5297504182726205, 20.000000002061153},
                    new double[] {2.0611536181902033e-09, 0.029312230751356316, 0.2689414213699951, 0.4378234991142019, 0.5, 0.5621765008857981, 0.7310585786300049, 0.9706877692486436, 0.9999999979388463}),
            new Ref("silu",
                    new double[] {-4.1223072363804067e-08, -0.10259280762974711, -0.2689414213699951, -0.10945587477855047, 0.0, 0.14054412522144952, 0.7310585786300049, 3.397407192370253, 19.999999958776925},
                    new double[] {-3.916191866064678e-08, -0.07027335282771813, 0.07232948812851325, 0.3762899784298023, 0.5, 0.6237100215701976, 0.9276705118714867, 1.0702733528277182, 1.0000000391619202}),
            new Ref("hardSigmoid",
                    new double[] {0.0, 0.0, 0.3333333333333333, 0.4583333333333333, 0.5, 0.5416666666666666, 0.6666666666666666, 1.0, 1.0},
                    new double[] {0.0, 0.0, 0.16666666666666666, 0.16666666666666666, 0.16666666666666666, 0.16666666666666666, 0.16666666666666666, 0.0, 0.0}));

    static final List<String> ALL = List.of("gelu", "leakyRelu", "elu", "softplus", "silu", "swish", "hardSigmoid");

    /** A one-model program over {@code x: type}, returning {@code expr}; its graph. */
    private static Graph model(String type, String expr) {
        return Frontend.compile("a.dlm", """
                import std.nn.*
                model A(x: %s) {
                    return %s
                }
                """.formatted(type, expr)).models().get("A").graph();
    }

    private static Node input(Graph g, String name) { return g.inputs().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow(); }

    private static Tensor f64(double... v) { return Tensor.of(DType.F64, new int[] {v.length}, v); }

    /** Values and derivatives (of sum(f(x))) on the interpreter, within a few ulps of the references. */
    @TestFactory
    Stream<DynamicTest> valuesAndDerivatives() {
        return REFS.stream().map(r -> DynamicTest.dynamicTest(r.f(), () -> {
            Graph g = model("f64[9]", r.f() + "(x)");
            Node x = input(g, "x"), out = g.output("output");
            Node y = g.add("sum", List.of(out), Attrs.EMPTY, out.span());
            Node dx = Autodiff.grad(g, y, x, out.span());
            Map<Node, Tensor> v = new Interpreter(g, new ParamStore()).run(Map.of(x, f64(X)), List.of(out, dx));
            for (int i = 0; i < X.length; i++) {
                assertClose(r.values()[i], v.get(out).getDouble(i), 1e-15, r.f() + "(" + X[i] + ")");
                assertClose(r.derivatives()[i], v.get(dx).getDouble(i), 1e-13, r.f() + "'(" + X[i] + ")");
            }
        }));
    }

    private static void assertClose(double want, double got, double rtol, String what) {
        assertTrue(Math.abs(want - got) <= rtol * Math.abs(want) + 1e-300, what + " = " + got + ", reference " + want);
    }

    /** The symbolic gradient against central differences, away from the kinks. */
    @TestFactory
    Stream<DynamicTest> gradientsMatchFiniteDifferences() {
        return ALL.stream().map(f -> DynamicTest.dynamicTest(f, () -> {
            Graph g = model("f64[8]", f + "(x)");
            Node x = input(g, "x"), out = g.output("output");
            Tensor w = f64(0.3, -1.2, 0.7, 1.1, -0.4, 0.9, -0.6, 1.3);
            Node y = g.add("sum", List.of(g.add("mul", List.of(out, g.addTyped(OpRegistry.get("constant"), List.of(), Attrs.of("value", w),
                    new TensorType(DType.F64, Shape.of(w.shape())), out.span(), null)),
                    Attrs.EMPTY, out.span())), Attrs.EMPTY, out.span());
            Node dx = Autodiff.grad(g, y, x, out.span());
            Map<Node, Tensor> feeds = Map.of(x, f64(-5.5, -2.5, -1, -0.3, 0.4, 1.2, 2.5, 6));
            Tensor symbolic = new Interpreter(g, new ParamStore()).run(feeds, List.of(dx)).get(dx);
            Tensor numeric = FiniteDifferences.of(g, y, feeds, new ParamStore()).gradient(x, 1e-6);
            for (int i = 0; i < symbolic.size(); i++)
                assertEquals(numeric.getDouble(i), symbolic.getDouble(i), 1e-7 + 1e-7 * Math.abs(numeric.getDouble(i)), f + " at element " + i);
        }));
    }

    /**
     * Each activation inside dense (as a function reference) and called, in a loss with its
     * gradients for the input and the params: the compiled step against the interpreter (exact
     * but for the f32 matrix products' accumulation order).
     */
    @TestFactory
    Stream<DynamicTest> compiledAgainstInterpreter() {
        return ALL.stream().map(f -> DynamicTest.dynamicTest(f, () -> {
            var p = Frontend.compile("l.dlm", """
                    import std.nn.*
                    model L(z: f32[4, 9]) {
                        val h = dense(z, units = 5, activation = ::%s)
                        loss = mean(square(h)) + mean(%s(z) * z)
                    }
                    """.formatted(f, f));
            Graph g = p.models().get("L").graph();
            Node z = input(g, "z"), l = g.output("loss");
            List<Node> wrt = new ArrayList<>(g.params());
            wrt.add(z);
            List<Node> grads = Autodiff.grad(g, l, wrt, l.span());
            for (int i = 0; i < grads.size(); i++) g.setOutput("d" + wrt.get(i).name(), grads.get(i));
            Tensor zs = Tensor.zeros(DType.F32, 4, 9);
            for (int i = 0; i < zs.size(); i++) zs.setDouble(i, X[i % X.length] * (1 + i / 9) / 4);
            CodegenTestSupport.check(g, Map.of("z", zs), ParamStore.initialize(g, 7), 1e-5);
        }));
    }

    @Test
    void swishIsSilu() {
        Graph g = model("f64[9]", "[silu(x), swish(x)]");
        Node x = input(g, "x");
        List<Node> outs = new ArrayList<>(g.outputs().values());
        Map<Node, Tensor> v = new Interpreter(g, new ParamStore()).run(Map.of(x, f64(X)), outs);
        for (int i = 0; i < X.length; i++) assertEquals(v.get(outs.get(0)).getDouble(i), v.get(outs.get(1)).getDouble(i));
    }

    /** The parameters with their Keras defaults and given explicitly, by name and by position. */
    @Test
    void parameters() {
        Graph g = model("f64[3]", "[leakyRelu(x), leakyRelu(x, negativeSlope = 0.5), leakyRelu(x, 0.1), elu(x), elu(x, alpha = 2.0)]");
        Node x = input(g, "x");
        List<Node> outs = new ArrayList<>(g.outputs().values());
        Map<Node, Tensor> v = new Interpreter(g, new ParamStore()).run(Map.of(x, f64(-2, 0, 3)), outs);
        double e2 = Math.expm1(-2);
        double[][] want = {{-0.4, 0, 3}, {-1, 0, 3}, {-0.2, 0, 3}, {e2, 0, 3}, {2 * e2, 0, 3}};
        for (int k = 0; k < want.length; k++)
            for (int i = 0; i < 3; i++) assertEquals(want[k][i], v.get(outs.get(k)).getDouble(i), 1e-16, "output " + k + " at " + i);
    }

    /** Far out, the stable forms stay finite and their gradients carry no NaN from unselected branches. */
    @Test
    void extremeInputsStayFinite() {
        for (String f : ALL) {
            Graph g = model("f64[4]", f + "(x)");
            Node x = input(g, "x"), out = g.output("output");
            Node dx = Autodiff.grad(g, g.add("sum", List.of(out), Attrs.EMPTY, out.span()), x, out.span());
            Map<Node, Tensor> v = new Interpreter(g, new ParamStore()).run(Map.of(x, f64(-1000, -800, 800, 1000)), List.of(out, dx));
            for (int i = 0; i < 4; i++) {
                assertTrue(Double.isFinite(v.get(out).getDouble(i)), f + " value at element " + i);
                assertTrue(Double.isFinite(v.get(dx).getDouble(i)), f + " gradient at element " + i);
            }
        }
    }
}
