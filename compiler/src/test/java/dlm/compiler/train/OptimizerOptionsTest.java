package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Value;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The options every optimizer takes, against Keras's formulas computed here in doubles: AdamW's
 * decoupled weight decay (w − w·wd·lr before the update, whose gradient is taken at the old w),
 * clipNorm (per gradient), clipValue (per element) and globalClipNorm (all gradients together).
 * The model: y = Σ x·w + b on two samples, squared error, so the gradients are
 * (2/n) Σ r·x for w and (2/n) Σ r for b, r the residuals.
 */
class OptimizerOptionsTest {
    private static final double[][] X = {{1.0, 0.5}, {-0.3, 2.0}};
    private static final double[] Y = {0.25, -1.0};

    private static final String MODEL = """
            import std.nn.*
            model M(x: f32[batch, 2]) {
                param w: f32[2] = normal()
                param b: f32[1] = zeros()
                return sum(x * w, axis = 1) + b
            }
            val opt = %s
            """;

    /** [w0, w1, b] after two steps, compiled and interpreted (which must agree bit for bit). */
    private static double[] twoSteps(String optimizer) {
        double[][] out = new double[2][];
        for (boolean compiled : new boolean[] {false, true}) {
            CheckedProgram p = Frontend.compile("t.dlm", MODEL.formatted(optimizer));
            Value.ConfigV opt = (Value.ConfigV) p.scope().lookup("opt");
            Value.FunV mse = (Value.FunV) p.scope().lookup("meanSquaredError");
            TrainGraph tg = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), mse, List.of(), opt, DType.F32, p.ast().span()));
            ParamStore params = ParamStore.initialize(tg.graph, 0);
            params.set("w", Tensor.of(DType.F32, new int[] {2}, new double[] {1.0, -2.0}));
            params.set("b", Tensor.of(DType.F32, new int[] {1}, new double[] {0.5}));
            Trainer t = compiled ? new CompiledTrainer(tg, params) : new InterpretedTrainer(tg, params);
            Tensor x = Tensor.of(DType.F32, new int[] {2, 2}, new double[] {X[0][0], X[0][1], X[1][0], X[1][1]});
            Tensor y = Tensor.of(DType.F32, new int[] {2}, Y);
            for (int s = 0; s < 2; s++) t.trainStep(x, y);
            double[] w = params.get("w").toDoubles();
            out[compiled ? 1 : 0] = new double[] {w[0], w[1], params.get("b").getDouble(0)};
        }
        assertArrayEquals(out[0], out[1], optimizer + ": compiled and interpreted");
        return out[0];
    }

    /** The gradient [dw0, dw1, db] at p = [w0, w1, b]. */
    private static double[] grad(double[] p) {
        double[] g = new double[3];
        for (int i = 0; i < 2; i++) {
            double r = p[0] * X[i][0] + p[1] * X[i][1] + p[2] - Y[i];
            g[0] += r * X[i][0];
            g[1] += r * X[i][1];
            g[2] += r;
        }
        for (int k = 0; k < 3; k++) g[k] *= 2.0 / 2;
        return g;
    }

    private static void assertClose(double[] want, double[] got, String what) {
        for (int k = 0; k < 3; k++) assertEquals(want[k], got[k], 1e-5 * Math.max(1, Math.abs(want[k])), what + " [" + k + "]");
    }

    /** SGD by hand with the gradients transformed by {@code clip} (given all three, in param order w0, w1 | b). */
    private static double[] sgd(double lr, java.util.function.UnaryOperator<double[]> clip) {
        double[] p = {1.0, -2.0, 0.5};
        for (int s = 0; s < 2; s++) {
            double[] g = clip.apply(grad(p));
            for (int k = 0; k < 3; k++) p[k] -= lr * g[k];
        }
        return p;
    }

    @Test
    void clipNormScalesEachGradientToItsNorm() {
        double c = 1.0;
        assertClose(sgd(0.1, g -> {
            double nw = Math.hypot(g[0], g[1]), nb = Math.abs(g[2]);
            return new double[] {g[0] * c / Math.max(nw, c), g[1] * c / Math.max(nw, c), g[2] * c / Math.max(nb, c)};
        }), twoSteps("sgd(learningRate = 0.1, clipNorm = 1.0)"), "clipNorm");
    }

    @Test
    void clipValueClipsEachElement() {
        assertClose(sgd(0.1, g -> new double[] {Math.max(-0.5, Math.min(0.5, g[0])), Math.max(-0.5, Math.min(0.5, g[1])), Math.max(-0.5, Math.min(0.5, g[2]))}),
                twoSteps("sgd(learningRate = 0.1, clipValue = 0.5)"), "clipValue");
    }

    @Test
    void globalClipNormScalesAllGradientsTogether() {
        double c = 1.0;
        assertClose(sgd(0.1, g -> {
            double norm = Math.sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]), scale = c * Math.min(1 / norm, 1 / c);
            return new double[] {g[0] * scale, g[1] * scale, g[2] * scale};
        }), twoSteps("sgd(learningRate = 0.1, globalClipNorm = 1.0)"), "globalClipNorm");
        // a threshold above the norm changes nothing
        assertClose(sgd(0.1, g -> g), twoSteps("sgd(learningRate = 0.1, globalClipNorm = 1000.0)"), "globalClipNorm above the norm");
    }

    @Test
    void adamwDecaysTheWeightsBeforeAdamsUpdate() {
        double lr = 0.1, wd = 0.05, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        double[] p = {1.0, -2.0, 0.5}, m = new double[3], v = new double[3];
        for (int s = 1; s <= 2; s++) {
            double[] g = grad(p);
            double alpha = lr * Math.sqrt(1 - Math.pow(b2, s)) / (1 - Math.pow(b1, s));
            for (int k = 0; k < 3; k++) {
                p[k] -= p[k] * wd * lr;
                m[k] += (g[k] - m[k]) * (1 - b1);
                v[k] += (g[k] * g[k] - v[k]) * (1 - b2);
                p[k] -= m[k] * alpha / (Math.sqrt(v[k]) + eps);
            }
        }
        assertClose(p, twoSteps("adamw(learningRate = 0.1, weightDecay = 0.05)"), "adamw");
        // adamw's default weight decay is Keras's 0.004; adam(weightDecay = …) is the same optimizer
        assertArrayEquals(twoSteps("adamw(learningRate = 0.1)"), twoSteps("adam(learningRate = 0.1, weightDecay = 0.004)"));
    }

    @Test
    void sgdWeightDecayUsesTheScheduledRate() {
        double[] p = {1.0, -2.0, 0.5};
        for (int s = 0; s < 2; s++) {
            double lr = 0.1 * Math.pow(0.5, s), wd = 0.2;
            double[] g = grad(p);
            for (int k = 0; k < 3; k++) p[k] = p[k] - p[k] * wd * lr - lr * g[k];
        }
        assertClose(p, twoSteps("sgd(learningRate = { step: Tensor -> 0.1f * pow(0.5f, step) }, weightDecay = 0.2)"), "sgd weightDecay with a schedule");
    }

    @Test
    void twoWaysOfClippingAreALocatedError() {
        DlmException e = assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", """
                import std.nn.*
                model M(images: u8[batch, 28, 28]) {
                    return dense(images.reshape(batch, 784).toF32(), units = 10, activation = ::softmax)
                }
                train(M) {
                    data = mnist()
                    loss = ::sparseCategoricalCrossentropy
                    optimizer = sgd(clipNorm = 1.0, clipValue = 0.5)
                }
                """));
        assertEquals("t.dlm:8:17", e.span().location());
        assertEquals("give at most one of clipNorm, clipValue and globalClipNorm, not clipNorm and clipValue (Keras would silently use only one)", e.getMessage());
    }
}
