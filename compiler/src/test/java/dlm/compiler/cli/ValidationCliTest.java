package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code validationSplit} end to end: the last fraction of the (limited) training data is held
 * out, evaluated after every epoch, and shown as Keras shows it; values that hold out nothing or
 * everything are located errors.
 */
class ValidationCliTest {
    @TempDir
    Path tmp;

    private Path mnistWith(String setting) throws IOException {
        String src = Files.readString(TestFiles.example("mnist.dlm")).replace("    batchSize = 128\n", "    batchSize = 128\n    " + setting + "\n");
        Path p = tmp.resolve("m.dlm");
        Files.writeString(p, src);
        return p;
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": ([-0-9.eE]+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void theLastTenthIsHeldOutAndEvaluatedEachEpoch() throws IOException {
        Path f = mnistWith("validationSplit = 0.1");
        Path json = tmp.resolve("h.json");
        CliRunner r = CliRunner.run("train", f.toString(), "--data", TestFiles.dataDir().toString(), "--limit", "2000", "--epochs", "2", "--json", json.toString());
        assertEquals(0, r.status(), r.err());
        // 1800 training images in batches of 128: 15 steps, then the 200 held out
        String epoch = "Epoch %d/2  15/15 ━{20} \\d+\\.\\ds \\d+ms/step - accuracy: 0\\.\\d{4} - loss: \\d\\.\\d{4} - val_accuracy: 0\\.\\d{4} - val_loss: \\d\\.\\d{4}\n";
        assertTrue(r.out().matches("(?s)" + epoch.formatted(1) + epoch.formatted(2) + "test_loss: \\d\\.\\d{4} - test_acc: 0\\.\\d{4}\n"), r.out());
        String j = Files.readString(json);
        double valLoss = number(j, "val_loss"), valAcc = number(j, "val_accuracy");
        assertTrue(valLoss > 0 && valLoss < 2.3 && valAcc > 0.5 && valAcc <= 1, j);
        assertEquals(2, j.split("\"val_loss\"").length - 1, j);
    }

    @Test
    void withoutTheSettingNothingIsHeldOut() throws IOException {
        CliRunner r = CliRunner.run("train", TestFiles.example("mnist.dlm").toString(), "--data", TestFiles.dataDir().toString(), "--limit", "300", "--epochs", "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("Epoch 1/1  3/3 ") && !r.out().contains("val_"), r.out());
    }

    @Test
    void aSplitOfZeroOrOneOrMoreIsRefusedAtTheSetting() throws IOException {
        for (String v : new String[] {"0", "0.0", "1", "1.5", "-0.1"}) {
            Path f = mnistWith("validationSplit = " + v);
            CliRunner r = CliRunner.run("check", f.toString());
            assertEquals(1, r.status(), v + ": " + r.out());
            assertTrue(r.err().startsWith(f + ":18:23: error: 'validationSplit' must be a number greater than 0 and less than 1"), v + ": " + r.err());
        }
    }

    @Test
    void aDataSetTooSmallToSplitIsALocatedError() throws IOException {
        Path f = mnistWith("validationSplit = 0.5");
        CliRunner r = CliRunner.run("train", f.toString(), "--data", TestFiles.dataDir().toString(), "--limit", "1", "--epochs", "1");
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().startsWith(f + ":18:23: error: the training data has 1 sample, too few to hold out a validation split of 0.5: it would leave no training sample"), r.err());
        assertTrue(r.err().contains("^"), r.err());
    }

    @Test
    void validationDataIsEvaluatedEachEpochOnTheSplitItNames() throws IOException {
        Path f = mnistWith("validationData = mnist(split = \"test\")");
        Path json = tmp.resolve("v.json");
        CliRunner r = CliRunner.run("train", f.toString(), "--data", TestFiles.dataDir().toString(), "--limit", "300", "--epochs", "1", "--json", json.toString());
        assertEquals(0, r.status(), r.err());
        // nothing is held out of the 300 training images: 3 steps of 128
        assertTrue(r.out().matches("(?s)Epoch 1/1  3/3 .* - val_accuracy: 0\\.\\d{4} - val_loss: \\d\\.\\d{4}\ntest_loss: .*"), r.out());
        // validating on the test split gives what the final evaluation on it gives (same weights, same batches)
        String j = Files.readString(json);
        assertEquals(number(j, "test_loss"), number(j, "val_loss"), 0.0, j);
        assertEquals(number(j, "test_acc"), number(j, "val_accuracy"), 0.0, j);
    }

    @Test
    void validationDataAndValidationSplitTogetherAreALocatedError() throws IOException {
        Path f = mnistWith("validationSplit = 0.1\n    validationData = mnist(split = \"test\")");
        CliRunner r = CliRunner.run("check", f.toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().startsWith(f + ":19:5: error: validationSplit and validationData are both given: give one"), r.err());
        assertTrue(r.err().contains("^"), r.err());
    }

    @Test
    void validationDataNeedsASplitAndDataTakesNone() throws IOException {
        Path f = mnistWith("validationData = mnist()");
        CliRunner r = CliRunner.run("check", f.toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().startsWith(f + ":18:22: error: validationData needs a split: mnist(split = \"test\") or mnist(split = \"train\")"), r.err());
        f = mnistWith("validationData = mnist(split = \"val\")");
        r = CliRunner.run("check", f.toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().startsWith(f + ":18:28: error: 'split' of mnist() must be \"train\" or \"test\", got \"val\""), r.err());
    }

    @Test
    void validationDataMayBeADataSourceAndClassWeightWorksOnOne() throws IOException {
        String iris = TestFiles.example("data/iris.csv").toString();
        Path f = tmp.resolve("iris.dlm");
        Files.writeString(f, """
                import std.nn.*
                model Iris(x: f32[batch, 4]) {
                    return dense(normalization(x), units = 3, activation = ::softmax)
                }
                train(Iris) {
                    data = split(csv("%1$s", target = "species"), test = 0.2, seed = 1)
                    loss = ::sparseCategoricalCrossentropy
                    optimizer = adam(learningRate = 0.05)
                    metrics = [::accuracy]
                    epochs = 2
                    batchSize = 16
                    validationData = take(shuffle(csv("%1$s", target = "species"), seed = 3), 30)
                    classWeight = [1, 2, 1]
                }
                """.formatted(iris));
        Path json = tmp.resolve("iris.json");
        CliRunner r = CliRunner.run("train", f.toString(), "--json", json.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().matches("(?s)Epoch 1/2 .* - val_accuracy: \\d\\.\\d{4} - val_loss: \\d\\.\\d{4}\nEpoch 2/2 .*"), r.out());
        assertEquals(2, Files.readString(json).split("\"val_loss\"").length - 1);
        // a split source as validation data, or a built-in dataset beside a data source, is refused where given
        Files.writeString(f, Files.readString(f).replace("take(shuffle(csv(\"" + iris + "\", target = \"species\"), seed = 3), 30)", "mnist(split = \"test\")"));
        r = CliRunner.run("check", f.toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().startsWith(f + ":12:22: error: validationData and data must both be built-in datasets or both data sources"), r.err());
    }
}
