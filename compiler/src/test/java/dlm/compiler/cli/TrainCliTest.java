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
 * dlmc train/eval/predict/show end to end on a 2,000-image subset of the real MNIST (from
 * DLM_DATA): progress line, JSON report, checkpoints, resume, evaluation and prediction.
 */
class TrainCliTest {
    @TempDir
    Path tmp;

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": ([-0-9.eE]+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void trainOneEpochOnASubsetThenResumeEvaluateAndPredict() throws IOException {
        String mnist = TestFiles.example("mnist.dlm").toString();
        String data = TestFiles.dataDir().toString();
        Path json = tmp.resolve("history.json"), ckpt = tmp.resolve("mnist.npz");
        CliRunner r = CliRunner.run("train", mnist, "--data", data, "--limit", "2000", "--epochs", "1", "--json", json.toString(), "--save", ckpt.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().matches("(?s)Epoch 1/1  16/16 ━{20} \\d+\\.\\ds \\d+ms/step - accuracy: 0\\.\\d{4} - loss: \\d\\.\\d{4}\ntest_loss: \\d\\.\\d{4} - test_acc: 0\\.\\d{4}\n"), r.out());
        String j = Files.readString(json);
        assertEquals(1.0, number(j, "epoch"));
        double loss = number(j, "loss"), acc = number(j, "accuracy"), testAcc = number(j, "test_acc"), testLoss = number(j, "test_loss");
        assertTrue(loss > 0 && loss < 2.3, "loss " + loss);
        assertTrue(acc > 0.5, "train accuracy " + acc);
        assertTrue(testAcc > 0.75, "test accuracy after 16 steps " + testAcc);
        assertTrue(number(j, "seconds") > 0);
        // the timings bench/compare reads: start-up, the first evaluation, and a warm inference pass
        assertTrue(number(j, "startup_seconds") > 0);
        double eval = number(j, "eval_seconds"), predict = number(j, "predict_seconds");
        assertTrue(eval > 0 && predict > 0, "eval " + eval + " s, predict " + predict + " s");
        assertTrue(Files.exists(ckpt));
        try (var s = Files.list(tmp)) { assertEquals(2, s.count(), "no temp files left"); }

        // eval reproduces the test figures from the checkpoint
        CliRunner e = CliRunner.run("eval", mnist, "--data", data, "--weights", ckpt.toString(), "--batch-size", "128");
        assertEquals(0, e.status(), e.err());
        assertEquals(String.format(java.util.Locale.ROOT, "test_loss: %.4f - test_acc: %.4f%n", testLoss, testAcc), e.out());

        // predict: listing 2.6 on the first test digit (a 7)
        CliRunner p = CliRunner.run("predict", mnist, "--data", data, "--weights", ckpt.toString(), "--index", "0");
        assertEquals(0, p.status(), p.err());
        assertTrue(p.out().contains("predictions = array(["), p.out());
        assertTrue(p.out().contains("true label: 7"), p.out());

        // predict on a PNG: the same digit written as an image gives the same prediction
        Path png = tmp.resolve("seven.png");
        assertEquals(0, CliRunner.run("show", "mnist", "--split", "test", "--index", "0", "--data", data, "--out", png.toString()).status());
        Path small = tmp.resolve("seven28.png");
        dlm.runtime.image.GrayImage g = dlm.runtime.image.Png.readGray(png);
        byte[] px = new byte[28 * 28];
        for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) px[y * 28 + x] = g.pixels()[(y * 10) * 280 + x * 10];
        dlm.runtime.image.Png.writeGray(px, 28, 28, 1, small);
        CliRunner pi = CliRunner.run("predict", mnist, "--data", data, "--weights", ckpt.toString(), "--image", small.toString());
        assertEquals(0, pi.status(), pi.err());
        String predicted = p.out().lines().filter(l -> l.startsWith("predicted class")).findFirst().orElseThrow();
        assertTrue(pi.out().contains(predicted), pi.out() + " vs " + predicted);
        try (var s = Files.list(tmp)) { s.filter(f -> f.toString().endsWith(".png")).forEach(f -> f.toFile().delete()); }

        // resume continues with epoch 2 from the saved params and optimizer state
        CliRunner resumed = CliRunner.run("train", mnist, "--data", data, "--limit", "2000", "--epochs", "1", "--resume", ckpt.toString());
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.out().startsWith("Epoch 2/2  16/16"), resumed.out());
    }

    @Test
    void checkpointOfAnotherModelIsRejectedWithTheDifferences() throws IOException {
        Path other = tmp.resolve("small.dlm");
        Files.writeString(other, """
                import std.nn.*
                model Small(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32() / 255f
                    val hidden = dense(x, units = 16, activation = ::relu)
                    return dense(hidden, units = 10, activation = ::softmax)
                }
                train(Small) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = sgd(); metrics = [::accuracy] }
                """);
        Path ckpt = tmp.resolve("small.npz");
        String data = TestFiles.dataDir().toString();
        assertEquals(0, CliRunner.run("train", other.toString(), "--data", data, "--limit", "256", "--batch-size", "128", "--save", ckpt.toString()).status());
        CliRunner e = CliRunner.run("eval", TestFiles.example("mnist.dlm").toString(), "--data", data, "--weights", ckpt.toString());
        assertEquals(2, e.status());
        assertTrue(e.err().contains("does not fit this model: hidden.W: checkpoint has f32[784, 16], model needs f32[784, 512]"), e.err());
    }

    @Test
    void nonFiniteLossStopsTrainingNamingEpochAndStep() throws IOException {
        Path f = tmp.resolve("diverge.dlm");
        Files.writeString(f, """
                import std.nn.*
                // log of a negative number: the loss is NaN from the first step
                fun badLoss(yTrue: Tensor, yPred: f32[n, k]): f32 = mean(log(yPred - 2f))
                model M(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32()
                    return dense(x, units = 10, activation = ::softmax)
                }
                train(M) { data = mnist(); loss = ::badLoss; optimizer = sgd() }
                """);
        CliRunner r = CliRunner.run("train", f.toString(), "--data", TestFiles.dataDir().toString(), "--limit", "512", "--batch-size", "64");
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().contains("error: the loss became NaN at epoch 1, step 1; training stopped"), r.err());
    }

    @Test
    void showsTheChaptersFigure22Digit() throws IOException {
        Path png = tmp.resolve("digit.png");
        CliRunner r = CliRunner.run("show", "mnist", "--index", "4", "--data", TestFiles.dataDir().toString(), "--out", png.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("train_labels[4] = 9"), r.out());
        assertTrue(r.out().contains("@@"), r.out());
        byte[] head = Files.readAllBytes(png);
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1]);
        CliRunner f = CliRunner.run("show", "fashion-mnist", "--index", "0", "--split", "test", "--data", TestFiles.dataDir().toString());
        assertEquals(0, f.status(), f.err());
        assertTrue(f.out().contains("test_labels[0] = 9 (Ankle boot)"), f.out());
    }
}
