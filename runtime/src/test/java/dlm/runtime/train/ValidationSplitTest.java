package dlm.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keras's validation split (the last fraction, before shuffling) and its per-epoch evaluation. */
class ValidationSplitTest {

    @Test
    void trainRowsAreKerasFloorOfNTimesOneMinusTheFraction() {
        assertEquals(54000, ValidationSplit.trainRows(60000, 0.1));
        assertEquals(48000, ValidationSplit.trainRows(60000, 0.2));
        assertEquals(9, ValidationSplit.trainRows(10, 0.1));
        assertEquals(4, ValidationSplit.trainRows(5, 0.1));   // floor(4.5)
        assertEquals(8, ValidationSplit.trainRows(9, 0.1));   // floor(8.1)
        assertEquals(1, ValidationSplit.trainRows(2, 0.5));
        assertEquals(1, ValidationSplit.trainRows(3, 0.5));   // floor(1.5)
        assertEquals(1, ValidationSplit.trainRows(2, 0.01)); // floor(1.98)
    }

    @Test
    void splitsThatLeaveAnEmptyPartAreRefused() {
        assertEquals("the training data has 1 sample, too few to hold out a validation split of 0.5: it would leave no training sample; give more data or another split",
                assertThrows(IllegalArgumentException.class, () -> ValidationSplit.trainRows(1, 0.5)).getMessage());
        // 1 − 1e-17 rounds to 1: nothing would be held out
        assertEquals("the training data has 5 samples, too few to hold out a validation split of 1.0E-17: it would leave no validation sample; give more data or another split",
                assertThrows(IllegalArgumentException.class, () -> ValidationSplit.trainRows(5, 1e-17)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ValidationSplit.trainRows(3, 0.9)); // floor(0.3) = 0
        assertThrows(IllegalArgumentException.class, () -> ValidationSplit.trainRows(0, 0.5));
        for (double f : new double[] {0, 1, -0.1, 1.5, Double.NaN})
            assertThrows(IllegalArgumentException.class, () -> ValidationSplit.trainRows(100, f), "fraction " + f);
    }

    @Test
    void theValidationRowsAreTheLastOnesInOrder() {
        Tensor images = Tensor.zeros(DType.U8, 5, 2, 2), labels = Tensor.zeros(DType.U8, 5);
        for (int i = 0; i < images.size(); i++) images.setLong(i, i);
        for (int i = 0; i < 5; i++) labels.setLong(i, 10 + i);
        ValidationSplit s = ValidationSplit.of(images, labels, 0.4);
        assertArrayEquals(new int[] {3, 2, 2}, s.trainImages().shape());
        assertArrayEquals(new int[] {2, 2, 2}, s.valImages().shape());
        assertArrayEquals(new double[] {10, 11, 12}, s.trainLabels().toDoubles());
        assertArrayEquals(new double[] {13, 14}, s.valLabels().toDoubles());
        assertArrayEquals(new double[] {12, 13, 14, 15, 16, 17, 18, 19}, s.valImages().toDoubles());
        assertEquals(11, s.trainImages().getLong(11));
    }

    /** A fake model: its "loss" is the mean label of the batch, its metric the mean first pixel; training counts steps. */
    static final class Fake implements Trainable {
        final List<Integer> trainBatches = new ArrayList<>();

        public List<String> metricNames() { return List.of("accuracy"); }

        public double[] trainStep(Tensor images, Tensor labels) {
            trainBatches.add(labels.size());
            return evalStep(images, labels);
        }

        public double[] evalStep(Tensor images, Tensor labels) {
            double l = 0, p = 0;
            int row = images.size() / images.dim(0);
            for (int i = 0; i < labels.size(); i++) {
                l += labels.getDouble(i);
                p += images.getDouble(i * row);
            }
            return new double[] {l / labels.size(), p / labels.size()};
        }

        public Tensor predict(Tensor images) { return images; }
    }

    @Test
    void fitEvaluatesTheValidationSetAfterEveryEpochAndShowsIt() {
        Tensor images = Tensor.zeros(DType.F32, 10, 1), labels = Tensor.zeros(DType.F32, 10);
        for (int i = 0; i < 10; i++) {
            images.setDouble(i, 100 + i);
            labels.setDouble(i, i);
        }
        ValidationSplit s = ValidationSplit.of(images, labels, 0.3);
        Fake f = new Fake();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        List<EpochResult> h = TrainLoop.fit(f, s.trainImages(), s.trainLabels(), s.valImages(), s.valLabels(), 2, 4, 1, 1, bar, null);
        assertEquals(List.of(4, 3, 4, 3), f.trainBatches, "7 training rows in batches of 4, two epochs");
        for (EpochResult r : h) {
            assertEquals(3.0, r.loss(), 1e-12);              // mean of labels 0..6
            assertEquals(List.of(8.0, 108.0), r.validation()); // labels 7, 8, 9 and their pixels
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length);
        for (String l : lines) assertEquals(true, l.endsWith(" - accuracy: 103.0000 - loss: 3.0000 - val_accuracy: 108.0000 - val_loss: 8.0000"), l);
        // without a validation set, nothing is added
        EpochResult plain = TrainLoop.fit(new Fake(), s.trainImages(), s.trainLabels(), 1, 4, 1, 1, null, null).get(0);
        assertEquals(List.of(), plain.validation());
    }
}
