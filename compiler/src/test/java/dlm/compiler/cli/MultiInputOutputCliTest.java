package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.compiler.report.Json;
import dlm.runtime.io.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras's functional fit from a .dlm file: a synthetic problem of two inputs (a: 3 features, b: 2)
 * and two outputs (a regression, price, and a 3-class classification, kind), trained end to end
 * by dlmc from an npz and from a csv holding the same numbers (they train alike, bit for bit);
 * the reported total loss is the weighted sum of the outputs' losses; eval and predict give every
 * output; and each mismatch between the data and the model is an exact located error.
 */
@SuppressWarnings("unchecked")
class MultiInputOutputCliTest {
    @TempDir
    Path tmp;

    static final int N = 200;

    static final String MODEL = """
            import std.nn.*

            model Two(a: f32[batch, 3], b: f32[batch, 2]) {
                val h = dense(concat(a, b, axis = 1), units = 16, activation = ::relu)
                val price = dense(h, units = 1)
                val kind = dense(h, units = 3, activation = ::softmax)
                return [price, kind]
            }

            train(Two) {
                data = split(DATA, test = 0.2, seed = 1)
                loss = [::meanSquaredError, ::sparseCategoricalCrossentropy]
                lossWeights = [1, 0.5]
                metrics = [[::meanAbsoluteError], [::accuracy]]
                optimizer = adam(learningRate = 1e-2)
                epochs = 8
                batchSize = 16
            }
            """;

    static final String NPZ = "npz(\"multi.npz\")";
    static final String CSV = "csv(\"multi.csv\", features = [[\"a0\", \"a1\", \"a2\"], [\"b0\", \"b1\"]], targets = [\"price\", \"kind\"])";

    /** The same rows as an npz (arrays named as the model's inputs and outputs) and a csv; every value a multiple of 1/8, so both hold it exactly. */
    @BeforeEach
    void data() throws IOException {
        Random r = new Random(3);
        Tensor a = Tensor.zeros(DType.F32, N, 3), b = Tensor.zeros(DType.F32, N, 2), price = Tensor.zeros(DType.F32, N, 1), kind = Tensor.zeros(DType.I64, N);
        StringBuilder csv = new StringBuilder("a0,a1,a2,b0,b1,price,kind\n");
        for (int i = 0; i < N; i++) {
            double[] x = new double[5];
            for (int k = 0; k < 5; k++) x[k] = (r.nextInt(33) - 16) / 8.0;
            for (int k = 0; k < 3; k++) a.setDouble(i * 3 + k, x[k]);
            for (int k = 0; k < 2; k++) b.setDouble(i * 2 + k, x[3 + k]);
            double p = x[0] - 2 * x[1] + 0.5 * x[2] + 0.75 * x[3] - 0.25 * x[4];
            double[] s = {x[0] + x[3], x[1] - x[4], x[2]};
            int c = s[0] >= s[1] && s[0] >= s[2] ? 0 : s[1] >= s[2] ? 1 : 2;
            price.setDouble(i, p);
            kind.setLong(i, c);
            for (double v : x) csv.append(v).append(',');
            csv.append(p).append(',').append(c).append('\n');
        }
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("a", a);
        arrays.put("b", b);
        arrays.put("price", price);
        arrays.put("kind", kind);
        Npz.write(arrays, tmp.resolve("multi.npz"));
        Files.writeString(tmp.resolve("multi.csv"), csv);
    }

