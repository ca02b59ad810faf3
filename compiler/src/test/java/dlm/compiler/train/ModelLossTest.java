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
 * A loss the model assigns ({@code loss = …} in its body, Keras's {@code add_loss}) is added to
 * the train block's loss: it moves the params and is part of the reported loss, compiled and
 * interpreted alike. The model is one weight vector w on one sample x with squared error and a
 * penalty {@code scale · Σw²/2}, so the step's loss is (w·x − y)² + scale·|w|²/2 and its gradient
 * 2 (w·x − y) x + scale · w.
 */
class ModelLossTest {
    private static final double[] X = {1.0, 0.5};
    private static final double Y = 0.25;
    private static final double[] W0 = {1.0, -2.0};
    private static final double LR = 0.01;

    private static final String MODEL = """
            import std.nn.*
            model M(x: f32[batch, 2]) {
                param w: f32[2] = normal()
                loss = %s
                return sum(x * w, axis = 1)
            }
            val opt = sgd(learningRate = 0.01)
            """;

    private static TrainGraph graph(String penalty) {
        CheckedProgram p = Frontend.compile("t.dlm", MODEL.formatted(penalty));
        Value.ConfigV opt = (Value.ConfigV) p.scope().lookup("opt");
        Value.FunV mse = (Value.FunV) p.scope().lookup("meanSquaredError");
        return TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), mse, List.of(), opt, DType.F32, p.ast().span()));
    }

    /** Two steps: the losses they report, then w. */
    private static double[] twoSteps(String penalty, boolean compiled) {
        TrainGraph tg = graph(penalty);
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        params.set("w", Tensor.of(DType.F32, new int[] {2}, W0));
        Trainer t = compiled ? new CompiledTrainer(tg, params) : new InterpretedTrainer(tg, params);
        Tensor x = Tensor.of(DType.F32, new int[] {1, 2}, X), y = Tensor.of(DType.F32, new int[] {1}, Y);
        double l1 = t.trainStep(x, y)[0], l2 = t.trainStep(x, y)[0];
        double[] w = params.get("w").toDoubles();
        return new double[] {l1, l2, w[0], w[1]};
    }

    private static double[] expected(double scale) {
        double[] w = W0.clone();
        double[] out = new double[4];
        for (int s = 0; s < 2; s++) {
            double r = w[0] * X[0] + w[1] * X[1] - Y;
            out[s] = r * r + scale * (w[0] * w[0] + w[1] * w[1]) / 2;
            for (int i = 0; i < 2; i++) w[i] -= LR * (2 * r * X[i] + scale * w[i]);
        }
        out[2] = w[0];
        out[3] = w[1];
        return out;
    }

    @Test
    void theModelsLossIsAddedToTheTrainingLossAndMovesTheParams() {
        for (double scale : new double[] {0, 0.5, 3}) {
            String penalty = scale + "f * sum(w * w) / 2f";
            double[] want = expected(scale);
            for (boolean compiled : new boolean[] {false, true}) {
                double[] got = twoSteps(penalty, compiled);
                for (int i = 0; i < 4; i++)
                    assertEquals(want[i], got[i], 1e-5 * Math.max(1, Math.abs(want[i])), "scale " + scale + (compiled ? " compiled" : " interpreted") + " [" + i + "]");
            }
        }
    }

    @Test
    void compiledAndInterpretedAgreeBitForBit() {
        assertArrayEquals(twoSteps("0.1f * sum(abs(w))", false), twoSteps("0.1f * sum(abs(w))", true));
    }

    @Test
    void scalingThePenaltyChangesTheTrainingLoss() {
        // the report: a penalty scaled by 1e7 did not change train's loss
        double plain = twoSteps("1f * sum(w * w)", true)[0], scaled = twoSteps("1e7f * sum(w * w)", true)[0];
        assertEquals(expected(2)[0], plain, 1e-5);
        assertEquals(expected(2e7)[0], scaled, 1e-5 * expected(2e7)[0]);
    }

    @Test
    void aModelLossOfAnotherDtypeIsALocatedError() {
        DlmException e = assertThrows(DlmException.class, () -> graph("sum(w * w).toF64()"));
        assertEquals("t.dlm:4:12", e.span().location());
        assertEquals("model M's loss is f64 but the train block's loss is f32: the two are added, so they need the same dtype (convert one with .toF32() or .toF64())", e.getMessage());
    }
}
