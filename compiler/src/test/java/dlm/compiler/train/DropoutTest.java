package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.autodiff.FiniteDifferences;
import dlm.compiler.check.RuntimeInputs;
import dlm.compiler.codegen.Codegen;
import dlm.compiler.codegen.CompiledGraph;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.passes.BindInputs;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.kernels.KernelPool;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * std.nn's {@code dropout}: the mask's rate, the 1/(1 − rate) scaling, identity at inference,
 * the same bits by seed whatever the backend or thread count, its gradient (the same mask)
 * against finite differences, use in {@code sequential}, errors, and an allocation-free step.
 */
class DropoutTest {

    /** The graph of model M(x: &lt;xType&gt;) with the given body. */
    static Graph model(String xType, String body) {
        return Frontend.compile("t.dlm", """
                import std.nn.*
                model M(x: %s) {
                %s
                }
                """.formatted(xType, body)).models().get("M").graph();
    }

    static Tensor x(DType d, int rows, int cols) {
        Tensor t = Tensor.zeros(d, rows, cols);
        for (int i = 0; i < t.size(); i++) t.setDouble(i, 0.25 * (i % 13) - 1.5);
        return t;
    }

    /** The model's output on the reference interpreter, the run-time leaves fed. */
    static Tensor interpreted(Graph g, ParamStore ps, Tensor x, boolean training, long seed, long step) {
        Map<Node, Tensor> feeds = new HashMap<>();
        feeds.put(g.inputs().get(0), x);
        for (Node n : g.runtimeInputs())
            feeds.put(n, switch (n.name()) {
                case RuntimeInputs.TRAINING -> Tensor.scalar(DType.BOOL, training ? 1 : 0);
                case RuntimeInputs.RNG_SEED -> RuntimeInputs.i64(seed);
                default -> RuntimeInputs.i64(step);
            });
        return new Interpreter(g, ps).run(feeds, List.of(g.output("output"))).get(g.output("output"));
    }

    /** The model's output compiled for the training flag's value, as the trainer's steps are. */
    static Tensor compiled(Graph g, ParamStore ps, Tensor x, boolean training, long seed, long step) {
        Graph bound = BindInputs.apply(g, Map.of(RuntimeInputs.TRAINING, Tensor.scalar(DType.BOOL, training ? 1 : 0)));
        Map<String, Tensor> bind = new HashMap<>(ps.all());
        bind.put("x", x);
        bind.put(RuntimeInputs.RNG_SEED, RuntimeInputs.i64(seed));
        bind.put(RuntimeInputs.RNG_STEP, RuntimeInputs.i64(step));
        CompiledGraph cg = Codegen.compile(bound, Map.of("x", x.shape())).instantiate(bind);
        cg.run();
        return cg.output("output");
    }

    @Test
    void theMaskDropsRateOfTheEntriesAndScalesTheRest() {
        for (double rate : new double[] {0.3, 0.8}) {
            Graph g = model("f32[batch, 50]", "return dropout(x, " + rate + ")");
            Tensor in = x(DType.F32, 2000, 50);
            float[] y = compiled(g, new ParamStore(), in, true, 4, 1).f32Storage();
            float scale = (float) (1 / (1 - rate));
            int dropped = 0;
            for (int i = 0; i < y.length; i++) {
                float xi = in.f32Storage()[i];
                if (y[i] == 0 && xi != 0) dropped++;
                else assertTrue(y[i] == 0 || y[i] == xi * scale, "entry " + i + ": " + y[i] + " for x " + xi);
            }
            long nonzero = 0;
            for (float v : in.f32Storage()) if (v != 0) nonzero++;
            // ~92,000 nonzero entries: the rate's standard error is below 0.0016
            assertEquals(rate, dropped / (double) nonzero, 0.007, "rate " + rate);
        }
    }

    @Test
    void rateZeroKeepsEverything() {
        Graph g = model("f32[batch, 5]", "return dropout(x, 0)");
        Tensor in = x(DType.F32, 7, 5);
        assertArrayEquals(in.f32Storage(), compiled(g, new ParamStore(), in, true, 1, 1).f32Storage());
    }

    @Test
    void atInferenceDropoutIsTheIdentityAndLeavesNoRandomOp() {
        TrainGraph tg = RandomnessTest.graph("return dropout(x, 0.5)");
        Tensor in = RandomnessTest.x(6);
        for (boolean compiled : new boolean[] {false, true}) {
            Trainer t = RandomnessTest.trainer(tg, compiled, 3);
            t.restore(5, Map.of());
            assertArrayEquals(in.f32Storage(), t.predict(in).f32Storage());
            // the mean square of x, not of a masked x
            double ms = 0;
            for (float v : in.f32Storage()) ms += (double) v * v;
            assertEquals((float) (ms / in.size()), (float) t.evalStep(in, Tensor.zeros(DType.F32, 6))[0], 1e-6);
        }
        for (Codegen.StepKind k : List.of(Codegen.StepKind.EVAL, Codegen.StepKind.PREDICT))
            assertTrue(Codegen.stepGraph(tg, k).nodesOf("randomUniform").isEmpty(), k + " keeps the random op");
        assertEquals(1, Codegen.stepGraph(tg, Codegen.StepKind.TRAIN).nodesOf("randomUniform").size());
    }

    @Test
    void theSameMaskCompiledOrInterpretedWhateverTheThreadCount() {
        Graph g = model("f64[batch, 30]", "return dropout(x * 2, 0.4)");
        Tensor in = x(DType.F64, 300, 30);
        Tensor ref = interpreted(g, new ParamStore(), in, true, 17, 2);
        int before = KernelPool.parallelism();
        try {
            for (int threads : new int[] {1, 2}) {
                KernelPool.setParallelism(threads);
                assertArrayEquals(ref.toDoubles(), compiled(g, new ParamStore(), in, true, 17, 2).toDoubles(), threads + " threads");
            }
        } finally {
            KernelPool.setParallelism(before);
        }
    }

