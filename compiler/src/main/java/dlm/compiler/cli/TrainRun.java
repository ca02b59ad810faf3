package dlm.compiler.cli;

import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.TrainConfig;
import dlm.compiler.check.Value;
import dlm.compiler.diag.DlmException;
import dlm.compiler.train.Adaptation;
import dlm.compiler.train.NonFiniteStep;
import dlm.compiler.train.Trainer;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.train.EpochResult;
import dlm.runtime.train.NonFiniteLossException;
import dlm.runtime.train.ProgressBar;
import dlm.runtime.train.TrainLoop;
import dlm.runtime.train.ValidationSplit;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The training part of {@code dlmc train}, shared with the Java API ({@code DlmModel.fit}): from
 * loaded data to the trained weights — {@code --limit}, the train block's {@code validationSplit}
 * or {@code validationData}, resuming or adapting normalization layers, the epochs with the
 * block's callbacks and a checkpoint after each when asked, and a non-finite loss located at the
 * op that made it. One code path, so a Java caller gets the same weights as the command, bit for bit.
 */
public final class TrainRun {
    private TrainRun() {}

    /** What one run is given besides the train block: each field is the command's option of the same name (0 or null: not given). */
    public record Request(int epochs, int batchSize, long limit, Path dataDir, Path save, Path resume) {}

    /**
     * The epochs' history, the trainer holding the trained weights, the batch size used, when the
     * loop started ({@link System#nanoTime}), and with {@code kFold} the folds' mean validation
     * results ({@code kfold_val_loss}, {@code kfold_val_<metric>}; else empty).
     */
    public record Outcome(List<EpochResult> history, Trainer trainer, int batchSize, long loopStart, java.util.Map<String, Number> kFold) {}

    /** Where the run reports: the progress line (may be null), the callbacks' notes, and what a data source found. */
    public record Reports(ProgressBar progress, Consumer<String> notes, PrintStream dataNotes, TrainLoop.EpochListener epochs) {}

