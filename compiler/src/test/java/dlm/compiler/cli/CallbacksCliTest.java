package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import dlm.runtime.io.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code callbacks = [...]} end to end on a small MNIST run: early stopping says why it stopped
 * and restores the best weights (the test results are then those of the best epoch's weights),
 * the best checkpoint holds the best epoch, reduceLrOnPlateau's rate survives --save/--resume;
 * and what a callback could not act on is a located error.
 */
class CallbacksCliTest {
    @TempDir
    Path tmp;

    private Path write(String extra) throws IOException {
        Path p = tmp.resolve("m" + Math.abs(extra.hashCode()) + ".dlm");
        Files.writeString(p, """
                import std.nn.*
                model M(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32() / 255f
                    return dense(x, units = 10, activation = ::softmax)
                }
                train(M) {
                    data = mnist()
                    loss = ::sparseCategoricalCrossentropy
                    optimizer = adam()
                    metrics = [::accuracy]
                """ + extra.replace("{tmp}", tmp.toString()) + "}\n");
        return p;
    }

    private static List<Double> all(String json, String key) {
        List<Double> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": ([-0-9.eE]+)").matcher(json);
        while (m.find()) out.add(Double.parseDouble(m.group(1)));
        return out;
    }

    private CliRunner train(Path f, Path json, String... more) {
        List<String> args = new ArrayList<>(List.of("train", f.toString(), "--data", TestFiles.dataDir().toString(), "--limit", "600", "--json", json.toString()));
        args.addAll(List.of(more));
        CliRunner r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.out() + r.err());
        return r;
    }

    @Test
    void earlyStoppingSaysWhyAndRestoresTheBestWeights() throws IOException {
        Path f = write("""
                    validationSplit = 0.2
                    epochs = 5
                    callbacks = [earlyStopping(monitor = "val_accuracy", minDelta = 1, restoreBestWeights = true),
                                 modelCheckpoint("{tmp}/best.npz", monitor = "val_accuracy", saveBestOnly = true)]
                """);
        Path json = tmp.resolve("h.json");
        CliRunner r = train(f, json);
        // no accuracy can improve by more than 1: the run stops after epoch 2, the first it may stop after
        String[] lines = r.out().split("\n");
        assertEquals(5, lines.length, r.out());
        assertTrue(lines[0].startsWith("Epoch 1/5") && lines[1].startsWith("Epoch 2/5"), r.out());
        assertTrue(lines[2].matches("Epoch 2: early stopping: val_accuracy has not improved by more than 1\\.0 for 1 epoch \\(best 0\\.\\d{4} at epoch 1\\)"), lines[2]);
        assertEquals("Restoring model weights from the end of the best epoch: 1.", lines[3]);
        String j = Files.readString(json);
        List<Double> valAcc = all(j, "val_accuracy");
        assertEquals(2, valAcc.size(), j);
        // the test results are those of the weights after epoch 1: a run of 1 epoch gives them
        Path one = write("""
                    validationSplit = 0.2
                    epochs = 1
                """);
        Path json1 = tmp.resolve("h1.json");
        train(one, json1);
        String j1 = Files.readString(json1);
        assertEquals(all(j1, "test_loss"), all(j, "test_loss"));
        assertEquals(all(j1, "test_acc"), all(j, "test_acc"));
        // the best checkpoint holds the epoch with the highest val_accuracy (the first of equals)
        Checkpoint best = Checkpoint.load(tmp.resolve("best.npz"));
        assertEquals(valAcc.get(1) > valAcc.get(0) ? "2" : "1", best.metadata().get(Checkpoint.EPOCH), j);
    }

    @Test
    void reduceLrOnPlateauSaysWhatItDidAndItsRateIsCheckpointed() throws IOException {
        // the training loss falls every epoch, so in mode max it never improves after epoch 1
        Path f = write("""
                    epochs = 3
                    callbacks = [reduceLrOnPlateau(monitor = "loss", mode = "max", patience = 0, factor = 0.5)]
                """);
        Path json = tmp.resolve("h.json"), save = tmp.resolve("c.npz");
        CliRunner r = train(f, json, "--save", save.toString());
        String[] lines = r.out().split("\n");
        assertEquals("Epoch 2: ReduceLROnPlateau reducing learning rate to 5.0E-4.", lines[2], r.out());
        assertEquals("Epoch 3: ReduceLROnPlateau reducing learning rate to 2.5E-4.", lines[4], r.out());
        assertEquals("2.5E-4", Checkpoint.load(save).metadata().get("learning_rate"));
        // resumed from the checkpoint after epoch 2, epoch 3 runs at the rate set then: the same as uninterrupted
        Path f2 = tmp.resolve("two.dlm");
        Files.writeString(f2, Files.readString(f).replace("epochs = 3", "epochs = 2"));
        Path save2 = tmp.resolve("c2.npz");
        train(f2, tmp.resolve("h2.json"), "--save", save2.toString());
        assertEquals("5.0E-4", Checkpoint.load(save2).metadata().get("learning_rate"));
        Path json3 = tmp.resolve("h3.json");
        train(f, json3, "--resume", save2.toString(), "--epochs", "1");
        assertEquals(all(Files.readString(json), "test_loss"), all(Files.readString(json3), "test_loss"));
    }

    private void locatedError(String extra, String where, String message) throws IOException {
        Path f = write(extra);
        CliRunner r = CliRunner.run("check", f.toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().startsWith(f + ":" + where + ": error: " + message), r.err());
        assertTrue(r.err().contains("^"), r.err());
    }

    @Test
    void whatACallbackCannotActOnIsALocatedError() throws IOException {
        locatedError("    callbacks = [earlyStopping()]\n", "11:18",
                "earlyStopping watches val_loss, which training does not compute (it computes loss, accuracy); val_ values need validationSplit or validationData");
        locatedError("    validationSplit = 0.1\n    callbacks = [earlyStopping(monitor = \"loss\"), earlyStopping(monitor = \"val_acc\")]\n", "12:51",
                "earlyStopping watches val_acc, which training does not compute (it computes loss, accuracy, val_loss, val_accuracy)");
        locatedError("    callbacks = [earlyStopping(monitor = \"loss\", mode = \"lowest\")]\n", "11:18",
                "earlyStopping: mode must be \"auto\", \"min\" or \"max\", got \"lowest\"");
        locatedError("    callbacks = [earlyStopping(monitor = \"loss\", patience = 1.5)]\n", "11:50",
                "'patience' of earlyStopping() must be an Int, got 1.5");
        locatedError("    callbacks = [reduceLrOnPlateau(monitor = \"loss\", cooldown = -1)]\n", "11:54",
                "'cooldown' of reduceLrOnPlateau() must not be negative, got -1");
        locatedError("    callbacks = [reduceLrOnPlateau(monitor = \"loss\", factor = 1)]\n", "11:18",
                "reduceLrOnPlateau's factor must be less than 1 (it multiplies the learning rate), got 1");
        locatedError("    callbacks = [modelCheckpoint(\"best.h5\")]\n", "11:18",
                "modelCheckpoint writes a DLM checkpoint, a NumPy .npz file: its filepath must end in .npz, got \"best.h5\"");
        locatedError("    callbacks = [modelCheckpoint(\"best.npz\", monitor = \"loss\")]\n", "11:18",
                "modelCheckpoint saves after every epoch unless saveBestOnly = true: its monitor and mode would do nothing");
        locatedError("    callbacks = [earlyStopping(monitor = 3)]\n", "11:32", "'monitor' of earlyStopping() must be a String, got an Int");
    }

    @Test
    void anUndecidableModeAndASchedulesRateAreLocatedErrors() throws IOException {
        Path f = tmp.resolve("f1.dlm");
        Files.writeString(f, """
                import std.nn.*
                import std.optim.*
                fun f1(yTrue: Tensor, yPred: f32[n, k]): f32 = accuracy(yTrue, yPred)
                model M(images: u8[batch, 28, 28]) {
                    return dense(images.reshape(batch, 784).toF32(), units = 10, activation = ::softmax)
                }
                train(M) {
                    data = mnist()
                    loss = ::sparseCategoricalCrossentropy
                    optimizer = adam(learningRate = exponentialDecay(1e-3, 100, 0.9))
                    metrics = [::f1]
                    callbacks = [earlyStopping(monitor = "f1"), reduceLrOnPlateau(monitor = "loss")]
                }
                """);
        CliRunner r = CliRunner.run("check", f.toString());
        assertTrue(r.err().startsWith(f + ":12:18: error: earlyStopping: mode = \"auto\" cannot tell whether f1 should be minimized or maximized: give mode = \"min\" or mode = \"max\""), r.err());
        Files.writeString(f, Files.readString(f).replace("earlyStopping(monitor = \"f1\")", "earlyStopping(monitor = \"f1\", mode = \"max\")"));
        r = CliRunner.run("check", f.toString());
        assertTrue(r.err().startsWith(f + ":12:63: error: reduceLrOnPlateau sets the learning rate, but the optimizer's follows a schedule: use one or the other"), r.err());
    }
}
