package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dlmc train with sample weights from a CSV column: weights of 1 train exactly as no weights,
 * other weights change the training loss (the setting takes effect), the interpreter and the
 * compiled step agree, validationSplit cuts the weights with the rows, and a negative weight stops
 * training with a located error in the data file.
 */
class SampleWeightCliTest {
    @TempDir
    Path tmp;

    private static final String MODEL = """
            import std.nn.*
            model Reg(x: f32[batch, 2]) {
                val hidden = dense(x, units = 8, activation = ::relu)
                return dense(hidden, units = 1)
            }
            train(Reg) {
                data = %s
                loss = ::meanSquaredError
                optimizer = adam(learningRate = 1e-2)
                metrics = [::meanAbsoluteError]
                epochs = 2
                batchSize = 8
                %s
            }
            """;

    /** A table a,b,w,y of 40 rows whose weights are {@code weight(i)}. */
    private Path program(String data, String extra, java.util.function.IntFunction<String> weight) throws IOException {
        StringBuilder sb = new StringBuilder("a,b,w,y\n");
        for (int i = 0; i < 40; i++) sb.append(i % 7).append(',').append((i * 37) % 11 / 10.0).append(',').append(weight.apply(i)).append(',').append(i % 5 + 0.1 * i).append('\n');
        Files.writeString(tmp.resolve("t.csv"), sb.toString());
        return Files.writeString(tmp.resolve("m.dlm"), MODEL.formatted(data, extra));
    }

    private String train(Path f, String... more) {
        String[] args = new String[2 + more.length];
        args[0] = "train";
        args[1] = f.toString();
        System.arraycopy(more, 0, args, 2, more.length);
        CliRunner r = CliRunner.run(args);
        assertEquals(0, r.status(), r.err());
        // the epoch lines without their timings
        return r.out().lines().filter(l -> l.startsWith("Epoch")).map(l -> l.replaceAll("[0-9.]+m?s(/step)?", "")).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void weightsOfOneTrainAsNoWeightsAndOtherWeightsChangeTraining() throws IOException {
        String weighted = "csv(\"t.csv\", target = \"y\", sampleWeight = \"w\")", plain = "csv(\"t.csv\", target = \"y\", features = [\"a\", \"b\"])";
        String ones = train(program(weighted, "", i -> "1"));
        assertEquals(train(program(plain, "", i -> "1")), ones);
        String varied = train(program(weighted, "", i -> Double.toString(i % 3 * 0.75)));
        assertNotEquals(ones, varied);
        assertEquals(varied, train(program(weighted, "", i -> Double.toString(i % 3 * 0.75)), "--backend", "interp").replace("interp", ""));
        // validationSplit holds out the last rows with their weights; validation is unweighted
        String split = train(program(weighted, "validationSplit = 0.25", i -> Double.toString(i % 3 * 0.75)));
        assertFalse(split.isEmpty());
        // with classWeight the weights multiply: a classification on the same table
        Files.writeString(tmp.resolve("c.dlm"), """
                import std.nn.*
                model C(x: f32[batch, 2]) { return dense(x, units = 3, activation = ::softmax) }
                train(C) {
                    data = csv("t.csv", target = "y", sampleWeight = "w")
                    loss = ::sparseCategoricalCrossentropy
                    optimizer = sgd()
                    metrics = [::accuracy]
                    classWeight = [1, 2, 3]
                }
                """);
        StringBuilder sb = new StringBuilder("a,b,w,y\n");
        for (int i = 0; i < 40; i++) sb.append(i % 7).append(',').append(i % 4).append(',').append(i % 2).append(',').append(i % 3).append('\n');
        Files.writeString(tmp.resolve("t.csv"), sb.toString());
        String jit = train(tmp.resolve("c.dlm"));
        assertEquals(jit, train(tmp.resolve("c.dlm"), "--backend", "interp"));
    }

    @Test
    void aNegativeWeightStopsTrainingAtItsCell() throws IOException {
        Path f = program("csv(\"t.csv\", target = \"y\", sampleWeight = \"w\")", "", i -> i == 3 ? "-1.5" : "1");
        CliRunner r = CliRunner.run("train", f.toString());
        assertEquals(1, r.status());
        assertEquals(tmp.resolve("t.csv") + ":5:7: error: sample weight -1.5 in column \"w\" is negative; each sample's weight must be 0 or more\n3,0.1,-1.5,3.3\n      ^~~~\n", r.err());
    }
}
