package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.autodiff.FiniteDifferences;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keras's functional fit on a two-input, two-output model, by hand: a regression head
 * {@code price = a @ U + b} (MSE, MAE) and a classification head {@code kind = softmax(a @ V)}
 * (sparse crossentropy, accuracy), total loss {@code 2·mse + 0.5·ce}; one SGD step; compiled =
 * interpreted bit for bit; the gradient of the weighted total against finite differences.
 */
class MultiOutputStepTest {
    private static final double[][] A = {{1.0, 0.5}, {-0.3, 2.0}, {0.7, -1.2}};
    private static final double[] B = {0.25, -1.0, 0.5};
    private static final double[] PRICE = {1.5, -0.5, 0.0};
    private static final int[] KIND = {0, 2, 1};
    private static final double[] U0 = {0.3, -0.2};
    private static final double[][] V0 = {{0.2, -0.1, 0.4}, {0.3, 0.6, -0.5}};
    private static final double LR = 0.1, W_PRICE = 2, W_KIND = 0.5;

    static final String SOURCE = """
            import std.nn.*
            model M(a: f32[batch, 2], b: f32[batch, 1]) {
                param U: f32[2, 1] = zeros()
                param V: f32[2, 3] = zeros()
                val price = a @ U + b
                val kind = softmax(a @ V)
                return [price, kind]
            }
            train(M) {
                data = npz("data.npz", targets = ["price", "kind"])
                loss = [::meanSquaredError, ::sparseCategoricalCrossentropy]
                lossWeights = [2, 0.5]
                metrics = [[::meanAbsoluteError], [::accuracy]]
                optimizer = sgd(learningRate = 0.1)
            }
            """;

    private static TrainGraph graph() {
        CheckedProgram p = Frontend.compile("m.dlm", SOURCE);
        return TrainGraph.build(p, p.trains().get(0));
    }

    private static ParamStore params(TrainGraph tg) {
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        params.set("U", Tensor.of(DType.F32, new int[] {2, 1}, U0));
        params.set("V", Tensor.of(DType.F32, new int[] {2, 3}, new double[] {V0[0][0], V0[0][1], V0[0][2], V0[1][0], V0[1][1], V0[1][2]}));
        return params;
    }

    private static Tensor[] inputs() {
        return new Tensor[] {Tensor.of(DType.F32, new int[] {3, 2}, new double[] {A[0][0], A[0][1], A[1][0], A[1][1], A[2][0], A[2][1]}),
                Tensor.of(DType.F32, new int[] {3, 1}, B)};
    }

    private static Tensor[] labels() {
        return new Tensor[] {Tensor.of(DType.F32, new int[] {3, 1}, PRICE), Tensor.of(DType.I32, new int[] {3}, new double[] {KIND[0], KIND[1], KIND[2]})};
    }

    /** [eval: loss, price_loss, kind_loss, price_mae, kind_accuracy; train: the same 5; U (2) and V (6) after the step]. */
    private static double[] run(boolean compiled) {
        TrainGraph tg = graph();
        ParamStore params = params(tg);
        Trainer t = compiled ? new CompiledTrainer(tg, params) : new InterpretedTrainer(tg, params);
        double[] ev = t.evalStep(inputs(), labels()).clone(), tr = t.trainStep(inputs(), labels()).clone();
        double[] out = new double[18];
        System.arraycopy(ev, 0, out, 0, 5);
        System.arraycopy(tr, 0, out, 5, 5);
        System.arraycopy(params.get("U").toDoubles(), 0, out, 10, 2);
        System.arraycopy(params.get("V").toDoubles(), 0, out, 12, 6);
        return out;
    }

