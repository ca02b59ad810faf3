package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.io.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optimizer state is only what affects the params: RMSprop without momentum has no momentum slot
 * (in the step, the checkpoint and on resume), and dlmc grad shows none of the optimizer's inputs.
 */
class OptimizerSlotsTest {
    @TempDir
    Path tmp;

    private Path program(String optimizer) throws IOException {
        Path f = tmp.resolve("rms.dlm");
        Files.writeString(f, """
                import std.nn.*
                model A(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32() / 255f
                    return dense(x, units = 10, activation = ::softmax)
                }
                train(A) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = OPT }
                """.replace("OPT", optimizer));
        return f;
    }

    @Test
    void rmspropWithoutMomentumHasNoMomentumSlot() throws IOException {
        CheckedProgram plain = Frontend.load(program("rmsprop()"));
        assertEquals(List.of("velocity"), TrainGraph.build(plain, plain.trains().get(0)).slotNames);
        CheckedProgram withMomentum = Frontend.load(program("rmsprop(momentum = 0.9)"));
        assertEquals(List.of("velocity", "momentumSlot"), TrainGraph.build(withMomentum, withMomentum.trains().get(0)).slotNames);

        Path f = program("rmsprop()"), ck = tmp.resolve("rms.npz");
        String data = TestFiles.dataDir().toString();
        CliRunner t = CliRunner.run("train", f.toString(), "--data", data, "--limit", "256", "--batch-size", "64", "--save", ck.toString());
        assertEquals(0, t.status(), t.err());
        Checkpoint c = Checkpoint.load(ck);
        assertEquals(List.of("output.W/velocity", "output.b/velocity"), List.copyOf(c.optimizerState().keySet()));
        CliRunner resumed = CliRunner.run("train", f.toString(), "--data", data, "--limit", "256", "--batch-size", "64", "--resume", ck.toString());
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.out().contains("Epoch 2/2"), resumed.out());
    }

    @Test
    void gradShowsNoOptimizerInputs() {
        CliRunner r = CliRunner.run("grad", TestFiles.example("mnist.dlm").toString(), "--wrt", "output.b");
        assertEquals(0, r.status(), r.err());
        assertFalse(r.out().contains("/m ") || r.out().contains("/v ") || r.out().contains("step "), r.out());
        assertTrue(r.out().contains("grad(loss, output.b) ->"), r.out());
        assertTrue(r.out().contains("output.b = param"), "the param asked for stays: " + r.out());
    }
}