    /**
     * Trains the model of a program's train block from Java, on data already loaded: the trainer
     * is made from {@code seed} (initial weights and batch order, as {@code --seed}; null: the
     * block's {@code seed}, else 0); when
     * {@code initial} is not null its tensors replace the initial params and states by name
     * (weights trained before: then normalization layers are not adapted again).
     */
    public static Outcome fit(CheckedProgram program, TrainConfig config, TrainGraph graph, Long seed, Dataset data, Request request,
                              java.util.Map<String, Tensor> initial, Reports reports) throws IOException {
        Console console = new Console(reports.dataNotes(), reports.dataNotes());
        long s = seed != null ? seed : config.settings().get("seed") instanceof Value.NumberV n ? n.asLong() : 0;
        TrainSetup setup = TrainSetup.of(program, config, graph, s, "jit", console);
        // output paths, checked before any training: modelCheckpoint's (a located error) and the checkpoint's
        for (Path p : TrainCallbacks.outputs(setup)) checkDistinct(request.save(), p);
        if (request.save() != null) {
            try {
                OutputPaths.file("the checkpoint", request.save().toString(), OutputPaths.Kind.CHECKPOINT);
            } catch (UsageException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        int epochs = request.epochs() > 0 ? request.epochs() : intSetting(config, "epochs", 1);
        int batchSize = request.batchSize() > 0 ? request.batchSize() : intSetting(config, "batchSize", 32);
        setup.checkMemory(batchSize);
        Trainer trainer = setup.trainer();
        if (initial != null) initial.forEach((k, v) -> trainer.params().set(k, v.copy()));
        return fit(setup, trainer, setup.shapeLabels(data), request, epochs, batchSize, initial == null, reports);
    }

    private static void checkDistinct(Path save, Path callback) {
        try {
            OutputPaths.distinct("the checkpoint", save, "modelCheckpoint", callback);
        } catch (UsageException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static int intSetting(TrainConfig config, String key, int dflt) {
        return config.settings().get(key) instanceof Value.NumberV n ? (int) n.asLong() : dflt;
    }

    /** The loop of {@code dlmc train} on a set-up trainer (see the class comment); {@code adapt}: adapt normalization layers unless resuming. */
    static Outcome fit(TrainSetup setup, Trainer given, Dataset data, Request request, int epochs, int batchSize, boolean adapt,
                       Reports reports) throws IOException {
        if (setup.graph.byName() && data.byName() == null)
            throw new DlmException(setup.config.decl().span(), "model " + setup.config.model().name() + " takes " + setup.graph.inputs.size() + " inputs and returns "
                    + setup.graph.outputs.size() + " outputs: its data must give each by name (a data source of the train block; the Java API gives one input and one output)");
        Trainer trainer = dlm.compiler.train.ByNameTrainer.over(given, data);
        Tensor images = data.trainImages(), labels = data.trainLabels(), weights = data.trainWeights();
        long limit = request.limit();
        if (limit > 0) {
            images = Rows.first(images, (int) Math.min(limit, images.dim(0)));
            labels = Rows.first(labels, (int) Math.min(limit, labels.dim(0)));
            if (weights != null) weights = Rows.first(weights, (int) Math.min(limit, weights.dim(0)));
        }
        Tensor valImages = null, valLabels = null;
        if (setup.config.settings().get("validationSplit") instanceof Value.NumberV split) {
            ValidationSplit vs;
            try {
                vs = ValidationSplit.of(images, labels, split.value());
            } catch (IllegalArgumentException e) {
                throw new DlmException(setup.settingSpan("validationSplit"), e.getMessage());
            }
            weights = ValidationSplit.trainWeights(weights, split.value());
            images = vs.trainImages();
            labels = vs.trainLabels();
            valImages = vs.valImages();
            valLabels = vs.valLabels();
        }
        if (setup.config.settings().get("validationData") instanceof Value.ConfigV val) {
            // Keras's validation_data: evaluated after every epoch, never trained on (--limit does not
            // apply): a built-in dataset's split (the data's own when it is the same dataset), or all
            // the rows of a data source (its train part: a source that is not split has only that)
            boolean source = val.args().get("source") != null;
            Dataset v = !source && val.name().equals(((Value.ConfigV) setup.config.settings().get("data")).name()) ? data
                    : setup.dataset(request.dataDir(), "validationData");
            boolean test = "test".equals(val.args().get("split"));
            valImages = test ? v.testImages() : v.trainImages();
            valLabels = test ? v.testLabels() : v.trainLabels();
        }
        // kFold = K: K models validated on K parts of the training data, before training on all of it
        java.util.Map<String, Number> kFold = java.util.Map.of();
        if (setup.config.settings().get("kFold") instanceof Value.NumberV k) {
            if (request.resume() != null) throw new UsageException("--resume continues a run, but kFold trains its folds from scratch: remove kFold to resume");
            kFold = KFoldValidation.run(setup, (int) k.asLong(), images, labels, weights, epochs, batchSize, reports.notes() != null ? reports.notes() : line -> {});
        }
        int firstEpoch = 1;
        Checkpoints ckpt = new Checkpoints(setup);
        if (request.resume() != null) firstEpoch = ckpt.resume(request.resume(), trainer) + 1;
        else if (adapt && trainer instanceof dlm.compiler.train.ByNameTrainer byName) Adaptation.adapt(setup.graph, trainer.params(), byName.inputsAt(images));
        else if (adapt) Adaptation.adapt(setup.graph, trainer.params(), images); // normalization() layers (a resumed run has them from its checkpoint)
        long loopStart = System.nanoTime();
        // The state at the start of the current epoch: a non-finite loss is explained by
        // replaying the epoch up to its step (see TrainCommand.explain).
        NonFiniteStep.Snapshot[] epochStart = {NonFiniteStep.Snapshot.of(trainer)};
        Path save = request.save();
        List<EpochResult> history;
        try {
            history = TrainLoop.fit(trainer, images, labels, weights, valImages, valLabels, epochs, batchSize, setup.seed, firstEpoch, reports.progress(),
                    r -> {
                        if (save != null) ckpt.save(save, trainer, r.epoch());
                        epochStart[0] = NonFiniteStep.Snapshot.of(trainer);
                        if (reports.epochs() != null) reports.epochs().epochEnded(r);
                    }, TrainCallbacks.of(setup, trainer, ckpt), reports.notes());
        } catch (NonFiniteLossException e) {
            throw TrainCommand.explain(e, setup, trainer, epochStart[0], images, labels, weights, batchSize);
        }
        return new Outcome(history, trainer, batchSize, loopStart, kFold);
    }
}
