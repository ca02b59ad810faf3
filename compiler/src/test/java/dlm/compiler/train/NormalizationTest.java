package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Value;
import dlm.compiler.interp.ParamStore;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * std.nn's normalization(): its adapted statistics against a hand computation, the layer's
 * output, statistics of a computed input, and that training (compiled and interpreted, Adam)
 * never moves them while it moves the weights.
 */
class NormalizationTest {
    /** Four rows of two features: means 3 and 30, population variances 3.5 and 350. */
    static final Tensor X = Tensor.of(DType.F32, new int[] {4, 2}, 1, 10, 2, 20, 3, 60, 6, 30);
    static final Tensor Y = Tensor.of(DType.F32, new int[] {4, 1}, 1, 2, 3, 4);

    private static final String MODEL = """
            import std.nn.*
            model M(x: f32[batch, 2]) {
                val norm = normalization(%s)
                return dense(norm, units = 1)
            }
            val opt = adam(learningRate = 0.1)
            """;

    private static TrainGraph graph(String input) {
        CheckedProgram p = Frontend.compile("t.dlm", MODEL.formatted(input));
        Value.ConfigV opt = (Value.ConfigV) p.scope().lookup("opt");
        Value.FunV mse = (Value.FunV) p.scope().lookup("meanSquaredError");
        return TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), mse, List.of(), opt, DType.F32, List.of(dlm.compiler.ir.Dim.of(1)), p.ast().span()));
    }

    @Test
    void statisticsAreTheTrainingRowsMeanAndPopulationVariance() {
        TrainGraph tg = graph("x");
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        assertArrayEquals(new double[] {0, 0}, params.get("norm.mean").toDoubles()); // the identity until adapted
        assertArrayEquals(new double[] {1, 1}, params.get("norm.variance").toDoubles());
        Adaptation.adapt(tg, params, X);
        assertArrayEquals(new double[] {3, 30}, params.get("norm.mean").toDoubles());
        assertArrayEquals(new double[] {3.5, 350}, params.get("norm.variance").toDoubles());
        // the layer's output: (x − mean) / √variance, as Keras's Normalization computes it
        InterpretedTrainer t = new InterpretedTrainer(tg, params);
        params.set("output.W", Tensor.of(DType.F32, new int[] {2, 1}, 1, 0));
        Tensor p = t.predict(X);
        double[] want = {(1 - 3) / Math.sqrt(3.5), (2 - 3) / Math.sqrt(3.5), 0, (6 - 3) / Math.sqrt(3.5)};
        for (int i = 0; i < 4; i++) assertEquals((float) want[i], p.getDouble(i), 1e-6, "row " + i);
    }

    @Test
    void aComputedInputIsAdaptedAsComputed() {
        TrainGraph tg = graph("x * 2f + 1f");
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        Adaptation.adapt(tg, params, X);
        assertArrayEquals(new double[] {7, 61}, params.get("norm.mean").toDoubles());
        assertArrayEquals(new double[] {14, 1400}, params.get("norm.variance").toDoubles());
    }

    @Test
    void anyRankIsNormalizedOverEveryAxisButTheLast() {
        CheckedProgram p = Frontend.compile("t.dlm", """
                import std.nn.*
                model M(x: f32[batch, 2, 2]) {
                    val norm = normalization(x)
                    return sum(dense(norm.reshape(batch, 4), units = 1), axis = 1)
                }
                val opt = sgd()
                """);
        TrainGraph tg = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), (Value.FunV) p.scope().lookup("meanSquaredError"), List.of(),
                (Value.ConfigV) p.scope().lookup("opt"), DType.F32, p.ast().span()));
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        // the last axis's two features over 2 rows × 2 positions: {1, 3, 5, 7} and {2, 4, 6, 12}
        Adaptation.adapt(tg, params, Tensor.of(DType.F32, new int[] {2, 2, 2}, 1, 2, 3, 4, 5, 6, 7, 12));
        assertArrayEquals(new double[] {4, 6}, params.get("norm.mean").toDoubles());
        assertArrayEquals(new double[] {5, 14}, params.get("norm.variance").toDoubles());
    }

    @Test
    void largeInputsAreAdaptedInChunks() {
        int n = Adaptation.CHUNK * 2 + 3;
        Tensor x = Tensor.zeros(DType.F32, n, 2);
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++) {
            x.setDouble(2 * i, i % 7);
            x.setDouble(2 * i + 1, 1000 + i);
            sum += i % 7;
        }
        double mean = sum / n;
        for (int i = 0; i < n; i++) sumSq += (i % 7 - mean) * (i % 7 - mean);
        TrainGraph tg = graph("x");
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        Adaptation.adapt(tg, params, x);
        assertEquals((float) mean, params.get("norm.mean").getDouble(0));
        assertEquals((float) (sumSq / n), params.get("norm.variance").getDouble(0));
        assertEquals((float) (1000 + (n - 1) / 2.0), params.get("norm.mean").getDouble(1));
        assertEquals((float) ((double) n * n - 1) / 12, params.get("norm.variance").getDouble(1), 1e-3);
    }

    @Test
    void trainingNeverMovesTheStatistics() {
        for (boolean compiled : new boolean[] {false, true}) {
            TrainGraph tg = graph("x");
            ParamStore params = ParamStore.initialize(tg.graph, 1);
            Adaptation.adapt(tg, params, X);
            Tensor mean = params.get("norm.mean").copy(), variance = params.get("norm.variance").copy(), w = params.get("output.W").copy();
            Trainer t = compiled ? new CompiledTrainer(tg, params) : new InterpretedTrainer(tg, params);
            for (int s = 0; s < 5; s++) t.trainStep(X, Y);
            assertEquals(mean, t.params().get("norm.mean"), compiled ? "compiled" : "interpreted");
            assertEquals(variance, t.params().get("norm.variance"));
            assertTrue(!w.equals(t.params().get("output.W")), "the weights do train");
        }
    }

    @Test
    void adaptedMeanOutsideNormalizationIsAnError() {
        CheckedProgram p = Frontend.compile("t.dlm", """
                model M(x: f32[batch, 2]) {
                    param m: f32[2] = adaptedMean()
                    return sum(x * m, axis = 1)
                }
                """);
        var e = org.junit.jupiter.api.Assertions.assertThrows(dlm.compiler.diag.DlmException.class, () -> Adaptation.layers(p.models().get("M").graph()));
        assertEquals("t.dlm:2:5: error: param m is initialized by adaptedMean(), which only std.nn's normalization() may use", e.render().lines().findFirst().orElseThrow());
    }
}
