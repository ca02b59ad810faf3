package dlm.runtime.train;

import java.util.Map;

/**
 * Keras's ModelCheckpoint: saves the model after every epoch, or with saveBestOnly only after an
 * epoch whose monitored quantity beats every earlier one (strictly; there is no minDelta).
 */
public final class ModelCheckpoint implements Callback {
    /** Writes the checkpoint for the end of an epoch. */
    public interface Saver {
        void save(int epoch);
    }

    private final Monitor monitor;
    private final boolean saveBestOnly;
    private final Saver saver;
    private double best;

    public ModelCheckpoint(Monitor monitor, boolean saveBestOnly, Saver saver) {
        this.monitor = monitor;
        this.saveBestOnly = saveBestOnly;
        this.saver = saver;
        this.best = monitor.worst();
    }

    @Override
    public String onEpochEnd(int epoch, Map<String, Double> logs) {
        if (!saveBestOnly) {
            saver.save(epoch);
            return null;
        }
        double current = monitor.in(logs);
        if (monitor.improves(current, best, 0)) {
            best = current;
            saver.save(epoch);
        }
        return null;
    }
}
