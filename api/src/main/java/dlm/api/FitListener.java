package dlm.api;

import java.util.Map;

/**
 * Told what {@link DlmModel#fit} does, on the thread that called it: every epoch's figures (what
 * {@code dlmc train} prints a line for), optionally every step's running means, and the callbacks'
 * notes (early stopping, a reduced learning rate). All methods do nothing by default.
 */
public interface FitListener {
    /** A listener that ignores everything. */
    FitListener NONE = new FitListener() {};

    /**
     * One epoch's figures, in training order.
     *
     * @param epoch      1-based
     * @param loss       the epoch's mean training loss
     * @param metrics    the epoch's training metrics by name ({@code accuracy}), in the train block's order
     * @param validation the validation loss and metrics after the epoch ({@code val_loss}, {@code val_accuracy}), empty without validation data
     * @param seconds    the epoch's wall time, validation included
     */
    record Epoch(int epoch, double loss, Map<String, Double> metrics, Map<String, Double> validation, double seconds) {}

    default void epochEnded(Epoch e) {}

    /**
     * After each train step: the running means of the epoch so far ({@code loss} and each metric by name).
     * Called once per batch, so keep it cheap.
     */
    default void stepEnded(int epoch, int step, int steps, Map<String, Double> runningMeans) {}

    /** A line a callback wrote ({@code Epoch 4: early stopping: …}). */
    default void note(String line) {}
}
