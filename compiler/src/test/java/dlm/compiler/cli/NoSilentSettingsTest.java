package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import dlm.compiler.check.Builtins;
import dlm.compiler.check.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "No silent settings": every key a train block accepts — taken from the checker's own list
 * ({@link TrainConfig#acceptedKeys}), and every argument of every dataset configuration
 * ({@link Builtins#configs}) — either changes what {@code dlmc train} does (its losses, metrics,
 * validation results or test results, compared at full precision through {@code --json}) or is
 * refused with a located error. A key added to the checker without a case here fails the test.
 * (Optimizer arguments are enumerated the same way, in-process, by OptimizerArgumentsTest.)
 */
class NoSilentSettingsTest {
    @TempDir
    Path tmp;

    /** The settings every block here has (those it needs, and 2 epochs); a case replaces the line of its key. */
    private final Map<String, String> required = new LinkedHashMap<>(Map.of(
            "data", "data = mnist()",
            "loss", "loss = ::sparseCategoricalCrossentropy",
            "optimizer", "optimizer = adam()",
            "epochs", "epochs = 2"));

    /** Per accepted key: two ways to give it (null: not given), which must train differently. */
    private static final Map<String, String[]> CHANGES = Map.ofEntries(
            Map.entry("data", new String[] {"data = mnist()", "data = fashionMnist()"}),
            Map.entry("loss", new String[] {"loss = ::sparseCategoricalCrossentropy", "loss = { t, p -> 2f * sparseCategoricalCrossentropy(t, p) }"}),
            Map.entry("optimizer", new String[] {"optimizer = adam()", "optimizer = sgd()"}),
            Map.entry("metrics", new String[] {null, "metrics = [::accuracy]"}),
            Map.entry("epochs", new String[] {"epochs = 2", "epochs = 3"}),
            Map.entry("batchSize", new String[] {null, "batchSize = 64"}),
            Map.entry("seed", new String[] {null, "seed = 7"}),
            Map.entry("validationSplit", new String[] {null, "validationSplit = 0.2"}),
            Map.entry("validationData", new String[] {null, "validationData = mnist(split = \"test\")"}),
            Map.entry("callbacks", new String[] {null, "callbacks = [earlyStopping(monitor = \"loss\", minDelta = 100)]"}),
            Map.entry("classWeight", new String[] {null, "classWeight = [1, 1, 1, 1, 1, 1, 1, 1, 1, 5]"}),
            Map.entry("kFold", new String[] {null, "kFold = 2"}),
            Map.entry("lossWeights", new String[] {null, "lossWeights = [2]"}));

    /**
     * Per callback argument (callback.argument): two callback lists differing in that argument.
     * They train 4 epochs with adam at its default rate, over which the training loss falls every
     * epoch, so a "max" mode on loss sees no improvement after epoch 1 and a "min" mode one every
     * epoch. {dir} is a fresh folder per run.
     */
    private static final Map<String, String[]> CALLBACK_ARGUMENTS = Map.ofEntries(
            Map.entry("earlyStopping.monitor", new String[] {"earlyStopping(monitor = \"loss\", minDelta = 100)", "earlyStopping(monitor = \"accuracy\", minDelta = 100)"}),
            Map.entry("earlyStopping.minDelta", new String[] {"earlyStopping(monitor = \"loss\")", "earlyStopping(monitor = \"loss\", minDelta = 100)"}),
            Map.entry("earlyStopping.patience", new String[] {"earlyStopping(monitor = \"loss\", minDelta = 100, patience = 1)",
                    "earlyStopping(monitor = \"loss\", minDelta = 100, patience = 2)"}),
            Map.entry("earlyStopping.mode", new String[] {"earlyStopping(monitor = \"loss\", mode = \"min\")", "earlyStopping(monitor = \"loss\", mode = \"max\")"}),
            Map.entry("earlyStopping.restoreBestWeights", new String[] {"earlyStopping(monitor = \"loss\", mode = \"max\", patience = 10)",
                    "earlyStopping(monitor = \"loss\", mode = \"max\", patience = 10, restoreBestWeights = true)"}),
            Map.entry("modelCheckpoint.filepath", new String[] {"modelCheckpoint(\"{dir}/a.npz\")", "modelCheckpoint(\"{dir}/b.npz\")"}),
            Map.entry("modelCheckpoint.monitor", new String[] {"modelCheckpoint(\"{dir}/a.npz\", monitor = \"loss\", mode = \"max\", saveBestOnly = true)",
                    "modelCheckpoint(\"{dir}/a.npz\", monitor = \"accuracy\", mode = \"max\", saveBestOnly = true)"}),
            // (monitor and mode are refused without saveBestOnly: they would do nothing)
            Map.entry("modelCheckpoint.saveBestOnly", new String[] {"modelCheckpoint(\"{dir}/a.npz\")",
                    "modelCheckpoint(\"{dir}/a.npz\", monitor = \"loss\", mode = \"max\", saveBestOnly = true)"}),
            Map.entry("modelCheckpoint.mode", new String[] {"modelCheckpoint(\"{dir}/a.npz\", monitor = \"loss\", mode = \"min\", saveBestOnly = true)",
                    "modelCheckpoint(\"{dir}/a.npz\", monitor = \"loss\", mode = \"max\", saveBestOnly = true)"}),
            Map.entry("reduceLrOnPlateau.monitor", new String[] {"reduceLrOnPlateau(monitor = \"loss\", mode = \"max\", patience = 0)",
                    "reduceLrOnPlateau(monitor = \"accuracy\", mode = \"max\", patience = 0)"}),
            Map.entry("reduceLrOnPlateau.factor", new String[] {"reduceLrOnPlateau(monitor = \"loss\", mode = \"max\", patience = 0)",
                    "reduceLrOnPlateau(monitor = \"loss\", mode = \"max\", patience = 0, factor = 0.5)"}),
            Map.entry("reduceLrOnPlateau.patience", new String[] {"reduceLrOnPlateau(monitor = \"loss\", mode = \"max\", patience = 0)",
                    "reduceLrOnPlateau(monitor = \"loss\", mode = \"max\", patience = 2)"}),
            Map.entry("reduceLrOnPlateau.mode", new String[] {"reduceLrOnPlateau(monitor = \"loss\", mode = \"min\", patience = 0)",
                    "reduceLrOnPlateau(monitor = \"loss\", mode = \"max\", patience = 0)"}),
            Map.entry("reduceLrOnPlateau.minDelta", new String[] {"reduceLrOnPlateau(monitor = \"loss\", patience = 0)",
                    "reduceLrOnPlateau(monitor = \"loss\", patience = 0, minDelta = 100)"}),
            Map.entry("reduceLrOnPlateau.cooldown", new String[] {"reduceLrOnPlateau(monitor = \"loss\", mode = \"max\", patience = 0)",
                    "reduceLrOnPlateau(monitor = \"loss\", mode = \"max\", patience = 0, cooldown = 2)"}),
            Map.entry("reduceLrOnPlateau.minLr", new String[] {"reduceLrOnPlateau(monitor = \"loss\", mode = \"max\", patience = 0)",
                    "reduceLrOnPlateau(monitor = \"loss\", mode = \"max\", patience = 0, minLr = 0.0005)"}));

    /** Per dataset argument (dataset.argument): two ways to give it in validationData. */
    private static final Map<String, String[]> DATASET_ARGUMENTS = Map.of(
            "mnist.split", new String[] {"validationData = mnist(split = \"train\")", "validationData = mnist(split = \"test\")"},
            "fashionMnist.split", new String[] {"validationData = fashionMnist(split = \"train\")", "validationData = fashionMnist(split = \"test\")"});

    /**
     * Dataset arguments that cannot be trained with here: these datasets' files are not in the
     * test data and cannot be downloaded offline. Their split is the same setting as mnist's (the
     * part is picked by the split's value whatever the dataset, in TrainRun), so this checks
     * that each value is accepted with a model fitting the dataset, and another is refused.
     */
    private static final Map<String, String> CHECKED_DATASET_ARGUMENTS = Map.of(
            "cifar10.split", "model C(images: u8[batch, 32, 32, 3]) {\n    return dense(flatten(images.toF32()), units = 10, activation = ::softmax)\n}\n"
                    + "train(C) {\n    data = cifar10()\n    loss = ::sparseCategoricalCrossentropy\n    optimizer = adam()\n    validationData = cifar10(split = %s)\n}\n",
            "bostonHousing.split", "model H(x: f32[batch, 13]) {\n    return dense(x, units = 1)\n}\n"
                    + "train(H) {\n    data = bostonHousing()\n    loss = ::meanSquaredError\n    optimizer = adam()\n    validationData = bostonHousing(split = %s)\n}\n");

    private static final String MODEL = """
            import std.nn.*
            model M(images: u8[batch, 28, 28]) {
                val x = images.reshape(batch, 784).toF32() / 255f
                return dense(x, units = 10, activation = ::softmax)
            }
            """;

    private final Map<String, String> runs = new LinkedHashMap<>();

    /** What training did with these settings (besides the required ones): the JSON report without its timings, and the printed lines without theirs. */
    private String train(String key, String line) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>(required);
        if (line != null) settings.put(key, line);
        else settings.remove(key);
        String block = "train(M) {\n    " + String.join("\n    ", settings.values()) + "\n}\n";
        if (runs.containsKey(block)) return runs.get(block);
        Path dir = Files.createDirectories(tmp.resolve("run" + runs.size()));
        Path f = dir.resolve("m.dlm"), json = dir.resolve("r.json");
        Files.writeString(f, MODEL + block.replace("{dir}", dir.toString()));
        CliRunner r = CliRunner.run("train", f.toString(), "--data", TestFiles.dataDir().toString(), "--limit", "300", "--json", json.toString());
        assertEquals(0, r.status(), block + r.err());
        String report = Files.readString(json).replaceAll("\"[a-z_]*seconds\": [^,}\\n]*,? ?", "").replaceAll("\"threads\": \\d+", "");
        String printed = r.out().replaceAll("\\d+(\\.\\d+)?m?s(/step)?", "");
        // the checkpoints it wrote: their names, the epoch each holds and its weights
        StringBuilder files = new StringBuilder();
        try (var list = Files.list(dir)) {
            for (Path p : list.filter(p -> p.toString().endsWith(".npz")).sorted().toList()) {
                dlm.runtime.io.Checkpoint c = dlm.runtime.io.Checkpoint.load(p);
                files.append(p.getFileName()).append(" epoch ").append(c.metadata().get("epoch"));
                c.params().forEach((k, v) -> files.append(' ').append(k).append('=').append(java.util.Arrays.hashCode(v.toDoubles())));
                files.append('\n');
            }
        }
        String fingerprint = report + printed + files;
        runs.put(block, fingerprint);
        return fingerprint;
    }

    @Test
    void everyAcceptedKeyChangesWhatTrainingDoes() throws IOException {
        assertEquals(new TreeSet<>(TrainConfig.acceptedKeys()), new TreeSet<>(CHANGES.keySet()),
                "every key the checker accepts needs a case here (and no case may name a key it does not accept)");
        List<String> silent = new ArrayList<>();
        for (String key : TrainConfig.acceptedKeys()) {
            String[] c = CHANGES.get(key);
            if (train(key, c[0]).equals(train(key, c[1]))) silent.add(key + ": " + c[0] + " vs " + c[1]);
        }
        assertEquals(List.of(), silent, "settings that changed nothing");
    }

    @Test
    void everyCallbackArgumentChangesWhatTrainingDoes() throws IOException {
        List<String> expected = new ArrayList<>();
        for (var e : Builtins.configs("callback").entrySet()) for (String a : e.getValue()) expected.add(e.getKey() + "." + a);
        assertEquals(new TreeSet<>(expected), new TreeSet<>(CALLBACK_ARGUMENTS.keySet()), "every callback argument needs a case here");
        required.put("metrics", "metrics = [::accuracy]");
        required.put("epochs", "epochs = 4");
        List<String> silent = new ArrayList<>();
        for (var e : CALLBACK_ARGUMENTS.entrySet()) {
            String[] c = e.getValue();
            if (train("callbacks", "callbacks = [" + c[0] + "]").equals(train("callbacks", "callbacks = [" + c[1] + "]")))
                silent.add(e.getKey() + ": " + c[0] + " vs " + c[1]);
        }
        assertEquals(List.of(), silent, "callback arguments that changed nothing");
    }

    @Test
    void everyDatasetArgumentChangesWhatTrainingDoesOrIsRefused() throws IOException {
        List<String> expected = new ArrayList<>();
        for (var e : Builtins.configs("dataset").entrySet()) for (String a : e.getValue()) expected.add(e.getKey() + "." + a);
        TreeSet<String> covered = new TreeSet<>(DATASET_ARGUMENTS.keySet());
        covered.addAll(CHECKED_DATASET_ARGUMENTS.keySet());
        assertEquals(new TreeSet<>(expected), covered);
        for (var e : CHECKED_DATASET_ARGUMENTS.entrySet()) {
            Path f = tmp.resolve(e.getKey() + ".dlm");
            for (String value : List.of("\"train\"", "\"test\"")) {
                Files.writeString(f, "import std.nn.*\n" + e.getValue().formatted(value));
                CliRunner r = CliRunner.run("check", f.toString());
                assertEquals(0, r.status(), e.getKey() + " = " + value + ": " + r.err());
            }
            Files.writeString(f, "import std.nn.*\n" + e.getValue().formatted("\"val\""));
            CliRunner r = CliRunner.run("check", f.toString());
            assertEquals(1, r.status(), r.out());
            assertTrue(r.err().startsWith(f + ":9:"), r.err());
            assertTrue(r.err().contains("must be \"train\" or \"test\", got \"val\""), r.err());
        }
        for (var e : DATASET_ARGUMENTS.entrySet())
            assertNotEquals(train("validationData", e.getValue()[0]), train("validationData", e.getValue()[1]), e.getKey());
        // on `data`, a split is refused where it is given
        Path f = tmp.resolve("split.dlm");
        Files.writeString(f, MODEL + "train(M) {\n    data = mnist(split = \"test\")\n    loss = ::sparseCategoricalCrossentropy\n    optimizer = adam()\n}\n");
        CliRunner r = CliRunner.run("train", f.toString(), "--data", TestFiles.dataDir().toString(), "--limit", "300");
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().startsWith(f + ":7:12: error: 'data' trains on the train split of mnist() and tests on its test split: it takes no split"), r.err());
        assertTrue(r.err().contains("^"), r.err());
    }
}
