package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.autodiff.FiniteDifferences;
import dlm.compiler.check.RuntimeInputs;
import dlm.compiler.codegen.Codegen;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.passes.BindInputs;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * std.nn's {@code batchNormalization} (Keras's BatchNormalization): batch statistics in the train
 * step, moving statistics (states) updated by it and used in eval and predict, gamma/beta trained;
 * values by hand, compiled vs interpreted, gradients against finite differences.
 */
class BatchNormalizationTest {

    static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (int i = 0; i < t.size(); i++) t.setDouble(i, 4 * r.nextDouble() - 1);
        return t;
    }

    /** Per channel (last axis) over all other axes: {mean, biased variance}, in double. */
    static double[][] moments(Tensor x) {
        int k = x.shape()[x.rank() - 1], rows = x.size() / k;
        double[][] mv = new double[2][k];
        for (int j = 0; j < k; j++) {
            for (int r = 0; r < rows; r++) mv[0][j] += x.getDouble(r * k + j);
            mv[0][j] /= rows;
            for (int r = 0; r < rows; r++) mv[1][j] += Math.pow(x.getDouble(r * k + j) - mv[0][j], 2);
            mv[1][j] /= rows;
        }
        return mv;
    }

    static double[] normalized(Tensor x, double[] mean, double[] var, float[] gamma, float[] beta, double eps) {
        int k = mean.length;
        double[] out = new double[x.size()];
        for (int i = 0; i < out.length; i++) out[i] = (x.getDouble(i) - mean[i % k]) / Math.sqrt(var[i % k] + eps) * gamma[i % k] + beta[i % k];
        return out;
    }

    static void assertClose(double[] want, Tensor got, double tol, String what) {
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got.getDouble(i), tol * (1 + Math.abs(want[i])), what + " [" + i + "]");
    }

    @Test
    void trainingUsesTheBatchAndInferenceTheMovingStatistics() {
        Graph g = DropoutTest.model("f32[batch, 3, 4]", "return batchNormalization(x)");
        assertEquals(List.of("output.gamma", "output.beta", "output.movingMean", "output.movingVariance"), g.params().stream().map(Node::name).toList());
        ParamStore ps = ParamStore.initialize(g, 0);
        assertArrayEquals(new float[] {0, 0, 0, 0}, ps.get("output.movingMean").f32Storage());
        assertArrayEquals(new float[] {1, 1, 1, 1}, ps.get("output.movingVariance").f32Storage());
        float[] gamma = {0.5f, 2f, -1f, 1f}, beta = {0f, 0.25f, -1f, 2f}, mm = {0.1f, -0.2f, 0.3f, 1f}, mv = {0.5f, 2f, 1f, 4f};
        System.arraycopy(gamma, 0, ps.get("output.gamma").f32Storage(), 0, 4);
        System.arraycopy(beta, 0, ps.get("output.beta").f32Storage(), 0, 4);
        System.arraycopy(mm, 0, ps.get("output.movingMean").f32Storage(), 0, 4);
        System.arraycopy(mv, 0, ps.get("output.movingVariance").f32Storage(), 0, 4);
        Tensor x = random(new Random(2), 5, 3, 4);
        double[][] b = moments(x);
        double[] train = normalized(x, b[0], b[1], gamma, beta, 1e-3);
        double[] infer = normalized(x, new double[] {0.1f, -0.2f, 0.3f, 1f}, new double[] {0.5f, 2f, 1f, 4f}, gamma, beta, 1e-3);
        for (boolean training : new boolean[] {true, false}) {
            Tensor i = DropoutTest.interpreted(g, ps, x, training, 0, 0), c = DropoutTest.compiled(g, ps, x, training, 0, 0);
            assertClose(training ? train : infer, i, 3e-6, "interpreted, training " + training);
            assertClose(training ? train : infer, c, 3e-6, "compiled, training " + training);
        }
    }

    /** The moving statistics after each of three train steps, both backends, against Keras's update by hand. */
    @Test
    void movingStatisticsOverThreeStepsAndInferenceUsesThem() {
        TrainGraph tg = RandomnessTest.graph("return batchNormalization(x, momentum = 0.9)");
        assertEquals(List.of("output.gamma", "output.beta"), tg.params.stream().map(Node::name).toList());
        assertEquals(List.of("output.movingMean", "output.movingVariance"), tg.states.stream().map(Node::name).toList());
        Random r = new Random(7);
        Tensor[] xs = {random(r, 6, 4), random(r, 6, 4), random(r, 6, 4)};
        for (boolean compiled : new boolean[] {false, true}) {
            Trainer t = RandomnessTest.trainer(tg, compiled, 0);
            double[] mm = {0, 0, 0, 0}, mv = {1, 1, 1, 1};
            for (int s = 0; s < 3; s++) {
                t.trainStep(xs[s], Tensor.zeros(DType.F32, 6));
                double[][] b = moments(xs[s]);
                for (int j = 0; j < 4; j++) {
                    mm[j] = mm[j] * 0.9 + b[0][j] * 0.1;
                    mv[j] = mv[j] * 0.9 + b[1][j] * 0.1;
                }
                String at = (compiled ? "compiled" : "interpreted") + ", step " + (s + 1);
                assertClose(mm, t.params().get("output.movingMean"), 2e-6, "moving mean, " + at);
                assertClose(mv, t.params().get("output.movingVariance"), 2e-6, "moving variance, " + at);
            }
            // inference: the moving statistics and the trained gamma and beta
            float[] gamma = t.params().get("output.gamma").f32Storage(), beta = t.params().get("output.beta").f32Storage();
            Tensor x = random(r, 3, 4);
            double[] want = normalized(x, toDouble(t.params().get("output.movingMean")), toDouble(t.params().get("output.movingVariance")), gamma, beta, 1e-3);
            assertClose(want, t.predict(x), 3e-6, (compiled ? "compiled" : "interpreted") + " predict");
            // eval does not move them
            float[] before = t.params().get("output.movingMean").f32Storage().clone();
            t.evalStep(x, Tensor.zeros(DType.F32, 3));
            assertArrayEquals(before, t.params().get("output.movingMean").f32Storage());
        }
        // the compiled steps: the train step writes the states, eval and predict only read them
        assertTrue(Codegen.inPlaceOutputs(tg, Codegen.StepKind.TRAIN).containsKey("update:output.movingMean"));
        assertTrue(Codegen.stepGraph(tg, Codegen.StepKind.PREDICT).outputs().keySet().stream().noneMatch(k -> k.startsWith("update:")));
    }

    static double[] toDouble(Tensor t) { return t.toDoubles(); }

    @Test
    void aTrainStepWithBatchNormalizationAllocatesNothingInSteadyState() {
        TrainGraph tg = RandomnessTest.graph("return relu(batchNormalization(x * 2f))");
        Trainer t = RandomnessTest.trainer(tg, true, 1);
        Tensor in = RandomnessTest.x(64), y = Tensor.zeros(DType.F32, 64);
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int s = 0; s < 200; s++) t.trainStep(in, y);
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int s = 0; s < 100; s++) t.trainStep(in, y);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes in 100 steps");
    }

    /** Gradients in the train step (batch statistics) w.r.t. x, gamma and beta against f64 finite differences. */
    @Test
    void gradientsAgainstFiniteDifferences() {
        Graph g0 = DropoutTest.model("f32[5, 3]", """
                val y = batchNormalization(x)
                return sum(y * tensor([[1.0, -2.0, 0.5]]) * y + y)
                """);
        for (boolean training : new boolean[] {true, false}) {
            Graph g = BindInputs.apply(g0, Map.of(RuntimeInputs.TRAINING, Tensor.scalar(DType.BOOL, training ? 1 : 0)));
            ParamStore ps = ParamStore.initialize(g, 0);
            Random r = new Random(3);
            for (String p : List.of("y.gamma", "y.beta", "y.movingMean"))
                for (int i = 0; i < 3; i++) ps.get(p).setDouble(i, 2 * r.nextDouble() - 1);
            for (int i = 0; i < 3; i++) ps.get("y.movingVariance").setDouble(i, 0.5 + r.nextDouble());
            Node x = g.inputs().get(0), y = g.output("output");
            List<Node> wrt = List.of(x, g.params().get(0), g.params().get(1));
            Map<Node, Tensor> feeds = Map.of(x, random(r, 5, 3));
            List<Node> grads = Autodiff.grad(g, y, wrt, y.span());
            Map<Node, Tensor> sym = new Interpreter(g, ps).run(feeds, grads);
            FiniteDifferences fd = FiniteDifferences.inF64(g, y, feeds, ps);
            for (int i = 0; i < wrt.size(); i++) {
                Tensor s = sym.get(grads.get(i)), n = fd.gradient(wrt.get(i), 1e-6);
                for (int k = 0; k < s.size(); k++)
                    assertEquals(n.getDouble(k), s.getDouble(k), 2e-4 + 2e-4 * Math.abs(n.getDouble(k)), "training " + training + ": " + wrt.get(i).label() + "[" + k + "]");
            }
        }
    }

    @Test
    void statesAndAssignErrors() {
        assertTrue(error("f32[batch, 4]", "return batchNormalization(x, momentum = 1.5)").contains("batchNormalization needs a momentum in [0, 1], got 1.5"));
        assertTrue(error("f32[batch, 4]", "param w: f32[4] = zeros()\n assign(w, w * 2)\n return x")
                .contains("assign needs a state (declared with 'state name: type = init'), got the trainable param w"));
        assertTrue(error("f32[batch, 4]", "state s: f32[4] = zeros()\n assign(s, x)\n return x")
                .contains("assign to state s of type f32[4] needs a value of its shape, got f32[batch, 4]"));
        assertTrue(error("f32[batch, 4]", "state s: f32[4] = zeros()\n assign(s, 1)\n assign(s, 2)\n return x").contains("state s is assigned twice"));
        assertTrue(error("f32[batch, 4]", "state s: i32[4] = zeros()\n return x").contains("a state must have a floating-point dtype, got i32"));
    }

    private static String error(String xType, String body) {
        return assertThrows(DlmException.class, () -> DropoutTest.model(xType, body)).render();
    }
}
