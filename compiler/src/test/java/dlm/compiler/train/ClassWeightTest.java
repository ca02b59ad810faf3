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
 * Keras's class_weight, by hand on a softmax layer W: f32[2, 3] over three samples: the train
 * step minimizes and reports mean(w_y · l) (sum_over_batch_size) and the weighted accuracy
 * Σ w_y·correct / Σ w_y; evaluation stays unweighted; compiled = interpreted.
 */
class ClassWeightTest {
    private static final double[][] X = {{1.0, 0.5}, {-0.3, 2.0}, {0.7, -1.2}};
    private static final int[] Y = {0, 2, 1};
    private static final double[] CW = {1.0, 3.0, 0.5};
    private static final double[][] W0 = {{0.2, -0.1, 0.4}, {0.3, 0.6, -0.5}};
    private static final double LR = 0.1;

    private static final String MODEL = """
            import std.nn.*
            model M(x: f32[batch, 2]) {
                param W: f32[2, 3] = zeros()
                return softmax(x @ W)
            }
            val opt = sgd(learningRate = 0.1)
            """;

    /** [eval loss, eval accuracy, train loss, train accuracy, W after the step (6)]. */
    private static double[] run(boolean compiled, double[] classWeight) {
        CheckedProgram p = Frontend.compile("t.dlm", MODEL);
        Value.ConfigV opt = (Value.ConfigV) p.scope().lookup("opt");
        Value.FunV loss = (Value.FunV) p.scope().lookup("sparseCategoricalCrossentropy"), acc = (Value.FunV) p.scope().lookup("accuracy");
        TrainGraph tg = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), loss, List.of(acc), opt, DType.U8, p.ast().span()).withClassWeight(classWeight));
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        params.set("W", Tensor.of(DType.F32, new int[] {2, 3}, new double[] {W0[0][0], W0[0][1], W0[0][2], W0[1][0], W0[1][1], W0[1][2]}));
        Trainer t = compiled ? new CompiledTrainer(tg, params) : new InterpretedTrainer(tg, params);
        Tensor x = Tensor.of(DType.F32, new int[] {3, 2}, new double[] {X[0][0], X[0][1], X[1][0], X[1][1], X[2][0], X[2][1]});
        Tensor y = Tensor.of(DType.U8, new int[] {3}, new double[] {Y[0], Y[1], Y[2]});
        double[] ev = t.evalStep(x, y).clone(), tr = t.trainStep(x, y).clone();
        double[] w = params.get("W").toDoubles();
        double[] out = new double[10];
        out[0] = ev[0];
        out[1] = ev[1];
        out[2] = tr[0];
        out[3] = tr[1];
        System.arraycopy(w, 0, out, 4, 6);
        return out;
    }

    /** The same by hand. */
    private static double[] byHand(double[] cw) {
        double[] out = new double[10];
        double[][] grad = new double[2][3];
        double evalLoss = 0, trainLoss = 0, correct = 0, wCorrect = 0, wSum = 0;
        for (int i = 0; i < 3; i++) {
            double[] z = new double[3];
            for (int j = 0; j < 3; j++) z[j] = X[i][0] * W0[0][j] + X[i][1] * W0[1][j];
            double max = Math.max(z[0], Math.max(z[1], z[2])), s = 0;
            for (int j = 0; j < 3; j++) s += Math.exp(z[j] - max);
            double[] prob = new double[3];
            for (int j = 0; j < 3; j++) prob[j] = Math.exp(z[j] - max) / s;
            double l = -Math.log(prob[Y[i]]), w = cw == null ? 1 : cw[Y[i]];
            evalLoss += l / 3;
            trainLoss += w * l / 3;
            int arg = prob[0] >= prob[1] && prob[0] >= prob[2] ? 0 : prob[1] >= prob[2] ? 1 : 2;
            double c = arg == Y[i] ? 1 : 0;
            correct += c / 3;
            wCorrect += w * c;
            wSum += w;
            for (int j = 0; j < 3; j++) {
                double dz = w * (prob[j] - (j == Y[i] ? 1 : 0)) / 3;
                grad[0][j] += dz * X[i][0];
                grad[1][j] += dz * X[i][1];
            }
        }
        out[0] = evalLoss;
        out[1] = correct;
        out[2] = trainLoss;
        out[3] = wCorrect / wSum;
        for (int r = 0; r < 2; r++) for (int j = 0; j < 3; j++) out[4 + 3 * r + j] = W0[r][j] - LR * grad[r][j];
        return out;
    }

    @Test
    void theTrainStepWeighsEachSampleByItsClassAndEvaluationDoesNot() {
        for (double[] cw : new double[][] {null, CW}) {
            double[] interp = run(false, cw), compiled = run(true, cw), want = byHand(cw);
            assertArrayEquals(interp, compiled, "compiled and interpreted agree bit for bit");
            for (int k = 0; k < want.length; k++) assertEquals(want[k], interp[k], 1e-6, (cw == null ? "unweighted" : "weighted") + " [" + k + "]");
        }
        // the weighted accuracy differs from the plain one here (sample 2, of weight 3, is wrong)
        assertTrue(Math.abs(byHand(CW)[3] - byHand(null)[3]) > 0.01);
    }

    @Test
    void theEpochAveragesTheMetricsByTheBatchesWeights() {
        CheckedProgram p = Frontend.compile("t.dlm", MODEL);
        Value.ConfigV opt = (Value.ConfigV) p.scope().lookup("opt");
        Value.FunV loss = (Value.FunV) p.scope().lookup("sparseCategoricalCrossentropy");
        TrainGraph tg = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), loss, List.of(), opt, DType.U8, p.ast().span()).withClassWeight(CW));
        assertEquals(1.0 + 3.0 + 0.5 + 3.0, tg.metricWeight(Tensor.of(DType.U8, new int[] {4}, new double[] {0, 1, 2, 1})), 0.0);
        TrainGraph plain = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), loss, List.of(), opt, DType.U8, p.ast().span()));
        assertEquals(4.0, plain.metricWeight(Tensor.of(DType.U8, new int[] {4}, new double[] {0, 1, 2, 1})), 0.0);
    }

    @Test
    void classWeightNeedsALossAndMetricsThatTakeSampleWeights() {
        String src = """
                import std.nn.*
                model M(images: u8[batch, 28, 28]) {
                    return dense(images.reshape(batch, 784).toF32(), units = 10, activation = ::softmax)
                }
                train(M) {
                    data = mnist()
                    loss = %s
                    optimizer = sgd()
                    classWeight = %s
                }
                """;
        String ten = "[1, 1, 1, 1, 1, 1, 1, 1, 1, 2]";
        DlmException e = assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", src.formatted("{ t, p -> sparseCategoricalCrossentropy(t, p) }", ten)));
        assertEquals("t.dlm:9:19", e.span().location());
        assertTrue(e.getMessage().startsWith("classWeight weighs the loss and the metrics, but lambda takes no sampleWeight"), e.getMessage());
        e = assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", src.formatted("::sparseCategoricalCrossentropy", "[1, 2]")));
        assertEquals("classWeight has 2 weights but mnist() has 10 classes: give one weight per class, in label order", e.getMessage());
        e = assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", src.formatted("::sparseCategoricalCrossentropy", "[1, 1, 1, 1, 1, 1, 1, 1, 1, -2]")));
        assertEquals("classWeight's weights must be finite and not negative; class 9 has -2.0", e.getMessage());
        // a lambda that takes and uses sampleWeight is accepted
        Frontend.compile("t.dlm", src.formatted("{ t, p, sampleWeight -> sparseCategoricalCrossentropy(t, p, sampleWeight = sampleWeight) }", ten));
    }
}
