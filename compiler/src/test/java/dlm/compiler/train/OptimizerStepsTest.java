package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Value;
import dlm.compiler.interp.ParamStore;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer's first two updates against the Keras formulas, computed here independently
 * in plain doubles. The model is one weight vector w on one sample x with squared error, so
 * the gradient is 2 (w·x − y) x.
 */
class OptimizerStepsTest {
    private static final double[] X = {1.0, 0.5};
    private static final double Y = 0.25;
    private static final double[] W0 = {1.0, -2.0};

    private static final String MODEL = """
            import std.nn.*
            model M(x: f32[batch, 2]) {
                param w: f32[2] = normal()
                return sum(x * w, axis = 1)
            }
            val opt = %s
            """;

    /** Runs two train steps and returns w after each. */
    private static double[][] twoSteps(String optimizer) {
        CheckedProgram p = Frontend.compile("t.dlm", MODEL.formatted(optimizer));
        Value.ConfigV opt = (Value.ConfigV) p.scope().lookup("opt");
        Value.FunV mse = (Value.FunV) p.scope().lookup("meanSquaredError");
        TrainGraph tg = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), mse, List.of(), opt, DType.F32, p.ast().span()));
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        params.set("w", Tensor.of(DType.F32, new int[] {2}, W0));
        InterpretedTrainer t = new InterpretedTrainer(tg, params);
        Tensor x = Tensor.of(DType.F32, new int[] {1, 2}, X);
        Tensor y = Tensor.of(DType.F32, new int[] {1}, Y);
        double[][] out = new double[2][];
        for (int s = 0; s < 2; s++) {
            t.trainStep(x, y);
            out[s] = params.get("w").toDoubles();
        }
        return out;
    }

    private static double[] grad(double[] w) {
        double r = w[0] * X[0] + w[1] * X[1] - Y;
        return new double[] {2 * r * X[0], 2 * r * X[1]};
    }

    private static void assertClose(double[][] expected, double[][] actual) {
        for (int s = 0; s < 2; s++)
            for (int i = 0; i < 2; i++)
                assertEquals(expected[s][i], actual[s][i], 1e-5 * Math.max(1, Math.abs(expected[s][i])), "step " + (s + 1) + " w[" + i + "]");
    }

    @Test
    void sgd() {
        double lr = 0.1;
        double[] w = W0.clone();
        double[][] exp = new double[2][];
        for (int s = 0; s < 2; s++) {
            double[] g = grad(w);
            for (int i = 0; i < 2; i++) w[i] -= lr * g[i];
            exp[s] = w.clone();
        }
        assertClose(exp, twoSteps("sgd(learningRate = 0.1)"));
    }

    @Test
    void sgdWithMomentumAndNesterov() {
        for (boolean nesterov : new boolean[] {false, true}) {
            double lr = 0.1, mom = 0.9;
            double[] w = W0.clone(), v = new double[2];
            double[][] exp = new double[2][];
            for (int s = 0; s < 2; s++) {
                double[] g = grad(w);
                for (int i = 0; i < 2; i++) {
                    v[i] = mom * v[i] - lr * g[i];
                    w[i] += nesterov ? mom * v[i] - lr * g[i] : v[i];
                }
                exp[s] = w.clone();
            }
            assertClose(exp, twoSteps("sgd(learningRate = 0.1, momentum = 0.9, nesterov = " + nesterov + ")"));
        }
    }

    @Test
    void adam() {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        double[] w = W0.clone(), m = new double[2], v = new double[2];
        double[][] exp = new double[2][];
        for (int s = 1; s <= 2; s++) {
            double[] g = grad(w);
            double alpha = lr * Math.sqrt(1 - Math.pow(b2, s)) / (1 - Math.pow(b1, s));
            for (int i = 0; i < 2; i++) {
                m[i] += (g[i] - m[i]) * (1 - b1);
                v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
                w[i] -= m[i] * alpha / (Math.sqrt(v[i]) + eps);
            }
            exp[s - 1] = w.clone();
        }
        assertClose(exp, twoSteps("adam(learningRate = 0.01)"));
    }

    @Test
    void rmsprop() {
        double lr = 0.01, rho = 0.9, eps = 1e-7;
        double[] w = W0.clone(), v = new double[2];
        double[][] exp = new double[2][];
        for (int s = 0; s < 2; s++) {
            double[] g = grad(w);
            for (int i = 0; i < 2; i++) {
                v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
                w[i] -= lr * g[i] / Math.sqrt(v[i] + eps);
            }
            exp[s] = w.clone();
        }
        assertClose(exp, twoSteps("rmsprop(learningRate = 0.01)"));
    }

    @Test
    void adagrad() {
        double lr = 0.1, init = 0.1, eps = 1e-7;
        double[] w = W0.clone(), acc = {init, init};
        double[][] exp = new double[2][];
        for (int s = 0; s < 2; s++) {
            double[] g = grad(w);
            for (int i = 0; i < 2; i++) {
                acc[i] += g[i] * g[i];
                w[i] -= lr * g[i] / Math.sqrt(acc[i] + eps);
            }
            exp[s] = w.clone();
        }
        assertClose(exp, twoSteps("adagrad(learningRate = 0.1)"));
    }
}