    private Path write(String name, String data) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, MODEL.replace("DATA", data));
        return f;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> epochs(Path json) throws IOException {
        return (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(Files.readString(json))).get("epochs");
    }

    private static double num(Map<String, Object> m, String k) { return ((Number) m.get(k)).doubleValue(); }

    @Test
    void trainsFromNpzAndCsvAlikeWithEachOutputsLossAndMetrics() throws IOException {
        Path npz = write("npz.dlm", NPZ), csv = write("csv.dlm", CSV);
        CliRunner r = CliRunner.run("train", npz.toString(), "--json", tmp.resolve("npz.json").toString(), "--save", tmp.resolve("w.npz").toString());
        assertEquals(0, r.status(), r.err());
        CliRunner c = CliRunner.run("train", csv.toString(), "--json", tmp.resolve("csv.json").toString());
        assertEquals(0, c.status(), c.err());
        List<Map<String, Object>> e = epochs(tmp.resolve("npz.json"));
        assertEquals(8, e.size());
        for (Map<String, Object> m : e) {
            assertEquals(List.of("epoch", "loss", "price_loss", "kind_loss", "price_meanAbsoluteError", "kind_accuracy", "seconds"), List.copyOf(m.keySet()));
            // each batch's loss is price_loss + 0.5 · kind_loss, so are the epoch's means (up to the f32 rounding of a batch's sum)
            assertEquals(num(m, "price_loss") + 0.5 * num(m, "kind_loss"), num(m, "loss"), 1e-5 * num(m, "loss"));
        }
        // the npz and the csv hold the same numbers: the same training, digit for digit
        assertEquals(e.toString().replaceAll("seconds=[0-9.E-]+", ""), epochs(tmp.resolve("csv.json")).toString().replaceAll("seconds=[0-9.E-]+", ""));
        // it learns both tasks
        Map<String, Object> first = e.get(0), last = e.get(e.size() - 1);
        assertTrue(num(last, "price_loss") < 0.2 * num(first, "price_loss"), e.toString());
        assertTrue(num(last, "kind_accuracy") > 0.8, e.toString());
        assertTrue(r.out().contains("- price_loss: "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("test_loss: ") && l.contains(" - test_price_loss: ") && l.contains(" - test_kind_accuracy: ")), r.out());
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(tmp.resolve("npz.json")));
        assertEquals(num(json, "test_price_loss") + 0.5 * num(json, "test_kind_loss"), num(json, "test_loss"), 1e-5 * num(json, "test_loss"));
        // eval on the saved weights gives the same test results; predict gives each output
        CliRunner ev = CliRunner.run("eval", npz.toString(), "--weights", tmp.resolve("w.npz").toString(), "--batch-size", "16");
        assertEquals(0, ev.status(), ev.err());
        String testLine = r.out().lines().filter(l -> l.startsWith("test_loss: ")).findFirst().orElseThrow();
        assertEquals(testLine, ev.out().strip());
        CliRunner p = CliRunner.run("predict", npz.toString(), "--weights", tmp.resolve("w.npz").toString(), "--index", "2");
        assertEquals(0, p.status(), p.err());
        List<String> lines = p.out().lines().toList();
        assertEquals("test sample 2:", lines.get(0));
        assertTrue(lines.get(1).startsWith("price: predicted array(["), p.out());
        assertTrue(lines.get(2).startsWith("kind: predicted array(["), p.out());
        assertTrue(lines.get(2).contains(" (predicted class "), p.out());
        // the interpreter trains the same
        CliRunner i = CliRunner.run("train", npz.toString(), "--backend", "interp", "--epochs", "2", "--json", tmp.resolve("interp.json").toString());
        CliRunner j = CliRunner.run("train", npz.toString(), "--epochs", "2", "--json", tmp.resolve("jit.json").toString());
        assertEquals(0, i.status(), i.err());
        assertEquals(0, j.status(), j.err());
        for (int k = 0; k < 2; k++) {
            Map<String, Object> a = epochs(tmp.resolve("interp.json")).get(k), b = epochs(tmp.resolve("jit.json")).get(k);
            for (String key : List.of("loss", "price_loss", "kind_loss", "price_meanAbsoluteError", "kind_accuracy"))
                assertEquals(num(b, key), num(a, key), 1e-5 * Math.max(1, Math.abs(num(b, key))), key);
        }
    }

    @Test
    void checkShowsEveryInputAndEachOutputsName() throws IOException {
        CliRunner r = CliRunner.run("check", write("npz.dlm", NPZ).toString());
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        int at = lines.indexOf("Model: \"Two\"");
        assertEquals(List.of("  input  a: f32[batch, 3]", "  input  b: f32[batch, 2]", "  output0   price: f32[batch, 1]", "  output1   kind: f32[batch, 3]"),
                lines.subList(at + 1, at + 5), r.out());
    }

    @Test
    void aValidationSplitCutsEveryArrayAlike() throws IOException {
        Path f = tmp.resolve("v.dlm");
        Files.writeString(f, MODEL.replace("DATA", NPZ).replace("epochs = 8", "epochs = 2\n    validationSplit = 0.25"));
        CliRunner r = CliRunner.run("train", f.toString(), "--json", tmp.resolve("v.json").toString());
        assertEquals(0, r.status(), r.err());
        Map<String, Object> m = epochs(tmp.resolve("v.json")).get(1);
        assertEquals(num(m, "val_price_loss") + 0.5 * num(m, "val_kind_loss"), num(m, "val_loss"), 1e-5 * num(m, "val_loss"));
        assertTrue(r.out().contains(" - val_kind_accuracy: "), r.out());
    }

    @Test
    void validationDataAndKFoldFeedEveryArrayByName() throws IOException {
        // validationData: another source's rows, evaluated after every epoch (here the same file: all 200 rows)
        Path f = tmp.resolve("vd.dlm");
        Files.writeString(f, MODEL.replace("DATA", NPZ).replace("epochs = 8", "epochs = 2\n    validationData = npz(\"multi.npz\")"));
        CliRunner r = CliRunner.run("train", f.toString(), "--json", tmp.resolve("vd.json").toString());
        assertEquals(0, r.status(), r.err());
        Map<String, Object> m = epochs(tmp.resolve("vd.json")).get(1);
        assertEquals(num(m, "val_price_loss") + 0.5 * num(m, "val_kind_loss"), num(m, "val_loss"), 1e-5 * num(m, "val_loss"));
        // kFold: each fold's model validated on its part, by name
        Path k = tmp.resolve("kf.dlm");
        Files.writeString(k, MODEL.replace("DATA", NPZ).replace("epochs = 8", "epochs = 2\n    kFold = 2"));
        CliRunner kr = CliRunner.run("train", k.toString(), "--json", tmp.resolve("kf.json").toString());
        assertEquals(0, kr.status(), kr.err());
        assertTrue(kr.out().contains("Fold 2/2: trained on 80, validated on 80 - val_price_loss: "), kr.out());
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(tmp.resolve("kf.json")));
        assertEquals(num(json, "kfold_val_price_loss") + 0.5 * num(json, "kfold_val_kind_loss"), num(json, "kfold_val_loss"), 1e-5 * num(json, "kfold_val_loss"));
    }

    /** The first located error of dlmc COMMAND on the model with data {@code data} and the train block's line {@code from} replaced by {@code to}. */
    private String error(String command, String data, String from, String to, String... options) throws IOException {
        Path f = tmp.resolve("e.dlm");
        String text = MODEL.replace("DATA", data);
        if (from != null) {
            assertTrue(text.contains(from), from);
            text = text.replace(from, to);
        }
        Files.writeString(f, text);
        String[] args = new String[2 + options.length];
        args[0] = command;
        args[1] = f.toString();
        System.arraycopy(options, 0, args, 2, options.length);
        CliRunner r = CliRunner.run(args);
        // a located error exits 1, a usage error (an option that does not fit) 2
        assertEquals(r.err().startsWith("dlmc ") ? 2 : 1, r.status(), r.out() + r.err());
        assertTrue(!r.err().contains("\tat "), r.err());
        return r.err().replace(tmp + "/", "").strip();
    }

    @Test
    void dataThatDoesNotFitIsLocatedInTheDataAndTheModel() throws IOException {
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("a", Tensor.zeros(DType.F32, 4, 3));
        bad.put("b", Tensor.zeros(DType.F32, 4, 3));
        bad.put("short", Tensor.zeros(DType.F32, 3, 2));
        bad.put("price", Tensor.zeros(DType.F32, 4, 1));
        Tensor kind = Tensor.zeros(DType.I64, 4);
        kind.setLong(3, 5);
        bad.put("kind", kind);
        bad.put("b2", Tensor.zeros(DType.F32, 4, 2));
        Npz.write(bad, tmp.resolve("bad.npz"));
        assertEquals("""
                e.dlm:11:33: error: bad.npz has no array "c" for model Two's input b; it has a, b, short, price, kind, b2
                    data = split(npz("bad.npz", inputs = ["a", "c"]), test = 0.2, seed = 1)
                                                ^~~~~~~~~~~~~~~~~~~
                e.dlm:3:29: note: model Two's input b is declared here
                model Two(a: f32[batch, 3], b: f32[batch, 2]) {
                                            ^~~~~~~~~~~~~~~~""", error("train", "npz(\"bad.npz\", inputs = [\"a\", \"c\"])", null, null));
        assertEquals("""
                e.dlm:11:18: error: bad.npz's b has shape (4, 3), but model Two's input b: f32[batch, 2] takes rows of shape (2,)
                    data = split(npz("bad.npz"), test = 0.2, seed = 1)
                                 ^~~~~~~~~~~~~~
                e.dlm:3:29: note: model Two's input b is declared here
                model Two(a: f32[batch, 3], b: f32[batch, 2]) {
                                            ^~~~~~~~~~~~~~~~""", error("train", "npz(\"bad.npz\")", null, null));
        assertEquals("""
                e.dlm:11:33: error: bad.npz's short has 3 rows but bad.npz's a has 4: every array gives one row a sample
                    data = split(npz("bad.npz", inputs = ["a", "short"]), test = 0.2, seed = 1)
                                                ^~~~~~~~~~~~~~~~~~~~~~~
                e.dlm:3:29: note: model Two's input b is declared here
                model Two(a: f32[batch, 3], b: f32[batch, 2]) {
                                            ^~~~~~~~~~~~~~~~""", error("train", "npz(\"bad.npz\", inputs = [\"a\", \"short\"])", null, null));
        assertEquals("""
                e.dlm:11:18: error: bad.npz's kind at [3] is 5, outside the model's 3 classes (0 to 2)
                    data = split(npz("bad.npz", inputs = ["a", "b2"]), test = 0.2, seed = 1)
                                 ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
                e.dlm:6:16: note: model Two's output, which the loss compares the labels (i32[batch]) with, is made here
                    val kind = dense(h, units = 3, activation = ::softmax)
                               ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~""", error("train", "npz(\"bad.npz\", inputs = [\"a\", \"b2\"])", null, null));
    }

    @Test
    void countsThatDoNotMatchTheModelAreLocated() throws IOException {
        assertEquals("""
                e.dlm:11:35: error: npz() gives 1 target array, but model Two returns 2 outputs (price, kind): name one array per output with targets = ["…"], in order
                    data = split(npz("multi.npz", targets = ["price"]), test = 0.2, seed = 1)
                                                  ^~~~~~~~~~~~~~~~~~~
                e.dlm:5:17: note: model Two's first output is made here
                    val price = dense(h, units = 1)
                                ^~~~~~~~~~~~~~~~~~~""", error("check", "npz(\"multi.npz\", targets = [\"price\"])", null, null));
        assertEquals("""
                e.dlm:11:35: error: 'inputs' of npz() names 1 array, but model Two takes 2 inputs (a, b): name one array per input, in order
                    data = split(npz("multi.npz", inputs = ["a"]), test = 0.2, seed = 1)
                                                  ^~~~~~~~~~~~~~
                e.dlm:3:11: note: model Two's first input is declared here
                model Two(a: f32[batch, 3], b: f32[batch, 2]) {
                          ^~~~~~~~~~~~~~~~""", error("check", "npz(\"multi.npz\", inputs = [\"a\"])", null, null));
        assertEquals("""
                e.dlm:12:12: error: loss has 1 function but model Two returns 2 outputs (price, kind): give one loss per output, in order
                    loss = [::meanSquaredError]
                           ^~~~~~~~~~~~~~~~~~~~
                e.dlm:3:7: note: model Two is declared here
                model Two(a: f32[batch, 3], b: f32[batch, 2]) {
                      ^~~""", error("check", NPZ, "loss = [::meanSquaredError, ::sparseCategoricalCrossentropy]", "loss = [::meanSquaredError]"));
        assertEquals("""
                e.dlm:13:19: error: lossWeights has 3 weights but model Two returns 2 outputs (price, kind): give one weight per output, in order
                    lossWeights = [1, 0.5, 2]
                                  ^~~~~~~~~~~
                e.dlm:3:7: note: model Two is declared here
                model Two(a: f32[batch, 3], b: f32[batch, 2]) {
                      ^~~""", error("check", NPZ, "lossWeights = [1, 0.5]", "lossWeights = [1, 0.5, 2]"));
        assertEquals("""
                e.dlm:14:15: error: metrics given per output must be one list per output, in order, but model Two returns 2 outputs (price, kind) and metrics has 1 item
                    metrics = [[::meanAbsoluteError]]
                              ^~~~~~~~~~~~~~~~~~~~~~~
                e.dlm:3:7: note: model Two is declared here
                model Two(a: f32[batch, 3], b: f32[batch, 2]) {
                      ^~~""", error("check", NPZ, "metrics = [[::meanAbsoluteError], [::accuracy]]", "metrics = [[::meanAbsoluteError]]"));
        assertEquals("""
                e.dlm:11:35: error: 'features' of csv() gives 1 list of columns, but model Two takes 2 inputs (a, b): give one list of columns per input, in order
                    data = split(csv("multi.csv", features = [["a0", "a1", "a2"]], targets = ["price", "kind"]), test = 0.2, seed = 1)
                                                  ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
                e.dlm:3:11: note: model Two's first input is declared here
                model Two(a: f32[batch, 3], b: f32[batch, 2]) {
                          ^~~~~~~~~~~~~~~~""",
                error("check", "csv(\"multi.csv\", features = [[\"a0\", \"a1\", \"a2\"]], targets = [\"price\", \"kind\"])", null, null));
        assertEquals("""
                e.dlm:11:82: error: csv() gives 1 target column, but model Two returns 2 outputs (price, kind): name one column per output with targets = ["…"], in order
                    data = split(csv("multi.csv", features = [["a0", "a1", "a2"], ["b0", "b1"]], target = "price"), test = 0.2, seed = 1)
                                                                                                 ^~~~~~~~~~~~~~~~
                e.dlm:5:17: note: model Two's first output is made here
                    val price = dense(h, units = 1)
                                ^~~~~~~~~~~~~~~~~~~""",
                error("check", "csv(\"multi.csv\", features = [[\"a0\", \"a1\", \"a2\"], [\"b0\", \"b1\"]], target = \"price\")", null, null));
    }

    /** One input fed every column but the targets: a misspelt target is named as missing, not read as one feature too many. */
    @Test
    void aMisspeltTargetColumnIsNamedEvenWhenTheFeaturesAreTheOtherColumns() throws IOException {
        assertEquals("""
                e.dlm:11:35: error: multi.csv has no column "knd" (target); did you mean "kind"? Its header has: a0, a1, a2, b0, b1, price, kind
                    data = split(csv("multi.csv", targets = ["price", "knd"]), test = 0.2, seed = 1)
                                                  ^~~~~~~~~~~~~~~~~~~~~~~~~~
                multi.csv:1:1: note: the header of multi.csv is here
                a0,a1,a2,b0,b1,price,kind
                ^~~~~~~~~~~~~~~~~~~~~~~~~""", error("train", "csv(\"multi.csv\", targets = [\"price\", \"knd\"])",
                "model Two(a: f32[batch, 3], b: f32[batch, 2]) {\n    val h = dense(concat(a, b, axis = 1),", "model Two(a: f32[batch, 5]) {\n    val h = dense(a,"));
    }

    @Test
    void whatIsNotSupportedForSuchModelsIsRefusedWhereItIsAsked() throws IOException {
        assertEquals("""
                e.dlm:10:1: error: --shards trains a model of one input and one output; model Two takes 2 inputs and returns 2 outputs: train it without --shards
                train(Two) {
                ^
                e.dlm:3:7: note: model Two is declared here
                model Two(a: f32[batch, 3], b: f32[batch, 2]) {
                      ^~~""", error("train", NPZ, null, null, "--shards", "2"));
        assertEquals("""
                e.dlm:17:5: error: classWeight weighs the classes of one loss: it cannot be combined with lossWeights or a loss per output
                    classWeight = [1, 2, 1]
                    ^~~~~~~~~~~""", error("check", NPZ, "epochs = 8", "epochs = 8\n    classWeight = [1, 2, 1]"));
        assertTrue(error("train", NPZ, null, null, "--report", tmp.resolve("r.html").toString()).startsWith(
                "dlmc train: error: --report draws one input and one output; model Two takes 2 inputs and returns 2 outputs: use --json or --plot"));
        assertTrue(error("predict", NPZ, null, null, "--weights", tmp.resolve("none.npz").toString(), "--image", tmp.resolve("x.png").toString()).startsWith(
                "dlmc predict: error: --image feeds one input; model Two takes 2 inputs and returns 2 outputs"));
    }
}
