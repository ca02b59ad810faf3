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

    /** The settings every block needs; a case replaces the line of its key. */
    private static final Map<String, String> REQUIRED = new LinkedHashMap<>(Map.of(
            "data", "data = mnist()",
            "loss", "loss = ::sparseCategoricalCrossentropy",
            "optimizer", "optimizer = adam()"));

    /** Per accepted key: two ways to give it (null: not given), which must train differently. */
    private static final Map<String, String[]> CHANGES = Map.ofEntries(
            Map.entry("data", new String[] {"data = mnist()", "data = fashionMnist()"}),
            Map.entry("loss", new String[] {"loss = ::sparseCategoricalCrossentropy", "loss = { t, p -> 2f * sparseCategoricalCrossentropy(t, p) }"}),
            Map.entry("optimizer", new String[] {"optimizer = adam()", "optimizer = sgd()"}),
            Map.entry("metrics", new String[] {null, "metrics = [::accuracy]"}),
            Map.entry("epochs", new String[] {null, "epochs = 2"}),
            Map.entry("batchSize", new String[] {null, "batchSize = 64"}),
            Map.entry("seed", new String[] {null, "seed = 7"}),
            Map.entry("validationSplit", new String[] {null, "validationSplit = 0.2"}),
            Map.entry("validationData", new String[] {null, "validationData = mnist(split = \"test\")"}));

    /** Per dataset argument (dataset.argument): two ways to give it in validationData. */
    private static final Map<String, String[]> DATASET_ARGUMENTS = Map.of(
            "mnist.split", new String[] {"validationData = mnist(split = \"train\")", "validationData = mnist(split = \"test\")"},
            "fashionMnist.split", new String[] {"validationData = fashionMnist(split = \"train\")", "validationData = fashionMnist(split = \"test\")"});

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
        Map<String, String> settings = new LinkedHashMap<>(REQUIRED);
        if (line != null) settings.put(key, line);
        else settings.remove(key);
        String block = "train(M) {\n    " + String.join("\n    ", settings.values()) + "\n}\n";
        if (runs.containsKey(block)) return runs.get(block);
        Path f = tmp.resolve("m" + runs.size() + ".dlm"), json = tmp.resolve("r" + runs.size() + ".json");
        Files.writeString(f, MODEL + block);
        CliRunner r = CliRunner.run("train", f.toString(), "--data", TestFiles.dataDir().toString(), "--limit", "300", "--json", json.toString());
        assertEquals(0, r.status(), block + r.err());
        String report = Files.readString(json).replaceAll("\"[a-z_]*seconds\": [^,}\\n]*,? ?", "").replaceAll("\"threads\": \\d+", "");
        String printed = r.out().replaceAll("\\d+(\\.\\d+)?m?s(/step)?", "");
        runs.put(block, report + printed);
        return report + printed;
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
    void everyDatasetArgumentChangesWhatTrainingDoesOrIsRefused() throws IOException {
        List<String> expected = new ArrayList<>();
        for (var e : Builtins.configs("dataset").entrySet()) for (String a : e.getValue()) expected.add(e.getKey() + "." + a);
        assertEquals(new TreeSet<>(expected), new TreeSet<>(DATASET_ARGUMENTS.keySet()));
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
