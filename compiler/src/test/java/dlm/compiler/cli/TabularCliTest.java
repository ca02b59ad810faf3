package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Value;
import dlm.compiler.data.DataSource;
import dlm.compiler.data.DataSources;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.Adaptation;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.data.Dataset;
import dlm.runtime.io.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * dlmc train/eval/predict on CSV files: adapted normalization statistics through a checkpoint
 * (saved, evaluated, resumed), a source without a test part, a bad cell as a located error with
 * exit status 1, and every tabular example trained for a couple of epochs.
 */
class TabularCliTest {
    @TempDir
    Path tmp;

    private static final String MODEL = """
            import std.nn.*
            model Reg(x: f32[batch, 3]) {
                val norm = normalization(x)
                val hidden = dense(norm, units = 8, activation = ::relu)
                return dense(hidden, units = 1)
            }
            train(Reg) {
                data = %s
                loss = ::meanSquaredError
                optimizer = adam(learningRate = 1e-2)
                metrics = [::meanAbsoluteError]
                epochs = 2
                batchSize = 8
            }
            """;

    private Path program(String data) throws IOException {
        StringBuilder sb = new StringBuilder("a,b,c,y\n");
        for (int i = 0; i < 50; i++) sb.append(i % 7).append(',').append(100 + 3 * i).append(',').append((i * 37) % 11 / 10.0).append(',').append(i % 7 + 0.01 * i).append('\n');
        Files.writeString(tmp.resolve("table.csv"), sb.toString());
        return Files.writeString(tmp.resolve("reg.dlm"), MODEL.formatted(data));
    }

    private static String last(String out) { return out.lines().reduce((a, b) -> b).orElse(""); }

    @Test
    void adaptedStatisticsGoThroughTheCheckpoint() throws IOException {
        Path f = program("split(csv(\"table.csv\", target = \"y\"), test = 0.2, seed = 7)");
        Path ck = tmp.resolve("ck.npz");
        CliRunner r = CliRunner.run("train", f.toString(), "--save", ck.toString(), "--backend", "interp");
        assertEquals(0, r.status(), r.err());
        String testLine = last(r.out());
        assertTrue(testLine.startsWith("test_loss: "), r.out());
        // the statistics saved are those of the train part, computed here independently of dlmc train
        CheckedProgram p = Frontend.load(f);
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        Dataset d = DataSources.load((DataSource) ((Value.ConfigV) p.trains().get(0).settings().get("data")).args().get("source"), tg.feed());
        assertEquals(40, d.trainImages().dim(0));
        ParamStore want = ParamStore.initialize(tg.graph, 0);
        Adaptation.adapt(tg, want, d.trainImages());
        Checkpoint c = Checkpoint.load(ck);
        assertEquals(want.get("norm.mean"), c.params().get("norm.mean"));
        assertEquals(want.get("norm.variance"), c.params().get("norm.variance"));
        // eval with the checkpoint gives the training run's test results, digit for digit
        CliRunner e = CliRunner.run("eval", f.toString(), "--weights", ck.toString(), "--backend", "interp");
        assertEquals(0, e.status(), e.err());
        assertEquals(testLine, last(e.out()));
        // predict shows a value, not a class
        CliRunner pr = CliRunner.run("predict", f.toString(), "--weights", ck.toString(), "--index", "2");
        assertEquals(0, pr.status(), pr.err());
        assertTrue(pr.out().contains("predicted value: array([") && pr.out().contains("true value: array(["), pr.out());
        // a resumed run keeps the checkpoint's statistics (it does not adapt again)
        Path ck2 = tmp.resolve("ck2.npz");
        CliRunner res = CliRunner.run("train", f.toString(), "--resume", ck.toString(), "--epochs", "3", "--save", ck2.toString(), "--backend", "interp");
        assertEquals(0, res.status(), res.err());
        assertEquals(want.get("norm.mean"), Checkpoint.load(ck2).params().get("norm.mean"));
    }

    @Test
    void withoutASplitThereIsNoTestPart() throws IOException {
        Path f = program("csv(\"table.csv\", target = \"y\")");
        CliRunner r = CliRunner.run("train", f.toString(), "--json", tmp.resolve("r.json").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("no test part: hold one out with data = split(…, test = 0.2)", last(r.out()));
        assertTrue(Files.readString(tmp.resolve("r.json")).contains("\"test_loss\": null"));
        // eval and predict need a test part: an error at the data setting, not a meaningless 0
        Path ck = tmp.resolve("ck.npz");
        assertEquals(0, CliRunner.run("train", f.toString(), "--save", ck.toString()).status());
        CliRunner e = CliRunner.run("eval", f.toString(), "--weights", ck.toString());
        assertEquals(1, e.status());
        assertEquals(f + ":8:12: error: this data has no test part to evaluate on: hold one out with split(…, test = 0.2)", e.err().lines().findFirst().orElseThrow());
        CliRunner p = CliRunner.run("predict", f.toString(), "--weights", ck.toString());
        assertEquals(1, p.status());
        CliRunner img = CliRunner.run("predict", f.toString(), "--weights", ck.toString(), "--image", tmp.resolve("x.png").toString());
        assertEquals(2, img.status());
        assertEquals("dlmc predict: error: --image needs a model whose input is grayscale images u8[batch, h, w]; Reg takes f32[batch, 3]", img.err().lines().findFirst().orElseThrow());
    }

    @Test
    void aBadCellStopsTrainingWithALocatedError() throws IOException {
        Path f = program("csv(\"table.csv\", target = \"y\")");
        Files.writeString(tmp.resolve("table.csv"), "a,b,c,y\n1,2,3,4\n1,x,3,4\n");
        CliRunner r = CliRunner.run("train", f.toString());
        assertEquals(1, r.status());
        assertEquals(tmp.resolve("table.csv") + ":3:3: error: \"x\" is not a number in column \"b\" (give categorical columns as categories = [\"b\"])\n1,x,3,4\n  ^\n", r.err());
        assertFalse(r.err().contains("Exception"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"boston_housing.dlm", "breast_cancer.dlm", "iris.dlm", "digits.dlm"})
    void tabularExamplesTrain(String example) {
        CliRunner r = CliRunner.run("train", TestFiles.example(example).toString(), "--epochs", "2");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(lines.size() - 1).startsWith("test_loss: "), r.out());
        assertTrue(lines.get(lines.size() - 2).startsWith("Epoch 2/2"), r.out());
    }
}
