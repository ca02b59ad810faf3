package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Value;
import dlm.compiler.data.DataSource;
import dlm.compiler.data.DataSources;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.data.DatasetOptions;
import dlm.runtime.data.Datasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dlmc show --folder writes MNIST images as an image folder that imageFolder() reads back pixel for
 * pixel; examples/mnist_folder.dlm trains a few steps on such a folder; a damaged image stops
 * training with a located error and exit status 1.
 */
class ImageFolderCliTest {
    @TempDir
    Path tmp;

    /** The example beside a folder of the first n MNIST test images, as scripts/make-mnist-folder.sh makes it. */
    private Path exampleWithFolder(int n) throws IOException {
        CliRunner r = CliRunner.run("show", "mnist", "--split", "test", "--count", Integer.toString(n), "--folder", tmp.resolve("data/mnist_folder").toString(),
                "--data", TestFiles.dataDir().toString());
        assertEquals(0, r.status(), r.err());
        return Files.copy(TestFiles.example("mnist_folder.dlm"), tmp.resolve("mnist_folder.dlm"));
    }

    @Test
    void showFolderRoundTripsThroughImageFolder() throws IOException {
        Path f = exampleWithFolder(50);
        try (Stream<Path> s = Files.walk(tmp.resolve("data/mnist_folder"))) {
            assertEquals(50, s.filter(p -> p.toString().endsWith(".png")).count());
        }
        // the folder's images, in imageFolder's order (by label, then by index), are MNIST's own pixels
        Dataset mnist = Datasets.load("mnist", DatasetOptions.defaults().withDataDir(TestFiles.dataDir()));
        Integer[] order = new Integer[50];
        for (int i = 0; i < 50; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Long.compare(mnist.testLabels().getLong(a), mnist.testLabels().getLong(b)));
        CheckedProgram p = Frontend.load(f);
        var source = (DataSource) ((Value.ConfigV) p.trains().get(0).settings().get("data")).args().get("source");
        Dataset d = DataSources.load(((DataSource.Split) source).data(), TrainGraph.build(p, p.trains().get(0)).feed());
        byte[] all = (byte[]) mnist.testImages().storage(), got = (byte[]) d.trainImages().storage();
        // the first 50 test digits have no 8: the classes are the 9 folders 0 … 7, 9, and folder 9 is class 8 (as in Keras)
        List<Long> digits = Arrays.stream(order).map(i -> mnist.testLabels().getLong(i)).distinct().sorted().toList();
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 9L), digits);
        for (int i = 0; i < 50; i++) {
            assertArrayEquals(Arrays.copyOfRange(all, order[i] * 784, order[i] * 784 + 784), Arrays.copyOfRange(got, i * 784, i * 784 + 784), "image " + i);
            assertEquals(digits.indexOf(mnist.testLabels().getLong(order[i])), d.trainLabels().getLong(i));
        }
    }

    @Test
    void theExampleTrainsAFewSteps() throws IOException {
        Path f = exampleWithFolder(100);
        CliRunner r = CliRunner.run("train", f.toString(), "--epochs", "2");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("Found 100 files belonging to 10 classes: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9"), r.out());
        assertTrue(lines.get(lines.size() - 2).startsWith("Epoch 2/2"), r.out());
        assertTrue(lines.get(lines.size() - 1).startsWith("test_loss: "), r.out());
    }

    @Test
    void aDamagedImageIsALocatedErrorWithoutATrace() throws IOException {
        Path f = exampleWithFolder(10);
        Path bad = tmp.resolve("data/mnist_folder/7/broken.png");
        Files.createDirectories(bad.getParent());
        Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'});
        CliRunner r = CliRunner.run("train", f.toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().startsWith(f + ":17:18: error: " + bad + " is "), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    @Test
    void showFolderUsageErrors() throws IOException {
        String data = TestFiles.dataDir().toString();
        assertEquals(2, CliRunner.run("show", "mnist", "--count", "3", "--data", data).status());
        Files.writeString(tmp.resolve("file"), "x");
        CliRunner r = CliRunner.run("show", "mnist", "--folder", tmp.resolve("file").toString(), "--data", data);
        assertEquals(2, r.status());
        assertTrue(r.err().contains("is an existing file, not a folder"), r.err());
        CliRunner past = CliRunner.run("show", "mnist", "--split", "test", "--index", "9999", "--count", "2", "--folder", tmp.resolve("f").toString(), "--data", data);
        assertEquals(2, past.status());
        assertTrue(past.err().contains("--index 9999 --count 2 goes past the 10000 images of the test split"), past.err());
        // an existing file of another kind where an image goes is not replaced
        Files.createDirectories(tmp.resolve("g/7"));
        Files.writeString(tmp.resolve("g/7/test-00000.png"), "mine");
        CliRunner keep = CliRunner.run("show", "mnist", "--split", "test", "--folder", tmp.resolve("g").toString(), "--data", data);
        assertEquals(2, keep.status());
        assertEquals("mine", Files.readString(tmp.resolve("g/7/test-00000.png")));
    }
}