    @Test
    void theMaskDependsOnSeedStepAndCallSite() {
        Graph g = model("f32[batch, 40]", "return dropout(x, 0.5)");
        Tensor in = Tensor.zeros(DType.F32, 10, 40);
        for (int i = 0; i < in.size(); i++) in.setDouble(i, 1);
        float[] a = compiled(g, new ParamStore(), in, true, 1, 1).f32Storage();
        assertArrayEquals(a, compiled(g, new ParamStore(), in, true, 1, 1).f32Storage());
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(compiled(g, new ParamStore(), in, true, 2, 1).f32Storage()));
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(compiled(g, new ParamStore(), in, true, 1, 2).f32Storage()));
        // two dropouts of the same x draw independent masks: their outputs differ somewhere
        Graph two = model("f32[batch, 40]", "val a = dropout(x, 0.5)\n val b = dropout(x, 0.5)\n return a - b");
        float[] d = compiled(two, new ParamStore(), in, true, 1, 1).f32Storage();
        int differ = 0;
        for (float v : d) if (v != 0) differ++;
        assertTrue(differ > 100, differ + " entries differ");
    }

    /** d/dx and d/dW of sum(dropout(x @ W) * R) in the train step, seed fixed, against finite differences. */
    @Test
    void theGradientIsTheSameMaskAgainstFiniteDifferences() {
        Graph g0 = model("f64[3, 4]", """
                param W: f64[4, 5] = uniform(-1, 1)
                val y = dropout(x @ W, 0.4)
                return sum(y * tensor([[1.0, -2.0, 0.5, 3.0, -1.5]], dtype = f64))
                """);
        Graph g = BindInputs.apply(g0, Map.of(RuntimeInputs.TRAINING, Tensor.scalar(DType.BOOL, 1),
                RuntimeInputs.RNG_SEED, RuntimeInputs.i64(9), RuntimeInputs.RNG_STEP, RuntimeInputs.i64(4)));
        ParamStore ps = ParamStore.initialize(g, 3);
        Node x = g.inputs().get(0), w = g.params().get(0), y = g.output("output");
        Map<Node, Tensor> feeds = Map.of(x, x(DType.F64, 3, 4));
        List<Node> grads = Autodiff.grad(g, y, List.of(x, w), y.span());
        Map<Node, Tensor> sym = new Interpreter(g, ps).run(feeds, grads);
        FiniteDifferences fd = FiniteDifferences.of(g, y, feeds, ps);
        int zeros = 0;
        for (int i = 0; i < 2; i++) {
            Tensor s = sym.get(grads.get(i)), n = fd.gradient(i == 0 ? x : w, 1e-6);
            for (int k = 0; k < s.size(); k++) assertEquals(n.getDouble(k), s.getDouble(k), 1e-6 + 1e-6 * Math.abs(n.getDouble(k)), "grad " + i + "[" + k + "]");
        }
        // the mask is not all ones: some columns of dW are zero in the rows the mask dropped
        for (double v : sym.get(grads.get(1)).toDoubles()) if (v == 0) zeros++;
        assertTrue(zeros > 0 && zeros < 20, zeros + " zero entries of dW");
    }

    /** Compiled and interpreted training with dropout between two dense layers: the same masks every step. */
    @Test
    void inSequentialBothBackendsTrainAlike() {
        TrainGraph tg = RandomnessTest.graph("""
                return sequential(x) {
                    dense(16, ::relu)
                    dropout(0.5)
                    dense(3)
                }""");
        double[][] losses = new double[2][5];
        float[][] w = new float[2][];
        for (int b = 0; b < 2; b++) {
            Trainer t = RandomnessTest.trainer(tg, b == 1, 21);
            for (int s = 0; s < 5; s++) losses[b][s] = t.trainStep(RandomnessTest.x(8), Tensor.zeros(DType.F32, 8))[0];
            w[b] = t.params().get("dense.W").f32Storage();
        }
        // the same masks: the backends differ only by the rounding of the products' sums
        assertArrayEquals(losses[0], losses[1], 1e-6);
        assertArrayEquals(w[0], w[1], 1e-6f);
    }

    @Test
    void aRateOutsideZeroToOneIsALocatedError() {
        for (String rate : List.of("1", "1.5", "-0.1")) {
            DlmException e = assertThrows(DlmException.class, () -> model("f32[batch, 4]", "return dropout(x, " + rate + ")"));
            String shown = rate.contains(".") ? rate : rate + ".0";
            // at the user's call, with a caret under it
            assertEquals("t.dlm:3:8: error: dropout needs a rate in [0, 1), got " + shown + "\n"
                    + "return dropout(x, " + rate + ")\n"
                    + "       ^" + "~".repeat(("dropout(x, " + rate + ")").length() - 1), e.render());
        }
    }

    @Test
    void aTrainStepWithDropoutAllocatesNothingInSteadyState() {
        TrainGraph tg = RandomnessTest.graph("return dropout(relu(x), 0.3) * 2f");
        Trainer t = RandomnessTest.trainer(tg, true, 1);
        Tensor in = RandomnessTest.x(64), y = Tensor.zeros(DType.F32, 64);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int s = 0; s < 200; s++) t.trainStep(in, y);
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int s = 0; s < 100; s++) t.trainStep(in, y);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes in 100 steps");
    }
}