    private static double[] byHand() {
        double mse = 0, mae = 0, ce = 0, correct = 0;
        double[] gU = new double[2];
        double[][] gV = new double[2][3];
        for (int i = 0; i < 3; i++) {
            double price = A[i][0] * U0[0] + A[i][1] * U0[1] + B[i], d = price - PRICE[i];
            mse += d * d / 3;
            mae += Math.abs(d) / 3;
            for (int k = 0; k < 2; k++) gU[k] += W_PRICE * 2 * d * A[i][k] / 3;
            double[] z = new double[3];
            for (int j = 0; j < 3; j++) z[j] = A[i][0] * V0[0][j] + A[i][1] * V0[1][j];
            double max = Math.max(z[0], Math.max(z[1], z[2])), s = 0;
            for (int j = 0; j < 3; j++) s += Math.exp(z[j] - max);
            double[] prob = new double[3];
            for (int j = 0; j < 3; j++) prob[j] = Math.exp(z[j] - max) / s;
            ce += -Math.log(prob[KIND[i]]) / 3;
            int arg = prob[0] >= prob[1] && prob[0] >= prob[2] ? 0 : prob[1] >= prob[2] ? 1 : 2;
            correct += arg == KIND[i] ? 1.0 / 3 : 0;
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 2; k++) gV[k][j] += W_KIND * (prob[j] - (j == KIND[i] ? 1 : 0)) * A[i][k] / 3;
        }
        double total = W_PRICE * mse + W_KIND * ce;
        double[] out = {total, mse, ce, mae, correct, total, mse, ce, mae, correct, 0, 0, 0, 0, 0, 0, 0, 0};
        for (int k = 0; k < 2; k++) out[10 + k] = U0[k] - LR * gU[k];
        for (int k = 0; k < 2; k++) for (int j = 0; j < 3; j++) out[12 + 3 * k + j] = V0[k][j] - LR * gV[k][j];
        return out;
    }

    @Test
    void eachOutputHasItsLossAndMetricsAndTheTotalIsTheirWeightedSum() {
        TrainGraph tg = graph();
        assertEquals(List.of("price_loss", "kind_loss", "price_meanAbsoluteError", "kind_accuracy"), tg.metricNames);
        assertEquals(List.of("price", "kind"), tg.outputNames);
        assertEquals(List.of("a", "b"), tg.inputs.stream().map(Node::name).toList());
        double[] interp = run(false), compiled = run(true), want = byHand();
        assertArrayEquals(interp, compiled, "compiled and interpreted agree bit for bit");
        for (int k = 0; k < want.length; k++) assertEquals(want[k], interp[k], 1e-6, "[" + k + "]");
        assertEquals(W_PRICE * interp[1] + W_KIND * interp[2], interp[0], 1e-6, "loss = 2·price_loss + 0.5·kind_loss");
    }

    @Test
    void predictGivesEveryOutput() {
        TrainGraph tg = graph();
        for (boolean compiled : new boolean[] {false, true}) {
            ParamStore params = params(tg);
            Trainer t = compiled ? new CompiledTrainer(tg, params) : new InterpretedTrainer(tg, params);
            Tensor[] out = t.predictAll(inputs());
            assertEquals(2, out.length);
            assertArrayEquals(new int[] {3, 1}, out[0].shape());
            assertArrayEquals(new int[] {3, 3}, out[1].shape());
            assertEquals(A[1][0] * U0[0] + A[1][1] * U0[1] + B[1], out[0].getDouble(1), 1e-6);
        }
    }

    @Test
    void theWeightedTotalsGradientMatchesFiniteDifferences() {
        TrainGraph tg = graph();
        ParamStore params = params(tg);
        Map<Node, Tensor> feeds = new HashMap<>();
        Tensor[] in = inputs(), lab = labels();
        for (int i = 0; i < in.length; i++) feeds.put(tg.inputs.get(i), in[i]);
        for (int i = 0; i < lab.length; i++) feeds.put(tg.labelInputs.get(i), lab[i]);
        Map<Node, Tensor> symbolic = new Interpreter(tg.graph, params).run(feeds, tg.grads);
        FiniteDifferences fd = FiniteDifferences.inF64(tg.graph, tg.loss, feeds, params);
        for (int i = 0; i < tg.params.size(); i++) {
            Node p = tg.params.get(i);
            Tensor s = symbolic.get(tg.grads.get(i));
            int[] all = new int[s.size()];
            for (int k = 0; k < all.length; k++) all[k] = k;
            double[] numeric = fd.gradientAt(p, all, 1e-6);
            for (int k = 0; k < all.length; k++) {
                assertTrue(Math.abs(numeric[k]) > 1e-3, p.name() + "[" + k + "] too small to check");
                assertEquals(numeric[k], s.getDouble(k), 1e-5 + 1e-4 * Math.abs(numeric[k]), p.name() + "[" + k + "]");
            }
        }
    }
}
