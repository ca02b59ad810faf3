package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.CompiledTrainer;
import dlm.compiler.train.InterpretedTrainer;
import dlm.compiler.train.TrainGraph;
import dlm.compiler.train.Trainer;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What check refuses in a model's loss and train blocks, located: a non-scalar loss, a second
 * train block, a model output with fewer classes than the dataset's labels; and what the trainers
 * refuse at run time: labels outside the classes the loss indexes.
 */
class TrainBlockChecksTest {
    @TempDir
    Path tmp;

    private static final String MODEL = """
            import std.nn.*
            model A(images: u8[batch, 28, 28]) {
                val x = images.reshape(batch, 784).toF32() / 255f
                return dense(x, units = UNITS, activation = ::softmax)
            }
            """;

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static void locatedError(Path f, String where, String message, String... command) {
        for (String cmd : command) {
            CliRunner r = CliRunner.run(cmd, f.toString());
            assertEquals(1, r.status(), cmd + ": " + r.out() + r.err());
            assertTrue(r.err().startsWith(f + ":" + where + ": error: " + message), cmd + ": " + r.err());
            assertTrue(r.err().contains("\n") && r.err().contains("^"), r.err());
        }
    }

    @Test
    void aLossMustBeAScalar() throws IOException {
        Path f = write("nonscalar.dlm", """
                model M(x: f32[3] = [1, 2, 3]) {
                    param w: f32[3] = 1
                    loss = x * w
                }
                """);
        locatedError(f, "3:12", "loss must be a scalar, got f32[3]", "check", "run", "grad");
    }

    @Test
    void aModelLossOfAnotherDtypeThanTheTrainLossIsAnError() throws IOException {
        // train adds the model's loss to the block's, so check refuses what cannot be added
        Path f = write("f64loss.dlm", """
                import std.nn.*
                model A(images: u8[batch, 28, 28]) {
                    param w: f32[784, 10] = zeros()
                    val x = images.reshape(batch, 784).toF32() / 255f
                    loss = sum(w * w).toF64()
                    return softmax(x @ w)
                }
                train(A) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam() }
                """);
        locatedError(f, "5:12", "model A's loss is f64 but the train block's loss is f32: the two are added, so they need the same dtype", "check", "train");
    }

    @Test
    void aSecondTrainBlockIsAnError() throws IOException {
        Path f = write("two.dlm", MODEL.replace("UNITS", "10") + """
                train(A) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam() }
                train(A) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = sgd() }
                """);
        locatedError(f, "7:1", "a second train block: a file has at most one, so that dlmc train knows what to train (the first is train(A) at " + f + ":6:1)", "check");
    }

    @Test
    void theOutputMustHaveAsManyClassesAsTheData() throws IOException {
        Path f = write("seven.dlm", MODEL.replace("UNITS", "7") + """
                train(A) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam(); metrics = [::accuracy] }
                """);
        locatedError(f, "6:19", "mnist() has 10 classes (labels 0 to 9), but model A's output f32[batch, 7] has 7 classes: labels 7 to 9 would have no output", "check");
        // More classes than the data needs is allowed (unused outputs), as in Keras.
        Path twelve = write("twelve.dlm", MODEL.replace("UNITS", "12") + """
                train(A) { data = fashionMnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam() }
                """);
        assertEquals(0, CliRunner.run("check", twelve.toString()).status());
        // A loss that does not index classes by label is not held to the data's class count.
        Path mse = write("mse.dlm", MODEL.replace("UNITS", "1") + """
                fun mse(yTrue: Tensor, yPred: f32[n, 1]): f32 = mean((yPred.reshape(n) - yTrue.toF32()) * (yPred.reshape(n) - yTrue.toF32()))
                train(A) { data = mnist(); loss = ::mse; optimizer = sgd() }
                """);
        CliRunner r = CliRunner.run("check", mse.toString());
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void labelsOutsideTheClassesAreRefusedAtRunTime() throws IOException {
        Path f = write("ten.dlm", MODEL.replace("UNITS", "10") + """
                train(A) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam(); metrics = [::accuracy] }
                """);
        CheckedProgram p = Frontend.load(f);
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        assertEquals(10, tg.classes);
        Tensor images = Tensor.zeros(DType.U8, 4, 28, 28);
        Tensor good = Tensor.of(DType.U8, new int[] {4}, 0, 9, 3, 1);
        Tensor bad = Tensor.of(DType.U8, new int[] {4}, 0, 9, 12, 1);
        for (Trainer t : List.<Trainer>of(new InterpretedTrainer(tg, ParamStore.initialize(tg.graph, 0)), new CompiledTrainer(tg, ParamStore.initialize(tg.graph, 0)))) {
            t.trainStep(images, good);
            t.evalStep(images, good);
            for (boolean train : new boolean[] {true, false}) {
                DlmException e = assertThrows(DlmException.class, () -> { if (train) t.trainStep(images, bad); else t.evalStep(images, bad); });
                assertEquals("label 12 (row 2 of a batch) is outside the 10 classes of model A's output: labels must be 0 to 9", e.getMessage());
                assertTrue(e.render().startsWith(f + ":6:1: error: "), e.render());
            }
        }
    }
}
