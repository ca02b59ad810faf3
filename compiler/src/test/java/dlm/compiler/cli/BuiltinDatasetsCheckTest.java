package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlmc check} of small models trained on the built-in cifar10() and bostonHousing() (checking loads no data). */
class BuiltinDatasetsCheckTest {

    @TempDir
    Path tmp;

    private static final String CONVNET = """
            import std.nn.*

            model Cifar(images: u8[batch, 32, 32, 3]) {
                val x = images.toF32() / 255f
                val conv = conv2d(x, filters = 8, kernelSize = 3, activation = ::relu)
                val pool = maxPooling2d(conv, poolSize = 2)
                return dense(flatten(pool), units = 10, activation = ::softmax)
            }

            train(Cifar) {
                data = cifar10()
                loss = ::sparseCategoricalCrossentropy
                optimizer = adam()
                metrics = [::accuracy]
                %s
            }
            """;

    private static final String HOUSING = """
            import std.nn.*

            model Housing(x: f32[batch, 13]) {
                val hidden = dense(normalization(x), units = 64, activation = ::relu)
                return dense(hidden, units = 1)
            }

            train(Housing) {
                data = bostonHousing()
                loss = ::meanSquaredError
                optimizer = rmsprop(learningRate = 1e-3)
                metrics = [::meanAbsoluteError]
                %s
            }
            """;

    private Path file(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void aConvnetOnCifar10Checks() throws IOException {
        Path f = file("cifar.dlm", CONVNET.formatted("validationData = cifar10(split = \"test\")"));
        CliRunner r = CliRunner.run("check", f.toString());
        assertEquals(0, r.status(), r.err());
        // conv 3·3·3·8 + 8 = 224, dense 15·15·8·10 + 10 = 18,010
        assertTrue(r.out().contains("18,234"), r.out());
    }

    @Test
    void aRegressionOnBostonHousingChecks() throws IOException {
        Path f = file("housing.dlm", HOUSING.formatted("validationData = bostonHousing(split = \"test\")"));
        CliRunner r = CliRunner.run("check", f.toString());
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void aModelThatDoesNotTakeTheDatasetsBatchesIsALocatedError() throws IOException {
        Path f = file("gray.dlm", CONVNET.replace("u8[batch, 32, 32, 3]", "u8[batch, 32, 32]").replace("images.toF32()", "images.reshape(batch, 32, 32, 1).toF32()")
                .formatted(""));
        CliRunner r = CliRunner.run("check", f.toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().startsWith(f + ":11:12: error: cifar10() gives batches of u8[batch, 32, 32, 3] images, but model Cifar takes [images: u8[batch, 32, 32]]"), r.err());
        assertTrue(r.err().contains("^"), r.err());

        f = file("classes.dlm", HOUSING.formatted("").replace("::meanSquaredError", "::sparseCategoricalCrossentropy"));
        r = CliRunner.run("check", f.toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().startsWith(f + ":"), r.err());
    }

    @Test
    void validationDataMustBeTheSameDataset() throws IOException {
        Path f = file("mixed.dlm", HOUSING.formatted("validationData = cifar10(split = \"test\")"));
        CliRunner r = CliRunner.run("check", f.toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().startsWith(f + ":13:22: error: cifar10() gives batches of u8[batch, 32, 32, 3] images, but model Housing takes [x: f32[batch, 13]]"), r.err());
    }
}
