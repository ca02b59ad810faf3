package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The train block's kFold: each fold is exactly a model trained on the other parts and validated
 * on its own (checked against a run on those rows with validationData), the mean line is the mean
 * of the folds, the JSON keeps it, training on all the data afterwards is unchanged, and mistakes
 * are located.
 */
class KFoldCliTest {
    @TempDir
    Path tmp;

    private static final String MODEL = """
            import std.nn.*
            model Reg(x: f32[batch, 2]) {
                val norm = normalization(x)
                val hidden = dense(norm, units = 8, activation = ::relu)
                return dense(hidden, units = 1)
            }
            train(Reg) {
                data = %s
                loss = ::meanSquaredError
                optimizer = adam(learningRate = 1e-2)
                metrics = [::meanAbsoluteError]
                epochs = 3
                batchSize = 8
                %s
            }
            """;

    /** Rows from..to-1 of the table a,b,y. */
    private static String rows(int from, int to) {
        StringBuilder sb = new StringBuilder("a,b,y\n");
        for (int i = from; i < to; i++) sb.append(i % 7).append(',').append((i * 37) % 11 / 10.0).append(',').append(i % 5 + 0.1 * i).append('\n');
        return sb.toString();
    }

    private Path program(String name, String data, String extra) throws IOException {
        return Files.writeString(tmp.resolve(name), MODEL.formatted(data, extra));
    }

    private static CliRunner ok(String... args) {
        CliRunner r = CliRunner.run(args);
        assertEquals(0, r.status(), r.err());
        return r;
    }

    private static double[] figures(String line) {
        Matcher m = Pattern.compile("val_meanAbsoluteError: ([0-9.]+) - val_loss: ([0-9.]+)$").matcher(line);
        assertTrue(m.find(), line);
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    @Test
    void eachFoldIsAModelTrainedOnTheOtherPartsAndValidatedOnItsOwn() throws IOException {
        Files.writeString(tmp.resolve("t.csv"), rows(0, 42));
        Path f = program("k.dlm", "csv(\"t.csv\", target = \"y\")", "kFold = 4");
        CliRunner r = ok("train", f.toString(), "--json", tmp.resolve("r.json").toString());
        List<String> folds = r.out().lines().filter(l -> l.startsWith("Fold ")).toList();
        assertEquals(4, folds.size(), r.out());
        // 42 rows in 4 folds of 10: the 2 rows left over always train
        assertTrue(folds.get(0).startsWith("Fold 1/4: trained on 32, validated on 10 - val_meanAbsoluteError: "), folds.get(0));
        double[] sum = new double[2];
        for (String l : folds) {
            double[] v = figures(l);
            sum[0] += v[0] / 4;
            sum[1] += v[1] / 4;
        }
        String mean = r.out().lines().filter(l -> l.startsWith("4-fold validation, mean of the folds - val_")).findFirst().orElseThrow();
        assertEquals(sum[0], figures(mean)[0], 1e-4);
        assertEquals(sum[1], figures(mean)[1], 1e-4);
        String json = Files.readString(tmp.resolve("r.json"));
        assertTrue(json.contains(String.format(Locale.ROOT, "\"kfold_val_meanAbsoluteError\": %.4f", figures(mean)[0]).substring(0, 36)), json);
        assertTrue(json.contains("\"kfold_val_loss\": "), json);

        // fold 2 is a run on rows 0-9 and 20-41 validated on rows 10-19
        Files.writeString(tmp.resolve("train2.csv"), rows(0, 10) + rows(20, 42).substring("a,b,y\n".length()));
        Files.writeString(tmp.resolve("val2.csv"), rows(10, 20));
        CliRunner alone = ok("train", program("alone.dlm", "csv(\"train2.csv\", target = \"y\")", "validationData = csv(\"val2.csv\", target = \"y\")").toString());
        String last = alone.out().lines().filter(l -> l.startsWith("Epoch 3/3")).findFirst().orElseThrow();
        assertEquals(folds.get(1).substring(folds.get(1).indexOf(" - val_")), last.substring(last.indexOf(" - val_")));

        // the training on all the data that follows is the same as without kFold
        CliRunner plain = ok("train", program("plain.dlm", "csv(\"t.csv\", target = \"y\")", "").toString());
        assertEquals(epochs(plain.out()), epochs(r.out()));
    }

    private static List<String> epochs(String out) {
        return out.lines().filter(l -> l.startsWith("Epoch")).map(l -> l.replaceAll("[0-9.]+m?s(/step)?", "")).toList();
    }

    @Test
    void mistakesAreLocated() throws IOException {
        Files.writeString(tmp.resolve("t.csv"), rows(0, 6));
        Path f = program("k.dlm", "csv(\"t.csv\", target = \"y\")", "kFold = 8");
        CliRunner r = CliRunner.run("train", f.toString());
        assertEquals(1, r.status());
        assertEquals(f + ":14:13: error: kFold = 8 needs at least 8 training samples, one a fold; this data has 6", r.err().lines().findFirst().orElseThrow());
        f = program("k.dlm", "csv(\"t.csv\", target = \"y\")", "kFold = 1");
        r = CliRunner.run("train", f.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith(f + ":14:13: error: 'kFold' must be an Int from 2 to 2147483647"), r.err());
        f = program("k.dlm", "csv(\"t.csv\", target = \"y\")", "kFold = 2\n    validationSplit = 0.5");
        r = CliRunner.run("train", f.toString());
        assertEquals(1, r.status());
        assertEquals(f + ":14:5: error: kFold validates each fold's model on its held-out part: it cannot be combined with validationSplit; give one",
                r.err().lines().findFirst().orElseThrow());
        f = program("k.dlm", "csv(\"t.csv\", target = \"y\")", "kFold = 2");
        Path ck = tmp.resolve("c.npz");
        assertEquals(0, CliRunner.run("train", program("p.dlm", "csv(\"t.csv\", target = \"y\")", "").toString(), "--save", ck.toString()).status());
        r = CliRunner.run("train", f.toString(), "--resume", ck.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--resume continues a run, but kFold trains its folds from scratch"), r.err());
    }
}
