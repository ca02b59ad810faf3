package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example checks; those with values run; the chapter's figures come out. */
class ExamplesTest {

    static List<Path> examples() throws IOException {
        try (Stream<Path> s = Files.list(TestFiles.examples())) {
            return s.filter(p -> p.toString().endsWith(".dlm")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleChecks(Path file) {
        CliRunner r = CliRunner.run("check", file.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains(": ok"), r.out());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleRunsOrHasNothingToRun(Path file) {
        CliRunner r = CliRunner.run("run", file.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
    }

    @Test
    void examplesFolderHasTheChaptersPrograms() throws IOException {
        List<String> names = examples().stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.containsAll(List.of("mnist.dlm", "figure_2_22.dlm", "tensors.dlm", "mnist_from_scratch.dlm", "fashion_mnist.dlm", "mnist_convnet.dlm", "fashion_mnist_regularized.dlm")), names.toString());
    }

    @Test
    void mnistSummaryHas407050Params() {
        CliRunner r = CliRunner.run("check", TestFiles.example("mnist.dlm").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("Total params: 407,050 (1.55 MB)"), r.out());
        assertTrue(r.out().contains("│ hidden.W │ f32   │ (784, 512) │ 401,408 │"), r.out());
        assertTrue(r.out().contains("│ hidden.b │ f32   │ (512,)     │     512 │"), r.out());
        assertTrue(r.out().contains("│ output.W │ f32   │ (512, 10)  │   5,120 │"), r.out());
        assertTrue(r.out().contains("│ output.b │ f32   │ (10,)      │      10 │"), r.out());
        assertTrue(r.out().contains("input  images: u8[batch, 28, 28]"), r.out());
        assertTrue(r.out().contains("output f32[batch, 10]"), r.out());
    }

    @Test
    void convnetSummaryHas104202Params() {
        CliRunner r = CliRunner.run("check", TestFiles.example("mnist_convnet.dlm").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("Total params: 104,202 (407.04 KB)"), r.out());
        assertTrue(r.out().contains("│ conv1.W  │ f32   │ (3, 3, 1, 32)   │    288 │"), r.out());
        assertTrue(r.out().contains("│ conv3.W  │ f32   │ (3, 3, 64, 128) │ 73,728 │"), r.out());
        assertTrue(r.out().contains("│ output.W │ f32   │ (1152, 10)      │ 11,520 │"), r.out());
        assertTrue(r.out().contains("optimizer = rmsprop(learningRate = 0.001, rho = 0.9, momentum = 0.0, epsilon = 1e-07)"), r.out());
        assertTrue(r.out().contains("epochs = 5, batchSize = 64"), r.out());
    }

    @Test
    void fromScratchModelHasTheSameParamCount() {
        CliRunner r = CliRunner.run("check", TestFiles.example("mnist_from_scratch.dlm").toString());
        assertTrue(r.out().contains("Total params: 407,050"), r.out());
    }

    @Test
    void figure222EvaluatesTheChaptersLoss() {
        CliRunner r = CliRunner.run("run", TestFiles.example("figure_2_22.dlm").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("Figure.loss = array(3.)\n", r.out());
    }

    @Test
    void tensorsPrintsTheChaptersResults() {
        CliRunner r = CliRunner.run("run", TestFiles.example("tensors.dlm").toString());
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        String out = r.out();
        assertEquals("array(12)", lines.get(0));
        assertEquals("0", lines.get(1));
        assertEquals("array([12,  3,  6, 14,  7])", lines.get(2));
        assertEquals("1", lines.get(3));
        assertEquals("2", lines.get(4));
        assertEquals("(3, 5)", lines.get(5));
        assertEquals("3", lines.get(6));
        assertEquals("(3, 3, 5)", lines.get(7));
        assertTrue(out.contains("3\n(60000, 28, 28)\nu8\n"), out);
        assertTrue(out.contains("(90, 28, 28)\n(90, 28, 28)\n(90, 28, 28)\n(60000, 14, 14)\n(60000, 14, 14)\n"), out);
        assertTrue(out.contains("array([ 6, 79,  3, 35,  1])\narray([5, 6, 7])\n"), out);
        assertTrue(out.contains("(128, 28, 28) (128, 28, 28) (128, 28, 28)\n"), out);
        assertTrue(out.contains("(20, 100)\n(1, 10) (32, 10)\narray(0.)\n(64, 3, 32, 10)\n"), out);
        assertTrue(out.contains("()\narray([[19, 22],\n       [43, 50]])\n"), out);
        assertTrue(out.contains("(64, 3, 32)\n(64, 3, 32, 5)\n"), out);
        assertTrue(out.contains("(3, 2)\narray([[0.],\n       [1.],\n       [2.],\n       [3.],\n       [4.],\n       [5.]])\narray([[0., 1., 2.],\n       [3., 4., 5.]])\n(20, 300)\n"), out);
        assertTrue(out.contains("array([1.5 , 1.25])\n"), out);
        assertTrue(out.contains("array([1. , 0.5])\n"), out);
        assertFalse(out.contains("Exception"), out);
    }
}
