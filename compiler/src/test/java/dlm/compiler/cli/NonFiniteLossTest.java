package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A non-finite loss stops training at the op that first made a NaN or inf in that step — its
 * line with a caret, what it computed and its inputs' range — on both backends, also when the
 * step is not the first of the epoch (the epoch is replayed up to it).
 */
class NonFiniteLossTest {
    @TempDir
    Path tmp;

    private CliRunner train(String name, String program, String backend) throws IOException {
        return train(name, program, backend, "640", "1");
    }

    private CliRunner train(String name, String program, String backend, String limit, String epochs) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, program);
        return CliRunner.run("train", f.toString(), "--data", TestFiles.dataDir().toString(), "--limit", limit, "--epochs", epochs,
                "--batch-size", "64", "--backend", backend);
    }

    @Test
    void theFirstStepsNonFiniteOpIsNamed() throws IOException {
        for (String backend : new String[] {"jit", "interp"}) {
            CliRunner r = train("log.dlm", """
                    import std.nn.*
                    model A(images: u8[batch, 28, 28]) {
                        val x = images.reshape(batch, 784).toF32() / 255f
                        val h = log(x)
                        return dense(h, units = 10, activation = ::softmax)
                    }
                    train(A) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = sgd() }
                    """, backend);
            assertEquals(1, r.status(), r.out());
            assertEquals(tmp.resolve("log.dlm") + ":4:13: error: the loss became NaN at epoch 1, step 1; training stopped (try a smaller learning rate)."
                    + " Its first non-finite value is made here, by log: log of zero gives -inf (from input values in [0, 1])\n"
                    + "    val h = log(x)\n            ^~~~~~\n", r.err(), backend);
        }
    }

    @Test
    void aLaterEpochIsReplayedFromItsStart() throws IOException {
        // One step per epoch: the first update blows the weights up, epoch 2's step overflows.
        CliRunner r = train("epoch.dlm", """
                import std.nn.*
                model A(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32() / 255f
                    val h = dense(x, units = 32, activation = ::relu)
                    return dense(h, units = 10, activation = ::softmax)
                }
                train(A) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = sgd(learningRate = 1e30) }
                """, "jit", "64", "3");
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().contains("Epoch 1/3"), r.out());
        assertTrue(r.err().startsWith(tmp.resolve("epoch.dlm") + ":5:12: error: the loss became NaN at epoch 2, step 1; training stopped (try a smaller learning rate)."
                + " Its first non-finite value is made here, by matmul: overflow in matmul gives "), r.err());
    }

    @Test
    void aLaterStepIsReplayed() throws IOException {
        for (String backend : new String[] {"jit", "interp"}) {
            CliRunner r = train("lr.dlm", """
                    import std.nn.*
                    model A(images: u8[batch, 28, 28]) {
                        val x = images.reshape(batch, 784).toF32() / 255f
                        val h = dense(x, units = 32, activation = ::relu)
                        return dense(h, units = 10, activation = ::softmax)
                    }
                    train(A) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = sgd(learningRate = 1e30) }
                    """, backend);
            assertEquals(1, r.status(), r.out());
            assertTrue(r.err().startsWith(tmp.resolve("lr.dlm") + ":5:12: error: the loss became NaN at epoch 1, step 2; training stopped (try a smaller learning rate)."
                    + " Its first non-finite value is made here, by matmul: overflow in matmul gives "), r.err());
            assertTrue(r.err().contains("inf (f32 holds at most 3.4e38) (from inputs with values in [0, "), r.err());
            assertTrue(r.err().endsWith("    return dense(h, units = 10, activation = ::softmax)\n           ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"), r.err());
        }
    }
}
