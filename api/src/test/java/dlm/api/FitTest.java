package dlm.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.cli.Dlmc;
import dlm.runtime.Tensor;
import dlm.runtime.io.Checkpoint;
import dlm.runtime.kernels.KernelPool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DlmModel#fit}: the weights of {@code dlmc train}, options that take effect, a listener told everything, typed errors for bad data. */
class FitTest {
    static final int ROWS = 256;

    /** The first n MNIST training images as byte[n][28][28]. */
    static byte[][][] trainImages(int n) {
        byte[] all = Mnist.data().trainImages().byteStorage();
        byte[][][] r = new byte[n][28][];
        for (int i = 0; i < n; i++) for (int y = 0; y < 28; y++) r[i][y] = Arrays.copyOfRange(all, (i * 28 + y) * 28, (i * 28 + y + 1) * 28);
        return r;
    }

    static int[] trainLabels(int n) {
        Tensor l = Mnist.data().trainLabels();
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = (int) l.getDouble(i);
        return r;
    }

    static Dataset rows(int n) { return Dataset.of(trainImages(n), trainLabels(n)); }

    static void dlmcTrain(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, new Dlmc(ps, ps).run(args), () -> "dlmc train failed:\n" + out);
    }

    static void assertSameWeights(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            Tensor e = expected.get(k), a = actual.get(k);
            assertEquals(e.dtype(), a.dtype(), k);
            assertArrayEquals(e.shape(), a.shape(), k);
            for (int i = 0; i < e.size(); i++)
                if (Double.doubleToRawLongBits(e.getDouble(i)) != Double.doubleToRawLongBits(a.getDouble(i)))
                    throw new AssertionError(k + "[" + i + "]: dlmc train " + e.getDouble(i) + ", fit " + a.getDouble(i));
        }
    }

    @Test
    void fitGivesTheWeightsOfDlmcTrainBitForBit(@TempDir Path dir) throws Exception {
        Path w = dir.resolve("cli.npz");
        dlmcTrain("train", Mnist.dlm().toString(), "--limit", Integer.toString(ROWS), "--epochs", "2", "--batch-size", "48", "--seed", "5",
                "--save", w.toString(), "--data", Mnist.dataDir().toString(), "--threads", "2");
        Path ckpt = dir.resolve("api.npz");
        FitResult r = DlmModel.load(Mnist.dlm()).fit(rows(ROWS), FitOptions.defaults().epochs(2).batchSize(48).seed(5).threads(1).checkpoint(ckpt));
        Checkpoint cli = Checkpoint.load(w);
        assertSameWeights(cli.params(), r.model().weightsCopy());
        // the per-epoch checkpoint is dlmc's, optimizer state and step included
        Checkpoint api = Checkpoint.load(ckpt);
        assertSameWeights(cli.params(), api.params());
        assertSameWeights(cli.optimizerState(), api.optimizerState());
        assertEquals(cli.metadata().get(Checkpoint.STEP), api.metadata().get(Checkpoint.STEP));
        assertEquals("12", api.metadata().get(Checkpoint.STEP)); // 2 epochs of ceil(256 / 48) = 6 steps
        // saved weights load back and predict as the trained model does
        Path saved = dir.resolve("saved.npz");
        r.model().save(saved);
        byte[][][] some = trainImages(5);
        try (Predictor a = r.model().predictor(); Predictor b = DlmModel.load(Mnist.dlm(), saved).predictor()) {
            assertArrayEquals(a.predict(some), b.predict(some));
        }
    }

    @Test
    void aModelWithWeightsContinuesFromThem() throws Exception {
        DlmModel trained = DlmModel.load(Mnist.dlm(), Mnist.weights());
        FitResult r = trained.fit(rows(64), FitOptions.defaults().epochs(1).batchSize(64));
        Map<String, Tensor> before = trained.weightsCopy(), after = r.model().weightsCopy();
        // one Adam step moves every weight by at most about the learning rate (1e-3) from where it was
        for (String k : before.keySet()) {
            float[] b = before.get(k).f32Storage(), a = after.get(k).f32Storage();
            double most = 0;
            for (int i = 0; i < b.length; i++) most = Math.max(most, Math.abs(a[i] - b[i]));
            assertTrue(most > 0 && most < 2e-3, k + " moved by " + most);
        }
        assertSameWeights(before, DlmModel.load(Mnist.dlm(), Mnist.weights()).weightsCopy()); // the fitted model is unchanged
    }

    /** Records what a listener is told. */
    static final class Recorder implements FitListener {
        final List<Epoch> epochs = new ArrayList<>();
        final List<String> steps = new ArrayList<>();
        final List<Integer> threads = new ArrayList<>();

        @Override
        public void epochEnded(Epoch e) { epochs.add(e); }

        @Override
        public void stepEnded(int epoch, int step, int steps, Map<String, Double> means) {
            this.steps.add(epoch + ":" + step + "/" + steps);
            threads.add(KernelPool.parallelism());
            assertEquals(List.of("loss", "accuracy"), List.copyOf(means.keySet()));
        }
    }

    @Test
    void theListenerHearsEveryEpochWithValidationFigures(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mnist_val.dlm");
        Files.writeString(f, Files.readString(Mnist.dlm()).replace("batchSize = 128", "batchSize = 128\n    validationSplit = 0.25"));
        Recorder rec = new Recorder();
        FitResult r = DlmModel.load(f).fit(rows(ROWS).withTest(trainImages(40), trainLabels(40)),
                FitOptions.defaults().epochs(3).batchSize(64).listener(rec));
        assertEquals(3, rec.epochs.size());
        assertEquals(rec.epochs, r.history());
        for (int e = 0; e < 3; e++) {
            FitListener.Epoch ep = rec.epochs.get(e);
            assertEquals(e + 1, ep.epoch());
            assertEquals(List.of("accuracy"), List.copyOf(ep.metrics().keySet()));
            assertEquals(List.of("val_loss", "val_accuracy"), List.copyOf(ep.validation().keySet()));
            assertTrue(Double.isFinite(ep.loss()) && ep.metrics().get("accuracy") >= 0 && ep.validation().get("val_accuracy") <= 1, ep.toString());
        }
        assertTrue(rec.epochs.get(2).loss() < rec.epochs.get(0).loss(), rec.epochs.toString());
        // 192 of 256 rows train (validationSplit 0.25): 3 steps of 64 per epoch
        assertEquals(List.of("1:1/3", "1:2/3", "1:3/3", "2:1/3", "2:2/3", "2:3/3", "3:1/3", "3:2/3", "3:3/3"), rec.steps);
        assertEquals(List.of("loss", "accuracy"), List.copyOf(r.test().keySet()));
    }

    @Test
    void everyOptionTakesEffect() throws Exception {
        DlmModel m = DlmModel.load(Mnist.dlm());
        Recorder base = new Recorder(), batch = new Recorder(), limit = new Recorder(), threads = new Recorder();
        FitOptions o = FitOptions.defaults().epochs(1).batchSize(64).seed(1);
        FitResult r0 = m.fit(rows(128), o.listener(base));
        assertEquals(List.of("1:1/2", "1:2/2"), base.steps);
        assertEquals(2, m.fit(rows(128), o.epochs(2)).history().size());
        m.fit(rows(128), o.batchSize(32).listener(batch));
        assertEquals(4, batch.steps.size());
        m.fit(rows(128), o.limit(64).listener(limit));
        assertEquals(List.of("1:1/1"), limit.steps);
        int before = KernelPool.parallelism();
        FitResult r1 = m.fit(rows(128), o.threads(1).listener(threads));
        assertEquals(List.of(1, 1), threads.threads);
        assertEquals(before, KernelPool.parallelism()); // restored
        assertSameWeights(r0.model().weightsCopy(), r1.model().weightsCopy()); // whatever the thread count
        Map<String, Tensor> otherSeed = m.fit(rows(128), o.seed(2)).model().weightsCopy();
        assertNotEquals(Arrays.toString(r0.model().weightsCopy().get("hidden.W").f32Storage()), Arrays.toString(otherSeed.get("hidden.W").f32Storage()));
        // without an epochs option, the train block's 5
        assertEquals(5, m.fit(rows(64), FitOptions.defaults().batchSize(64)).history().size());
        assertThrows(IllegalArgumentException.class, () -> FitOptions.defaults().epochs(0));
        assertThrows(IllegalArgumentException.class, () -> FitOptions.defaults().threads(KernelPool.MAX_THREADS + 1));
    }

    @Test
    void dataThatDoesNotFitTheModelIsAnInputException() throws Exception {
        DlmModel m = DlmModel.load(Mnist.dlm());
        FitOptions o = FitOptions.defaults().epochs(1);
        var e = assertThrows(InputException.class, () -> m.fit(Dataset.of(new byte[4][27][28], new int[4]), o));
        assertEquals("the inputs are u8[4, 27, 28], but input 'images' of model Mnist takes u8[batch, 28, 28] (rows first)", e.getMessage());
        e = assertThrows(InputException.class, () -> m.fit(Dataset.of(new float[4][784], new int[4]), o));
        assertEquals("the inputs are f32[4, 784], but input 'images' of model Mnist takes u8[batch, 28, 28] (rows first)", e.getMessage());
        e = assertThrows(InputException.class, () -> m.fit(Dataset.of(new byte[4][28][28], new int[3]), o));
        assertEquals("the data has 4 input rows but 3 labels", e.getMessage());
        e = assertThrows(InputException.class, () -> m.fit(Dataset.of(new byte[4][28][28], new int[] {0, 1, 10, 2}), o));
        assertEquals("label 10 (row 2) is not a class of model Mnist: labels must be 0 to 9", e.getMessage());
        e = assertThrows(InputException.class, () -> m.fit(Dataset.of(new byte[4][28][28], new int[] {0, -1, 1, 2}), o));
        assertEquals("label -1 (row 1) is not a class of model Mnist: labels must be 0 to 9", e.getMessage());
        e = assertThrows(InputException.class, () -> m.fit(Dataset.of(new byte[4][28][28], new int[4]).withTest(new byte[2][28][28], new int[] {0, 12}), o));
        assertEquals("test label 12 (row 1) is not a class of model Mnist: labels must be 0 to 9", e.getMessage());
        e = assertThrows(InputException.class, () -> m.fit(Dataset.of(new float[4][784], new float[4][10]), o));
        assertTrue(e.getMessage().startsWith("the inputs are f32[4, 784]"), e.getMessage());
        e = assertThrows(InputException.class, () -> m.fit(Dataset.of(new byte[0][28][28], new int[0]), o));
        assertEquals("the inputs are u8[0, 0, 0], but input 'images' of model Mnist takes u8[batch, 28, 28] (rows first)", e.getMessage());
        byte[][][] ragged = new byte[3][28][28];
        ragged[2][5] = new byte[27];
        e = assertThrows(InputException.class, () -> Dataset.of(ragged, new int[3]));
        assertEquals("row 5 of image 2 has 27 pixels; image 0's rows have 28", e.getMessage());
        float[][] raggedRows = {new float[3], new float[2]};
        e = assertThrows(InputException.class, () -> Dataset.of(raggedRows, new int[2]));
        assertEquals("row 1 has 2 values; row 0 has 3", e.getMessage());
        assertThrows(IllegalStateException.class, m::predictor);
        assertFalse(m.hasWeights());
    }
}
