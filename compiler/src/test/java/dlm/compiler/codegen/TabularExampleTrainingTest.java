package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Value;
import dlm.compiler.data.DataSource;
import dlm.compiler.data.DataSources;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.Adaptation;
import dlm.compiler.train.CompiledTrainer;
import dlm.compiler.train.InterpretedTrainer;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tabular examples (CSV data, f32 or u8 inputs of rank 2 and 3, f32 or i32 labels, adapted
 * normalization): a few train steps compiled and interpreted, from the same adapted params on
 * the example's own training rows, give the same losses, metrics, params and optimizer slots —
 * a last, shorter batch included — and the same evaluation and predictions. Tolerances as in
 * {@link ExampleTrainingTest}.
 */
class TabularExampleTrainingTest {

    @ParameterizedTest
    @ValueSource(strings = {"boston_housing.dlm", "breast_cancer.dlm", "iris.dlm", "digits.dlm"})
    void compiledTrainingMatchesTheInterpreter(String example) throws Exception {
        CheckedProgram p = Frontend.load(TestFiles.example(example));
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        Dataset d = DataSources.load((DataSource) ((Value.ConfigV) p.trains().get(0).settings().get("data")).args().get("source"), tg.feed());
        ParamStore a = ParamStore.initialize(tg.graph, 3), b = ParamStore.initialize(tg.graph, 3);
        Adaptation.adapt(tg, a, d.trainImages());
        Adaptation.adapt(tg, b, d.trainImages());
        InterpretedTrainer ref = new InterpretedTrainer(tg, a);
        CompiledTrainer cmp = new CompiledTrainer(tg, b);
        int[] batches = {16, 16, 16, 5};
        int start = 0;
        for (int s = 0; s < batches.length; s++) {
            Tensor x = rows(d.trainImages(), start, batches[s]), y = rows(d.trainLabels(), start, batches[s]);
            start += batches[s];
            double[] want = ref.trainStep(x, y).clone();
            double[] got = cmp.trainStep(x, y).clone();
            assertEquals(want[0], got[0], 1e-5 * Math.max(1, Math.abs(want[0])), "loss at step " + (s + 1));
            for (int m = 1; m < want.length; m++) assertEquals(want[m], got[m], 1e-5 * Math.max(1, Math.abs(want[m])), "metric " + m + " at step " + (s + 1));
            for (var e : ref.params().all().entrySet()) ExampleTrainingTest.assertClose(e.getValue(), cmp.params().get(e.getKey()), e.getKey() + " after step " + (s + 1));
            for (var e : ref.slots().entrySet()) {
                List<Tensor> sa = e.getValue(), sb = cmp.slots().get(e.getKey());
                for (int k = 0; k < sa.size(); k++) ExampleTrainingTest.assertClose(sa.get(k), sb.get(k), e.getKey() + " slot " + k);
            }
        }
        Tensor x = rows(d.testImages(), 0, 7), y = rows(d.testLabels(), 0, 7);
        double[] we = ref.evalStep(x, y), ge = cmp.evalStep(x, y);
        assertEquals(we[0], ge[0], 1e-5 * Math.max(1, Math.abs(we[0])));
        ExampleTrainingTest.assertClose(ref.predict(x), cmp.predict(x), "predict");
    }

    /**
     * examples/multi_output.dlm (two inputs, two outputs, fed by name from its csv): a few train
     * steps compiled and interpreted from the same adapted params give the same losses, metrics and
     * params, and the same evaluation and predictions of both outputs.
     */
    @Test
    void theMultiOutputExampleTrainsCompiledAsInterpreted() throws Exception {
        CheckedProgram p = Frontend.load(TestFiles.example("multi_output.dlm"));
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        List<dlm.compiler.data.ModelFeed> ins = List.of(tg.feed(0, 0), tg.feed(1, 0)), outs = List.of(tg.feed(0, 0), tg.feed(0, 1));
        Dataset d = DataSources.load((DataSource) ((Value.ConfigV) p.trains().get(0).settings().get("data")).args().get("source"), ins, outs, tg.outputNames);
        assertEquals(800, d.trainImages().dim(0));
        assertEquals(200, d.testImages().dim(0));
        ParamStore a = ParamStore.initialize(tg.graph, 3), b = ParamStore.initialize(tg.graph, 3);
        var ref = (dlm.compiler.train.ByNameTrainer) dlm.compiler.train.ByNameTrainer.over(new InterpretedTrainer(tg, a), d);
        var cmp = (dlm.compiler.train.ByNameTrainer) dlm.compiler.train.ByNameTrainer.over(new CompiledTrainer(tg, b), d);
        Adaptation.adapt(tg, a, ref.inputsAt(d.trainImages()));
        Adaptation.adapt(tg, b, cmp.inputsAt(d.trainImages()));
        int[] batches = {16, 16, 5};
        int start = 0;
        for (int s = 0; s < batches.length; s++) {
            Tensor rows = rows(d.trainImages(), start, batches[s]);
            start += batches[s];
            double[] want = ref.trainStep(rows, rows).clone(), got = cmp.trainStep(rows, rows).clone();
            assertEquals(5, want.length);
            assertEquals(want[1] + 0.5 * want[2], want[0], 1e-5 * Math.max(1, Math.abs(want[0])), "loss = price_loss + 0.5 kind_loss");
            for (int m = 0; m < want.length; m++) assertEquals(want[m], got[m], 1e-5 * Math.max(1, Math.abs(want[m])), "[" + m + "] at step " + (s + 1));
            for (var e : ref.params().all().entrySet()) ExampleTrainingTest.assertClose(e.getValue(), cmp.params().get(e.getKey()), e.getKey() + " after step " + (s + 1));
        }
        Tensor rows = rows(d.testImages(), 0, 7);
        double[] we = ref.evalStep(rows, rows), ge = cmp.evalStep(rows, rows);
        for (int m = 0; m < we.length; m++) assertEquals(we[m], ge[m], 1e-5 * Math.max(1, Math.abs(we[m])));
        Tensor[] pr = ref.predictAll(ref.inputsAt(rows)), pc = cmp.predictAll(cmp.inputsAt(rows));
        assertEquals(2, pr.length);
        for (int k = 0; k < 2; k++) ExampleTrainingTest.assertClose(pr[k], pc[k], "predict output " + k);
    }

    private static Tensor rows(Tensor t, int start, int n) {
        int[] index = new int[n];
        for (int i = 0; i < n; i++) index[i] = start + i;
        return DataSources.rows(t, index);
    }
}
