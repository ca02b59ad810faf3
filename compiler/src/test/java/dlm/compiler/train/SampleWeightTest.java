package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Value;
import dlm.compiler.interp.ParamStore;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keras's sample_weight, by hand on a softmax layer W: f32[2, 3] over three samples, alone and
 * times class_weight: the train step minimizes and reports Σ w_i·l_i / n (Keras's
 * sum_over_batch_size: divided by the batch size, not by Σ w) and the weighted accuracy
 * Σ w_i·correct_i / Σ w_i, with w_i = sampleWeight_i · classWeight[y_i]; evaluation stays
 * unweighted; compiled = interpreted bit for bit.
 */
class SampleWeightTest {
    private static final double[][] X = {{1.0, 0.5}, {-0.3, 2.0}, {0.7, -1.2}};
    private static final int[] Y = {0, 2, 1};
    private static final double[] SW = {0.5, 2.0, 0.0};
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

    private static TrainGraph graph(double[] classWeight) {
        CheckedProgram p = Frontend.compile("t.dlm", MODEL);
        Value.ConfigV opt = (Value.ConfigV) p.scope().lookup("opt");
        Value.FunV loss = (Value.FunV) p.scope().lookup("sparseCategoricalCrossentropy"), acc = (Value.FunV) p.scope().lookup("accuracy");
        return TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), loss, List.of(acc), opt, DType.U8, p.ast().span())
                .withClassWeight(classWeight).withSampleWeights());
    }

    private static Tensor weights(double[] w) { return Tensor.of(DType.F32, new int[] {w.length}, w); }

    /** [eval loss, eval accuracy, train loss, train accuracy, W after the step (6)]. */
    private static double[] run(boolean compiled, double[] classWeight, double[] sampleWeight) {
        TrainGraph tg = graph(classWeight);
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        params.set("W", Tensor.of(DType.F32, new int[] {2, 3}, new double[] {W0[0][0], W0[0][1], W0[0][2], W0[1][0], W0[1][1], W0[1][2]}));
        Trainer t = compiled ? new CompiledTrainer(tg, params) : new InterpretedTrainer(tg, params);
        Tensor x = Tensor.of(DType.F32, new int[] {3, 2}, new double[] {X[0][0], X[0][1], X[1][0], X[1][1], X[2][0], X[2][1]});
        Tensor y = Tensor.of(DType.U8, new int[] {3}, new double[] {Y[0], Y[1], Y[2]});
        double[] ev = t.evalStep(x, y).clone();
        double[] tr = (sampleWeight == null ? t.trainStep(x, y) : t.trainStep(x, y, weights(sampleWeight))).clone();
        double[] out = new double[10];
        out[0] = ev[0];
        out[1] = ev[1];
        out[2] = tr[0];
        out[3] = tr[1];
        System.arraycopy(params.get("W").toDoubles(), 0, out, 4, 6);
        return out;
    }

    /** The same by hand, in doubles. */
    private static double[] byHand(double[] cw, double[] sw) {
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
            double l = -Math.log(prob[Y[i]]);
            double w = (cw == null ? 1 : cw[Y[i]]) * (sw == null ? 1 : sw[i]);
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
        out[3] = wSum > 0 ? wCorrect / wSum : 0;
        for (int r = 0; r < 2; r++) for (int j = 0; j < 3; j++) out[4 + 3 * r + j] = W0[r][j] - LR * grad[r][j];
        return out;
    }

    @Test
    void theTrainStepWeighsEachSampleByItsWeightTimesItsClassWeight() {
        for (double[] cw : new double[][] {null, CW}) {
            double[] interp = run(false, cw, SW), compiled = run(true, cw, SW), want = byHand(cw, SW);
            assertArrayEquals(interp, compiled, "compiled and interpreted agree bit for bit");
            for (int k = 0; k < want.length; k++) assertEquals(want[k], interp[k], 1e-6, (cw == null ? "sample weights" : "sample × class weights") + " [" + k + "]");
        }
        // exact values of the tiny case: the weighted loss is Σ w·l / 3, not Σ w·l / Σ w
        double[] plain = byHand(null, null), weighted = byHand(null, SW);
        assertEquals(0.5 * lossOf(0) / 3 + 2.0 * lossOf(1) / 3, weighted[2], 1e-12);
        assertEquals(plain[0], weighted[0], 0.0, "evaluation is unweighted");
    }

    private static double lossOf(int i) {
        double[] z = new double[3];
        for (int j = 0; j < 3; j++) z[j] = X[i][0] * W0[0][j] + X[i][1] * W0[1][j];
        double s = 0;
        for (int j = 0; j < 3; j++) s += Math.exp(z[j]);
        return -Math.log(Math.exp(z[Y[i]]) / s);
    }

    @Test
    void withoutWeightsEachSampleWeighsOne() {
        for (boolean compiled : new boolean[] {false, true}) assertArrayEquals(run(compiled, null, new double[] {1, 1, 1}), run(compiled, null, null));
        assertArrayEquals(run(false, null, null), run(true, null, null));
    }

    @Test
    void theEpochAveragesTheMetricsByTheSamplesWeights() {
        Tensor labels = Tensor.of(DType.U8, new int[] {3}, new double[] {0, 1, 2});
        assertEquals(0.5 + 2.0 + 0.0, graph(null).metricWeight(labels, weights(SW)), 0.0);
        assertEquals(0.5 * 1.0 + 2.0 * 3.0 + 0.0 * 0.5, graph(CW).metricWeight(labels, weights(SW)), 0.0);
        assertEquals(3.0, graph(null).metricWeight(labels, null), 0.0);
    }

    @Test
    void aStepWithoutSampleWeightsRefusesThem() {
        CheckedProgram p = Frontend.compile("t.dlm", MODEL);
        TrainGraph tg = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), (Value.FunV) p.scope().lookup("sparseCategoricalCrossentropy"), List.of(),
                (Value.ConfigV) p.scope().lookup("opt"), DType.U8, p.ast().span()));
        Trainer t = new InterpretedTrainer(tg, ParamStore.initialize(tg.graph, 0));
        Tensor x = Tensor.zeros(DType.F32, 3, 2), y = Tensor.zeros(DType.U8, 3);
        assertThrows(IllegalArgumentException.class, () -> t.trainStep(x, y, weights(SW)));
    }
}
