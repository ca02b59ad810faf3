package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.autodiff.FiniteDifferences;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** std.nn's {@code layerNormalization} (Keras's LayerNormalization, last axis): values, params, backends, gradients. */
class LayerNormalizationTest {

    static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (int i = 0; i < t.size(); i++) t.setDouble(i, 4 * r.nextDouble() - 2);
        return t;
    }

    /** (x − mean)/√(var + eps)·gamma + beta per row of the last axis, in double. */
    static double[] expected(Tensor x, float[] gamma, float[] beta, double eps) {
        int k = x.shape()[x.rank() - 1], rows = x.size() / k;
        double[] out = new double[x.size()];
        for (int r = 0; r < rows; r++) {
            double m = 0, v = 0;
            for (int j = 0; j < k; j++) m += x.getDouble(r * k + j);
            m /= k;
            for (int j = 0; j < k; j++) v += Math.pow(x.getDouble(r * k + j) - m, 2);
            v /= k;
            for (int j = 0; j < k; j++) out[r * k + j] = (x.getDouble(r * k + j) - m) / Math.sqrt(v + eps) * gamma[j] + beta[j];
        }
        return out;
    }

    @Test
    void normalizesEachRowOfTheLastAxisWithKerasDefaults() {
        // params named after the val receiving the call (here the returned output), as dense's are
        Graph g = DropoutTest.model("f32[batch, 2, 5]", "return layerNormalization(x)");
        assertEquals(List.of("output.gamma", "output.beta"), g.params().stream().map(Node::name).toList());
        ParamStore ps = ParamStore.initialize(g, 0);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1}, ps.get("output.gamma").f32Storage());
        assertArrayEquals(new float[5], ps.get("output.beta").f32Storage());
        // gamma and beta as a trained model might have them
        float[] gamma = {0.5f, 2f, -1f, 1f, 3f}, beta = {0f, 0.25f, -1f, 2f, 0.5f};
        System.arraycopy(gamma, 0, ps.get("output.gamma").f32Storage(), 0, 5);
        System.arraycopy(beta, 0, ps.get("output.beta").f32Storage(), 0, 5);
        Tensor x = random(new Random(1), 3, 2, 5);
        double[] want = expected(x, gamma, beta, 1e-3);
        for (boolean training : new boolean[] {false, true}) {
            Tensor i = DropoutTest.interpreted(g, ps, x, training, 0, 0), c = DropoutTest.compiled(g, ps, x, training, 0, 0);
            assertArrayEquals(i.f32Storage(), c.f32Storage(), "compiled vs interpreted");
            for (int k = 0; k < want.length; k++) assertEquals(want[k], i.getDouble(k), 2e-6 * (1 + Math.abs(want[k])), "entry " + k);
        }
    }

    @Test
    void epsilonIsUsedAndAConstantRowGivesBeta() {
        Graph g = DropoutTest.model("f32[batch, 3]", "return sequential(x) { layerNormalization(epsilon = 0.5) }");
        ParamStore ps = ParamStore.initialize(g, 0);
        Tensor x = Tensor.of(DType.F32, new int[] {2, 3}, 1, 2, 3, 7, 7, 7);
        double[] want = expected(x, new float[] {1, 1, 1}, new float[3], 0.5);
        Tensor y = DropoutTest.compiled(g, ps, x, false, 0, 0);
        for (int k = 0; k < 6; k++) assertEquals(want[k], y.getDouble(k), 1e-6);
        assertArrayEquals(new float[] {0, 0, 0}, new float[] {y.f32Storage()[3], y.f32Storage()[4], y.f32Storage()[5]});
    }

    /** Gradients of sum(layerNormalization(x) * R) w.r.t. x, gamma and beta against f64 finite differences. */
    @Test
    void gradientsAgainstFiniteDifferences() {
        Graph g = DropoutTest.model("f32[4, 6]", """
                val y = layerNormalization(x)
                return sum(y * tensor([[1.0, -2.0, 0.5, 3.0, -1.5, 0.25]]) * y)
                """);
        ParamStore ps = ParamStore.initialize(g, 0);
        Random r = new Random(5);
        for (Node p : g.params()) for (int i = 0; i < ps.get(p.name()).size(); i++) ps.get(p.name()).setDouble(i, 2 * r.nextDouble() - 1);
        Node x = g.inputs().get(0), y = g.output("output");
        List<Node> wrt = List.of(x, g.params().get(0), g.params().get(1));
        Map<Node, Tensor> feeds = Map.of(x, random(r, 4, 6));
        List<Node> grads = Autodiff.grad(g, y, wrt, y.span());
        Map<Node, Tensor> sym = new Interpreter(g, ps).run(feeds, grads);
        FiniteDifferences fd = FiniteDifferences.inF64(g, y, feeds, ps);
        for (int i = 0; i < wrt.size(); i++) {
            Tensor s = sym.get(grads.get(i)), n = fd.gradient(wrt.get(i), 1e-6);
            for (int k = 0; k < s.size(); k++)
                assertEquals(n.getDouble(k), s.getDouble(k), 1e-4 + 1e-4 * Math.abs(n.getDouble(k)), wrt.get(i).label() + "[" + k + "]");
        }
    }
}
