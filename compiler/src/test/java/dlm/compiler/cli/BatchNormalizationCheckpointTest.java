package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import dlm.runtime.Tensor;
import dlm.runtime.io.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch normalization's moving statistics are states: the train step moves them, the checkpoint
 * holds them (with no optimizer state), {@code --resume} continues from them and
 * {@code eval --weights} uses them — the test figures it prints are train's own, and change when
 * the checkpoint's moving statistics are changed.
 */
class BatchNormalizationCheckpointTest {
    @TempDir
    Path tmp;

    private Path program() throws IOException {
        Path f = tmp.resolve("bn.dlm");
        Files.writeString(f, """
                import std.nn.*
                model A(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32() / 255f
                    val h = dense(x, units = 16, activation = ::relu)
                    val n = batchNormalization(h)
                    return dense(n, units = 10, activation = ::softmax)
                }
                train(A) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam(); metrics = [::accuracy] }
                """);
        return f;
    }

    private static String testLine(String out) {
        Matcher m = Pattern.compile("test_loss: [0-9.]+ - test_acc: [0-9.]+").matcher(out);
        assertTrue(m.find(), out);
        return m.group();
    }

    @Test
    void theSummaryCountsStatesAsNonTrainable() throws IOException {
        CliRunner c = CliRunner.run("check", program().toString());
        assertEquals(0, c.status(), c.err());
        // dense 784·16 + 16, gamma and beta 2·16, dense 16·10 + 10; the moving statistics 2·16
        assertTrue(c.out().contains(" Total params: 12,794 (49.98 KB)\n Trainable params: 12,762 (49.85 KB)\n Non-trainable params: 32 (128 B)\n"), c.out());
        assertTrue(c.out().contains("│ n.movingMean "), c.out());
    }

    @Test
    void movingStatisticsAreSavedResumedAndUsedByEval() throws IOException {
        String f = program().toString(), data = TestFiles.dataDir().toString();
        Path ck = tmp.resolve("bn.npz"), ck2 = tmp.resolve("bn2.npz"), shifted = tmp.resolve("shifted.npz");
        CliRunner t = CliRunner.run("train", f, "--data", data, "--limit", "256", "--batch-size", "64", "--save", ck.toString());
        assertEquals(0, t.status(), t.err());
        Checkpoint c = Checkpoint.load(ck);
        Tensor mean = c.params().get("n.movingMean"), var = c.params().get("n.movingVariance");
        assertEquals(16, mean.size());
        int moved = 0;
        for (int i = 0; i < 16; i++) if (mean.getDouble(i) != 0 || var.getDouble(i) != 1) moved++;
        assertTrue(moved > 0, "four train steps move the moving statistics");
        assertTrue(c.optimizerState().keySet().stream().noneMatch(k -> k.startsWith("n.moving")), "states have no optimizer slots: " + c.optimizerState().keySet());
        assertTrue(c.optimizerState().containsKey("n.gamma/m"), c.optimizerState().keySet().toString());

        // eval from the checkpoint prints train's own test figures (computed with the moving statistics)
        CliRunner e = CliRunner.run("eval", f, "--data", data, "--weights", ck.toString());
        assertEquals(0, e.status(), e.err());
        assertEquals(testLine(t.out()), testLine(e.out()));

        // ... and other moving statistics give other figures
        Map<String, Tensor> params = new LinkedHashMap<>(c.params());
        Tensor m2 = mean.copy();
        for (int i = 0; i < 16; i++) m2.setDouble(i, mean.getDouble(i) + 3);
        params.put("n.movingMean", m2);
        new Checkpoint(params, c.optimizerState(), c.metadata()).save(shifted);
        CliRunner e2 = CliRunner.run("eval", f, "--data", data, "--weights", shifted.toString());
        assertEquals(0, e2.status(), e2.err());
        assertNotEquals(testLine(e.out()), testLine(e2.out()));

        // resume continues from the saved statistics and moves them further
        CliRunner r = CliRunner.run("train", f, "--data", data, "--limit", "256", "--batch-size", "64", "--resume", ck.toString(), "--save", ck2.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("Epoch 2/2"), r.out());
        Tensor after = Checkpoint.load(ck2).params().get("n.movingMean");
        boolean changed = false;
        for (int i = 0; i < 16; i++) changed |= after.getDouble(i) != mean.getDouble(i);
        assertTrue(changed, "the resumed epoch moves the statistics");
    }
}
