package dlm.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keras's EarlyStopping, ModelCheckpoint and ReduceLROnPlateau driven by scripted per-epoch
 * values, with the outcomes worked out by hand from Keras 3's rules; and fit stopping on them.
 */
class CallbacksTest {
    /** Runs a callback over the values of {@code monitor}, epoch by epoch; returns the epoch it stopped after, or 0. */
    private static int drive(Callback c, String monitor, double... values) {
        for (int e = 1; e <= values.length; e++) if (c.onEpochEnd(e, Map.of(monitor, values[e - 1], "loss", 9.0)) != null) return e;
        return 0;
    }

    /** Weights that are just the epoch they come from. */
    static final class EpochWeights implements EarlyStopping.Weights {
        int current, restored = -1;

        public Object copy() { return current; }

        public void restore(Object copy) { restored = (Integer) copy; }
    }

    @Test
    void earlyStoppingWaitsPatienceEpochsWithoutImprovement() {
        double[] valLoss = {1.0, 0.8, 0.85, 0.9, 0.79, 0.81, 0.82, 0.83, 0.5};
        // improvements at epochs 1, 2 and 5; then three epochs without one: stop after epoch 8
        EarlyStopping es = new EarlyStopping(Monitor.of("val_loss", "auto"), 0, 3, null);
        assertEquals(8, drive(es, "val_loss", valLoss));
        assertEquals(5, es.bestEpoch());
        // minDelta 0.02: 0.79 is no improvement on 0.8 any more, so epochs 3, 4, 5 wait: stop after 5
        es = new EarlyStopping(Monitor.of("val_loss", "min"), 0.02, 3, null);
        assertEquals(5, drive(es, "val_loss", valLoss));
        assertEquals(2, es.bestEpoch());
        // a negative minDelta means the same (Keras takes its absolute value)
        assertEquals(5, drive(new EarlyStopping(Monitor.of("val_loss", "min"), -0.02, 3, null), "val_loss", valLoss));
        // patience 0 stops at the first epoch without improvement, never after the first
        assertEquals(3, drive(new EarlyStopping(Monitor.of("val_loss", "auto"), 0, 0, null), "val_loss", valLoss));
        assertEquals(0, drive(new EarlyStopping(Monitor.of("val_loss", "auto"), 0, 3, null), "val_loss", 3, 2, 1));
    }

    @Test
    void earlyStoppingOnAnAccuracyMaximizes() {
        EarlyStopping es = new EarlyStopping(Monitor.of("val_accuracy", "auto"), 0, 2, null);
        assertEquals(4, drive(es, "val_accuracy", 0.5, 0.7, 0.7, 0.6, 0.9));
        assertEquals(2, es.bestEpoch());
    }

    @Test
    void earlyStoppingRestoresTheBestWeightsAtTheEnd() {
        EpochWeights w = new EpochWeights();
        EarlyStopping es = new EarlyStopping(Monitor.of("val_loss", "auto"), 0, 2, w);
        double[] v = {1.0, 0.7, 0.9, 0.95, 0.6};
        int stopped = 0;
        for (int e = 1; e <= v.length && stopped == 0; e++) {
            w.current = e;
            String why = es.onEpochEnd(e, Map.of("val_loss", v[e - 1]));
            if (why != null) {
                stopped = e;
                assertEquals("Epoch 4: early stopping: val_loss has not improved for 2 epochs (best 0.7000 at epoch 2)", why);
            }
        }
        assertEquals(4, stopped);
        assertEquals(-1, w.restored, "nothing restored before training ends");
        assertEquals(List.of("Restoring model weights from the end of the best epoch: 2."), es.onTrainEnd());
        assertEquals(2, w.restored);
        // without restoreBestWeights, nothing is restored
        assertEquals(List.of(), new EarlyStopping(Monitor.of("val_loss", "auto"), 0, 2, null).onTrainEnd());
    }

