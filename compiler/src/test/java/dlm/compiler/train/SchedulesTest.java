package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Elaborator;
import dlm.compiler.check.Signature;
import dlm.compiler.check.Value;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.OpRegistry;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * std.optim's learning-rate schedules (DLM functions of the step) at chosen steps, against Keras
 * 3's formulas computed here in doubles; and a schedule given as an optimizer's learning rate
 * drives the updates: step k (from 1) uses the schedule at k − 1, Keras's iterations.
 */
class SchedulesTest {
    /** The schedule {@code expr} (with std.optim imported) evaluated at {@code step}, as f32. */
    private static double at(String expr, long step) {
        CheckedProgram p = Frontend.compile("s.dlm", "import std.optim.*\nval s = " + expr + "\n");
        Value.FunV f = (Value.FunV) p.scope().lookup("s");
        Graph g = new Graph();
        Elaborator el = Elaborator.forGraph(g);
        Node in = g.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, TensorType.scalar(DType.F32), SourceSpan.NONE, "step");
        Node out = el.tensor(el.call(f, List.of(new Signature.ArgValue(null, new Value.TensorV(in), SourceSpan.NONE)), SourceSpan.NONE, new Elaborator.Frame("", "function"), null), SourceSpan.NONE);
        assertEquals(TensorType.scalar(DType.F32), out.type(), expr);
        return new Interpreter(g, new ParamStore()).run(Map.of(in, Tensor.scalar(DType.F32, step)), List.of(out)).get(out).getDouble(0);
    }

    /**
     * The schedule against Keras's formula at each step. Keras computes in float32, as DLM does:
     * the formulas take their constants rounded to f32 ({@link #f}), and values agree to a few
     * f32 ulps of the schedule's scale (its largest rate), since 1 + cos(π·t) near t = 1 cancels.
     */
    private static void check(String expr, double scale, LongToDoubleFunction keras, long... steps) {
        for (long s : steps) {
            double want = keras.applyAsDouble(s);
            assertEquals(want, at(expr, s), 5e-7 * Math.abs(want) + 2e-7 * scale, expr + " at step " + s);
        }
    }

    /** x rounded to f32, as Keras's float32 constants are. */
    private static double f(double x) { return (float) x; }

    @Test
    void exponentialDecay() {
        check("exponentialDecay(0.1, 10, 0.96)", 0.1, s -> f(0.1) * Math.pow(f(0.96), s / 10.0), 0, 1, 5, 10, 15, 1000, 12345);
        check("exponentialDecay(0.1, 10, 0.96, staircase = true)", 0.1, s -> f(0.1) * Math.pow(f(0.96), Math.floor(s / 10.0)), 0, 9, 10, 19, 20, 1005);
    }

    @Test
    void inverseTimeDecay() {
        check("inverseTimeDecay(0.5, 100, 2.0)", 0.5, s -> 0.5 / (1 + 2.0 * s / 100.0), 0, 1, 50, 100, 150, 9999);
        check("inverseTimeDecay(0.5, 100, 2.0, staircase = true)", 0.5, s -> 0.5 / (1 + 2.0 * Math.floor(s / 100.0)), 0, 99, 100, 150, 250);
    }

    @Test
    void piecewiseConstantDecay() {
        double[] b = {100, 250}, v = {1.0, 0.5, 0.1};
        LongToDoubleFunction keras = s -> s <= b[0] ? v[0] : s <= b[1] ? v[1] : v[2];
        check("piecewiseConstantDecay([100, 250], [1.0, 0.5, 0.1])", 1.0, s -> f(keras.applyAsDouble(s)), 0, 99, 100, 101, 250, 251, 100000);
        check("piecewiseConstantDecay([5], [0.3, 0.2])", 0.3, s -> f(s <= 5 ? 0.3 : 0.2), 0, 5, 6);
    }

    /** Keras 3's CosineDecay.__call__, with and without its warmup. */
    private static double kerasCosine(double initial, double decaySteps, double alpha, Double warmupTarget, double warmupSteps, long step) {
        double s = step;
        if (warmupTarget == null) {
            s = Math.min(s, decaySteps);
            return initial * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * s / decaySteps)) + alpha);
        }
        s = Math.min(s, decaySteps + warmupSteps);
        if (s < warmupSteps) return (warmupTarget - initial) * (s / warmupSteps) + initial;
        return warmupTarget * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * (s - warmupSteps) / decaySteps)) + alpha);
    }

    @Test
    void cosineDecay() {
        check("cosineDecay(0.1, 1000)", 0.1, s -> kerasCosine(0.1, 1000, 0, null, 0, s), 0, 1, 250, 500, 999, 1000, 5000);
        check("cosineDecay(0.1, 1000, alpha = 0.2)", 0.1, s -> kerasCosine(0.1, 1000, 0.2, null, 0, s), 0, 300, 1000, 2000);
        check("cosineDecay(0.0, 100, warmupTarget = 1e-3, warmupSteps = 20)", 1e-3, s -> kerasCosine(0.0, 100, 0, 1e-3, 20, s), 0, 1, 10, 19, 20, 21, 70, 120, 500);
        check("cosineDecay(1e-4, 100, alpha = 0.1, warmupTarget = 1e-3, warmupSteps = 20)", 1e-3, s -> kerasCosine(1e-4, 100, 0.1, 1e-3, 20, s), 0, 5, 20, 60, 120, 121);
        // a warmup target without warmup steps decays from the target, as Keras does
        check("cosineDecay(0.5, 10, warmupTarget = 0.25)", 0.5, s -> kerasCosine(0.5, 10, 0, 0.25, 0, s), 0, 5, 10);
    }

    @Test
    void badScheduleArgumentsAreLocatedErrors() {
        DlmException e = assertThrows(DlmException.class, () -> at("piecewiseConstantDecay([10, 20], [1.0, 0.5])", 0));
        assertEquals("s.dlm:2:9", e.span().location());
        assertTrue(e.getMessage().startsWith("values must be a list of one more number than boundaries"), e.getMessage());
        e = assertThrows(DlmException.class, () -> at("exponentialDecay(0.1, 0, 0.5)", 0));
        assertTrue(e.getMessage().startsWith("decaySteps must be positive, got 0"), e.getMessage());
        e = assertThrows(DlmException.class, () -> at("cosineDecay(0.1, 10, warmupSteps = -1)", 0));
        assertTrue(e.getMessage().startsWith("warmupSteps must not be negative, got -1"), e.getMessage());
    }

    // ---- a schedule drives the optimizer ---------------------------------------------------------

    private static final String MODEL = """
            import std.nn.*
            import std.optim.*
            model M(x: f32[batch, 2]) {
                param w: f32[2] = normal()
                return sum(x * w, axis = 1)
            }
            val opt = %s
            """;

    private static final double[] X = {1.0, 0.5};
    private static final double Y = 0.25;

    private static double[] threeSteps(String optimizer, boolean compiled) {
        CheckedProgram p = Frontend.compile("t.dlm", MODEL.formatted(optimizer));
        Value.ConfigV opt = (Value.ConfigV) p.scope().lookup("opt");
        Value.FunV mse = (Value.FunV) p.scope().lookup("meanSquaredError");
        TrainGraph tg = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), mse, List.of(), opt, DType.F32, p.ast().span()));
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        params.set("w", Tensor.of(DType.F32, new int[] {2}, new double[] {1.0, -2.0}));
        Trainer t = compiled ? new CompiledTrainer(tg, params) : new InterpretedTrainer(tg, params);
        Tensor x = Tensor.of(DType.F32, new int[] {1, 2}, X), y = Tensor.of(DType.F32, new int[] {1}, Y);
        for (int s = 0; s < 3; s++) t.trainStep(x, y);
        return params.get("w").toDoubles();
    }

    @Test
    void sgdFollowsTheScheduleFromIterationZero() {
        double[] w = {1.0, -2.0};
        for (int k = 0; k < 3; k++) {
            double lr = 0.1 * Math.pow(0.5, k / 2.0), r = w[0] * X[0] + w[1] * X[1] - Y;
            for (int i = 0; i < 2; i++) w[i] -= lr * 2 * r * (i == 0 ? X[0] : X[1]);
        }
        for (String opt : new String[] {"sgd(learningRate = exponentialDecay(0.1, 2, 0.5))", "sgd(learningRate = { step: Tensor -> 0.1f * pow(0.5f, step / 2f) })"}) {
            double[] interp = threeSteps(opt, false), compiled = threeSteps(opt, true);
            assertArrayEquals(interp, compiled, opt + ": compiled and interpreted agree bit for bit");
            for (int i = 0; i < 2; i++) assertEquals(w[i], interp[i], 1e-6, opt);
        }
    }

    @Test
    void everyOptimizerTakesASchedule() {
        for (String o : new String[] {"sgd", "adam", "rmsprop", "adagrad"}) {
            double[] constant = threeSteps(o + "(learningRate = 0.01)", true);
            assertArrayEquals(constant, threeSteps(o + "(learningRate = { step: Tensor -> 0.01f + 0f * step })", true), o + ": a constant schedule is the number");
            double[] decayed = threeSteps(o + "(learningRate = exponentialDecay(0.01, 1, 0.1))", true);
            assertTrue(!java.util.Arrays.equals(constant, decayed), o);
        }
    }

    @Test
    void aScheduleThatGivesNoScalarIsALocatedErrorAtTheOptimizer() {
        String src = """
                import std.nn.*
                model M(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32() / 255f
                    return dense(x, units = 10, activation = ::softmax)
                }
                train(M) {
                    data = mnist()
                    loss = ::sparseCategoricalCrossentropy
                    optimizer = adam(learningRate = %s)
                }
                """;
        DlmException e = assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", src.formatted("{ step: Tensor -> tensor([1f, 2f]) }")));
        assertEquals("t.dlm:9:17", e.span().location());
        assertEquals("a learning-rate schedule must give an f32 scalar for the step, got f32[2]", e.getMessage());
        e = assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", src.formatted("\"fast\"")));
        assertEquals("t.dlm:9:22", e.span().location());
        assertEquals("'learningRate' of adam() must be a number or a schedule (a function of the step), got \"fast\"", e.getMessage());
    }

    @Test
    void aLearningRateInputIsSetBetweenSteps() {
        // reduceLrOnPlateau's learning rate: an input of the step, read as the trainer holds it
        double[] w = {1.0, -2.0};
        double[] rates = {0.1, 0.05, 0.025};
        for (double lr : rates) {
            double r = w[0] * X[0] + w[1] * X[1] - Y;
            for (int i = 0; i < 2; i++) w[i] -= (float) lr * 2 * r * (i == 0 ? X[0] : X[1]);
        }
        double[][] got = new double[2][];
        for (boolean compiled : new boolean[] {false, true}) {
            CheckedProgram p = Frontend.compile("t.dlm", MODEL.formatted("sgd(learningRate = 0.1)"));
            Value.ConfigV opt = (Value.ConfigV) p.scope().lookup("opt");
            Value.FunV mse = (Value.FunV) p.scope().lookup("meanSquaredError");
            TrainGraph tg = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), mse, List.of(), opt, DType.F32, p.ast().span()).withVariableLearningRate());
            ParamStore params = ParamStore.initialize(tg.graph, 0);
            params.set("w", Tensor.of(DType.F32, new int[] {2}, new double[] {1.0, -2.0}));
            Trainer t = compiled ? new CompiledTrainer(tg, params) : new InterpretedTrainer(tg, params);
            assertEquals((float) 0.1, t.learningRate().getDouble(0), 0.0);
            Tensor x = Tensor.of(DType.F32, new int[] {1, 2}, X), y = Tensor.of(DType.F32, new int[] {1}, Y);
            for (double lr : rates) {
                t.setLearningRate(lr);
                t.trainStep(x, y);
            }
            got[compiled ? 1 : 0] = params.get("w").toDoubles();
        }
        assertArrayEquals(got[0], got[1], "compiled and interpreted agree bit for bit");
        for (int i = 0; i < 2; i++) assertEquals(w[i], got[0][i], 1e-6);
    }

    @Test
    void aScheduleWithoutItsImportSaysWhereItIs() {
        DlmException e = assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", "val s = cosineDecay(0.1, 10)\n"));
        assertEquals("t.dlm:1:9", e.span().location());
        assertEquals("unknown name 'cosineDecay': it is in std.optim; add import std.optim.*", e.getMessage());
        e = assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", "val r = l2(0.1)\n"));
        assertEquals("unknown name 'l2': it is in std.nn; add import std.nn.*", e.getMessage());
    }
}
