package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import dlm.runtime.Tensor;
import dlm.runtime.io.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights holding NaN or inf are refused by eval, predict and train --resume, naming the tensor. */
class NonFiniteWeightsTest {
    @TempDir
    Path tmp;

    @Test
    void nonFiniteWeightsAreAnErrorNamingTheParam() throws IOException {
        Path f = tmp.resolve("small.dlm");
        Files.writeString(f, """
                import std.nn.*
                model Small(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32() / 255f
                    return dense(x, units = 10, activation = ::softmax)
                }
                train(Small) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = sgd(); metrics = [::accuracy] }
                """);
        String data = TestFiles.dataDir().toString();
        Path good = tmp.resolve("good.npz");
        CliRunner t = CliRunner.run("train", f.toString(), "--data", data, "--epochs", "1", "--limit", "64", "--save", good.toString());
        assertEquals(0, t.status(), t.err());
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            Checkpoint c = Checkpoint.load(good);
            Map<String, Tensor> params = new LinkedHashMap<>(c.params());
            Tensor b = params.get("output.b").copy();
            b.setDouble(3, bad);
            params.put("output.b", b);
            Path ck = tmp.resolve("bad.npz");
            Files.deleteIfExists(ck);
            new Checkpoint(params, c.optimizerState(), c.metadata()).save(ck);
            String expected = "param 'output.b' holds 1 non-finite value of 10 (the first is " + (Double.isNaN(bad) ? "nan" : "inf") + " at index [3])";
            for (String[] args : new String[][] {{"eval", f.toString(), "--data", data, "--weights", ck.toString()},
                    {"predict", f.toString(), "--data", data, "--weights", ck.toString()},
                    {"train", f.toString(), "--data", data, "--limit", "64", "--resume", ck.toString()}}) {
                CliRunner r = CliRunner.run(args);
                assertEquals(2, r.status(), args[0] + ": " + r.err());
                assertTrue(r.err().contains(expected), args[0] + ": " + r.err());
                assertFalse(r.out().contains("test_loss"), r.out());
            }
        }
    }
}