    @Test
    void modelCheckpointSavesEveryEpochOrOnlyStrictImprovements() {
        List<Integer> saved = new ArrayList<>();
        drive(new ModelCheckpoint(Monitor.of("val_accuracy", "auto"), true, saved::add), "val_accuracy", 0.5, 0.6, 0.55, 0.6, 0.7);
        assertEquals(List.of(1, 2, 5), saved);
        saved.clear();
        drive(new ModelCheckpoint(Monitor.of("val_loss", "auto"), true, saved::add), "val_loss", 0.5, 0.6, 0.4, 0.4, 0.3);
        assertEquals(List.of(1, 3, 5), saved);
        saved.clear();
        drive(new ModelCheckpoint(Monitor.of("val_loss", "auto"), false, saved::add), "val_loss", 0.5, 0.6, 0.7);
        assertEquals(List.of(1, 2, 3), saved);
    }

    @Test
    void reduceLrOnPlateauFollowsKerasRules() {
        double[] lr = {1.0};
        ReduceLrOnPlateau r = new ReduceLrOnPlateau(Monitor.of("val_loss", "auto"), 0.5, 2, 1e-4, 1, 0.1, new ReduceLrOnPlateau.LearningRate() {
            public double get() { return lr[0]; }

            public void set(double v) { lr[0] = v; }
        });
        double[] v = {1, 0.9, 0.9, 0.9, 0.9, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85};
        double[] want = {1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.1, 0.1, 0.1};
        List<String> notes = new ArrayList<>();
        for (int e = 1; e <= v.length; e++) {
            assertNull(r.onEpochEnd(e, Map.of("val_loss", v[e - 1])));
            notes.addAll(r.drainNotes());
            assertEquals(want[e - 1], lr[0], 0.0, "after epoch " + e);
        }
        assertEquals(List.of("Epoch 4: ReduceLROnPlateau reducing learning rate to 0.5.", "Epoch 8: ReduceLROnPlateau reducing learning rate to 0.25.",
                "Epoch 10: ReduceLROnPlateau reducing learning rate to 0.125.", "Epoch 12: ReduceLROnPlateau reducing learning rate to 0.1."), notes);
        assertThrows(IllegalArgumentException.class, () -> new ReduceLrOnPlateau(Monitor.of("val_loss", "auto"), 1.0, 2, 0, 0, 0, null));
    }

    @Test
    void autoModeDecidesFromTheNameOrRefuses() {
        assertFalse(Monitor.of("val_loss", "auto").maximize());
        assertFalse(Monitor.of("meanSquaredError", "auto").maximize());
        assertTrue(Monitor.of("val_accuracy", "auto").maximize());
        assertTrue(Monitor.of("val_loss", "max").maximize());
        assertEquals("mode = \"auto\" cannot tell whether val_f1 should be minimized or maximized: give mode = \"min\" or mode = \"max\"",
                assertThrows(IllegalArgumentException.class, () -> Monitor.of("val_f1", "auto")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Monitor.of("loss", "up"));
    }

    @Test
    void fitStopsWhenACallbackAsksAndSaysWhy() {
        Tensor images = Tensor.zeros(DType.F32, 10, 1), labels = Tensor.zeros(DType.F32, 10);
        for (int i = 0; i < 10; i++) labels.setDouble(i, i);
        ValidationSplitTest.Fake f = new ValidationSplitTest.Fake();
        List<String> notes = new ArrayList<>();
        List<Integer> saved = new ArrayList<>();
        // the fake's loss is the same every epoch: no improvement after the first
        List<EpochResult> h = TrainLoop.fit(f, images, labels, null, null, 10, 5, 1, 1, null, null,
                List.of(new EarlyStopping(Monitor.of("loss", "auto"), 0, 1, null), new ModelCheckpoint(Monitor.of("loss", "auto"), false, saved::add)), notes::add);
        assertEquals(2, h.size());
        assertEquals(List.of(1, 2), saved, "the other callbacks still run in the epoch that stops");
        assertEquals(List.of("Epoch 2: early stopping: loss has not improved for 1 epoch (best 4.5000 at epoch 1)"), notes);
    }
}
