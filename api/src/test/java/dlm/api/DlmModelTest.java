package dlm.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DlmModelTest {

    @Test
    void describesInputsAndOutputsWithSymbolicDims() throws Exception {
        DlmModel m = DlmModel.load(Mnist.dlm(), Mnist.weights());
        assertEquals("Mnist", m.name());
        assertEquals(List.of(new TensorInfo("images", "u8", List.of("batch", "28", "28"))), m.inputs());
        assertEquals(List.of(new TensorInfo("output", "f32", List.of("batch", "10"))), m.outputs());
        assertEquals("images: u8[batch, 28, 28]", m.inputs().get(0).toString());
        assertTrue(m.inputs().get(0).isSymbolic(0));
        assertFalse(m.inputs().get(0).isSymbolic(1));
    }

    @Test
    void predictsTheBitsDlmcPredictsAtEveryBatchSizeAndCompilesEachOnce() throws Exception {
        DlmModel m = DlmModel.load(Mnist.dlm(), Mnist.weights());
        try (Predictor p = m.predictor()) {
            for (int n : new int[] {1, 3, 128, 200, 3}) {
                Tensor images = Mnist.testImages(17, n);
                Tensor got = p.predict(images);
                assertArrayEquals(new int[] {n, 10}, got.shape());
                assertArrayEquals(Mnist.dlmcPredict(images).f32Storage(), got.f32Storage(), "batch " + n);
                // each row is a probability distribution
                for (int i = 0; i < n; i++) {
                    double s = 0;
                    for (int k = 0; k < 10; k++) s += got.f32Storage()[i * 10 + k];
                    assertEquals(1.0, s, 1e-5);
                }
            }
            assertEquals(Set.of(1, 3, 128, 200), m.compiledBatchSizes());
        }
    }

    @Test
    void classifiesMostTestImagesRightAfterTraining() throws Exception {
        DlmModel m = DlmModel.load(Mnist.dlm(), Mnist.weights());
        try (Predictor p = m.predictor()) {
            float[][] probs = p.predict(Mnist.testImageArrays(0, 500));
            int right = 0;
            for (int i = 0; i < 500; i++) {
                int best = 0;
                for (int k = 1; k < 10; k++) if (probs[i][k] > probs[i][best]) best = k;
                if (best == Mnist.data().testLabels().getLong(i)) right++;
            }
            // one epoch on 512 images: far above chance (10%)
            assertTrue(right > 300, "right: " + right);
        }
    }

    @Test
    void byteArrayOverloadEqualsTheTensorOne() throws Exception {
        DlmModel m = DlmModel.load(Mnist.dlm(), Mnist.weights());
        try (Predictor p = m.predictor()) {
            float[][] rows = p.predict(Mnist.testImageArrays(40, 7));
            float[] flat = p.predict(Mnist.testImages(40, 7)).f32Storage();
            assertEquals(7, rows.length);
            for (int i = 0; i < 7; i++) assertArrayEquals(java.util.Arrays.copyOfRange(flat, i * 10, i * 10 + 10), rows[i]);
        }
    }

    @Test
    void anEmptyBatchGivesNoRows() throws Exception {
        DlmModel m = DlmModel.load(Mnist.dlm(), Mnist.weights());
        try (Predictor p = m.predictor()) {
            assertArrayEquals(new int[] {0, 10}, p.predict(Tensor.zeros(DType.U8, 0, 28, 28)).shape());
            assertEquals(0, p.predict(new byte[0][][]).length);
            assertEquals(Set.of(), m.compiledBatchSizes());
        }
    }

    @Test
    void refusesBatchesThatDoNotFitTheInput() throws Exception {
        DlmModel m = DlmModel.load(Mnist.dlm(), Mnist.weights());
        try (Predictor p = m.predictor()) {
            var e = assertThrows(InputException.class, () -> p.predict(Tensor.zeros(DType.U8, 2, 28, 27)));
            assertEquals("input 'images' of model Mnist expects u8[batch, 28, 28], got u8[2, 28, 27]", e.getMessage());
            e = assertThrows(InputException.class, () -> p.predict(Tensor.zeros(DType.F32, 2, 28, 28)));
            assertEquals("input 'images' of model Mnist expects u8[batch, 28, 28], got f32[2, 28, 28]", e.getMessage());
            e = assertThrows(InputException.class, () -> p.predict(Tensor.zeros(DType.U8, 2, 784)));
            assertEquals("input 'images' of model Mnist expects u8[batch, 28, 28], got u8[2, 784]", e.getMessage());
            e = assertThrows(InputException.class, () -> p.predict(new float[2][784]));
            assertEquals("predict(float[][]) needs a model whose input is f32[batch, n]; images: u8[batch, 28, 28] (use predict(Tensor))", e.getMessage());
            byte[][][] ragged = Mnist.testImageArrays(0, 3);
            ragged[2][5] = new byte[27];
            e = assertThrows(InputException.class, () -> p.predict(ragged));
            assertEquals("row 5 of image 2 has 27 pixels; the model takes 28x28 images", e.getMessage());
            e = assertThrows(InputException.class, () -> p.predict(new byte[][][] {new byte[27][28]}));
            assertEquals("image 0 has 27 rows; the model takes 28x28 images", e.getMessage());
        }
    }

    @Test
    void aClosedPredictorRefusesCalls() throws Exception {
        Predictor p = DlmModel.load(Mnist.dlm(), Mnist.weights()).predictor();
        p.predict(Mnist.testImages(0, 2));
        p.close();
        var e = assertThrows(IllegalStateException.class, () -> p.predict(Mnist.testImages(0, 2)));
        assertEquals("this predictor is closed", e.getMessage());
    }

    @Test
    void loadsFromClassPathResources(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("models"));
        Files.copy(Mnist.dlm(), dir.resolve("models/mnist.dlm"));
        Files.copy(Mnist.weights(), dir.resolve("models/mnist.npz"));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            DlmModel m = DlmModel.load(loader, "models/mnist.dlm", "models/mnist.npz");
            Tensor images = Mnist.testImages(3, 5);
            try (Predictor p = m.predictor()) {
                assertArrayEquals(Mnist.dlmcPredict(images).f32Storage(), p.predict(images).f32Storage());
            }
            var e = assertThrows(NoSuchFileException.class, () -> DlmModel.load(loader, "models/none.dlm", "models/mnist.npz"));
            assertEquals("models/none.dlm: no such resource", e.getMessage());
        }
    }

    @Test
    void aMissingFileIsNoSuchFile(@TempDir Path dir) {
        assertThrows(NoSuchFileException.class, () -> DlmModel.load(dir.resolve("none.dlm"), Mnist.weights()));
        assertThrows(NoSuchFileException.class, () -> DlmModel.load(Mnist.dlm(), dir.resolve("none.npz")));
    }
}
