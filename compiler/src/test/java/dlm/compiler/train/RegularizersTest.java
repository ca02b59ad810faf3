package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * std.nn's regularizers on dense (Keras's kernel_regularizer / bias_regularizer): the penalty on
 * the weights is part of the loss train minimizes and reports (train and eval steps), computed
 * here by hand on a one-unit dense layer, W = [1, −2], b = 0.3, one sample x = [1, 0.5], y = 0.25,
 * squared error, SGD with learning rate 0.01.
 */
class RegularizersTest {
    private static final double[] X = {1.0, 0.5}, W = {1.0, -2.0};
    private static final double B = 0.3, Y = 0.25, LR = 0.01;

    private static final String MODEL = """
            import std.nn.*
            model M(x: f32[batch, 2]) {
                return sum(dense(x, units = 1%s), axis = 1)
            }
            val opt = sgd(learningRate = 0.01)
            """;

    /** [loss of step 1, eval loss after it, W0, W1, b after it]. */
    private static double[] oneStep(String args, boolean compiled) {
        CheckedProgram p = Frontend.compile("t.dlm", MODEL.formatted(args));
        Value.ConfigV opt = (Value.ConfigV) p.scope().lookup("opt");
        Value.FunV mse = (Value.FunV) p.scope().lookup("meanSquaredError");
        TrainGraph tg = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), mse, List.of(), opt, DType.F32, p.ast().span()));
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        String layer = tg.params.get(0).name().replaceAll("\\.W$", "");
        assertEquals(List.of(layer + ".W", layer + ".b"), tg.params.stream().map(n -> n.name()).toList());
        params.set(layer + ".W", Tensor.of(DType.F32, new int[] {2, 1}, W));
        params.set(layer + ".b", Tensor.of(DType.F32, new int[] {1}, new double[] {B}));
        Trainer t = compiled ? new CompiledTrainer(tg, params) : new InterpretedTrainer(tg, params);
        Tensor x = Tensor.of(DType.F32, new int[] {1, 2}, X), y = Tensor.of(DType.F32, new int[] {1}, Y);
        double loss = t.trainStep(x, y)[0], eval = t.evalStep(x, y)[0];
        double[] w = params.get(layer + ".W").toDoubles();
        return new double[] {loss, eval, w[0], w[1], params.get(layer + ".b").getDouble(0)};
    }

    /** The same by hand: the penalty l1·Σ|v| + l2·Σv² on W (kl1, kl2) and on b (bl1, bl2). */
    private static double[] byHand(double kl1, double kl2, double bl1, double bl2) {
        double[] w = W.clone();
        double b = B;
        double r = w[0] * X[0] + w[1] * X[1] + b - Y;
        double penalty = kl1 * (Math.abs(w[0]) + Math.abs(w[1])) + kl2 * (w[0] * w[0] + w[1] * w[1]) + bl1 * Math.abs(b) + bl2 * b * b;
        double loss = r * r + penalty;
        for (int i = 0; i < 2; i++) w[i] -= LR * (2 * r * X[i] + kl1 * Math.signum(w[i]) + 2 * kl2 * w[i]);
        b -= LR * (2 * r + bl1 * Math.signum(b) + 2 * bl2 * b);
        double r2 = w[0] * X[0] + w[1] * X[1] + b - Y;
        double eval = r2 * r2 + kl1 * (Math.abs(w[0]) + Math.abs(w[1])) + kl2 * (w[0] * w[0] + w[1] * w[1]) + bl1 * Math.abs(b) + bl2 * b * b;
        return new double[] {loss, eval, w[0], w[1], b};
    }

    private static void check(String args, double[] want) {
        double[] interp = oneStep(args, false), compiled = oneStep(args, true);
        assertArrayEquals(interp, compiled, args + ": compiled and interpreted agree bit for bit");
        for (int i = 0; i < want.length; i++) assertEquals(want[i], interp[i], 1e-6 * Math.max(1, Math.abs(want[i])), args + " [" + i + "]");
    }

    @Test
    void withoutARegularizerNothingIsAdded() {
        check("", byHand(0, 0, 0, 0));
    }

    @Test
    void l2OnTheKernel() {
        check(", kernelRegularizer = l2(0.1)", byHand(0, 0.1, 0, 0));
        check(", kernelRegularizer = l2()", byHand(0, 0.01, 0, 0)); // Keras's default 0.01
    }

    @Test
    void l1OnTheKernelAndTheBias() {
        check(", kernelRegularizer = l1(0.05), biasRegularizer = l1(0.5)", byHand(0.05, 0, 0.5, 0));
        check(", kernelRegularizer = l1()", byHand(0.01, 0, 0, 0));
    }

    @Test
    void l1l2() {
        check(", kernelRegularizer = l1l2(l1 = 0.05, l2 = 0.2), biasRegularizer = l2(1.0)", byHand(0.05, 0.2, 0, 1.0));
        check(", kernelRegularizer = l1l2()", byHand(0.01, 0.01, 0, 0)); // keras.regularizers.l1_l2's defaults
    }

    @Test
    void aUsersOwnRegularizerIsAFunctionOfTheWeights() {
        check(", kernelRegularizer = { w: Tensor -> 0.1f * sum(square(w)) }", byHand(0, 0.1, 0, 0));
    }

    @Test
    void aRegularizerThatGivesNoScalarIsALocatedError() {
        DlmException e = assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", MODEL.formatted(", kernelRegularizer = { w: Tensor -> w }")));
        assertEquals("t.dlm:3:16", e.span().location());
        assertTrue(e.getMessage().contains("addLoss needs a floating-point scalar, got f32[2, 1]"), e.getMessage());
    }

    /** The first step's loss of a small convnet, and the sum of its kernel's squares then. */
    private static double[] convStep(String args) {
        CheckedProgram p = Frontend.compile("c.dlm", """
                import std.nn.*
                model C(x: f32[batch, 3, 3, 1]) {
                    val h = conv2d(x, filters = 2, kernelSize = 2%s)
                    return sum(h.reshape(batch, 8), axis = 1)
                }
                val opt = sgd()
                """.formatted(args));
        Value.ConfigV opt = (Value.ConfigV) p.scope().lookup("opt");
        Value.FunV mse = (Value.FunV) p.scope().lookup("meanSquaredError");
        TrainGraph tg = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("C").decl(), mse, List.of(), opt, DType.F32, p.ast().span()));
        ParamStore params = ParamStore.initialize(tg.graph, 3);
        double sq = 0;
        for (double v : params.get(tg.params.get(0).name()).toDoubles()) sq += v * v;
        Tensor x = Tensor.zeros(DType.F32, 1, 3, 3, 1);
        for (int i = 0; i < 9; i++) x.setDouble(i, 0.1 * i);
        double loss = new CompiledTrainer(tg, params).trainStep(x, Tensor.of(DType.F32, new int[] {1}, new double[] {0.5}))[0];
        return new double[] {loss, sq};
    }

    @Test
    void conv2dTakesTheSameRegularizers() {
        double[] plain = convStep(""), l2 = convStep(", kernelRegularizer = l2(0.1)");
        assertEquals(plain[1], l2[1], 0.0, "the same initial kernel");
        assertEquals(plain[0] + 0.1 * plain[1], l2[0], 1e-6 * Math.max(1, l2[0]));
    }
}
