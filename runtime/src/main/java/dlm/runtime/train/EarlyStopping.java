package dlm.runtime.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keras 3's EarlyStopping: stops training when the monitored quantity has not improved by more
 * than minDelta for {@code patience} epochs (never after the first epoch); with
 * restoreBestWeights, puts back the weights of the best epoch when training ends — or of the
 * first epoch if none improved on it — whether it stopped early or not.
 */
public final class EarlyStopping implements Callback {
    /** The model's weights: a copy, and putting a copy back. */
    public interface Weights {
        Object copy();

        void restore(Object copy);
    }

    private final Monitor monitor;
    private final double minDelta;
    private final int patience;
    private final Weights weights;
    private int wait, bestEpoch, stoppedEpoch;
    private Double best;
    private Object bestWeights;

    /** {@code weights} is null unless the best weights are to be restored. */
    public EarlyStopping(Monitor monitor, double minDelta, int patience, Weights weights) {
        this.monitor = monitor;
        this.minDelta = Math.abs(minDelta);
        this.patience = patience;
        this.weights = weights;
    }

    @Override
    public String onEpochEnd(int epoch, Map<String, Double> logs) {
        double current = monitor.in(logs);
        if (weights != null && bestWeights == null) bestWeights = weights.copy();
        wait++;
        if (best == null || monitor.improves(current, best, minDelta)) {
            best = current;
            bestEpoch = epoch;
            if (weights != null) bestWeights = weights.copy();
            wait = 0;
            return null;
        }
        if (wait >= patience && epoch > 1) {
            stoppedEpoch = epoch;
            return String.format(Locale.ROOT, "Epoch %d: early stopping: %s has not improved%s for %d epoch%s (best %.4f at epoch %d)", epoch, monitor.name(),
                    minDelta > 0 ? " by more than " + minDelta : "", wait, wait == 1 ? "" : "s", best, bestEpoch);
        }
        return null;
    }

    @Override
    public List<String> onTrainEnd() {
        List<String> out = new ArrayList<>();
        if (weights != null && bestWeights != null) {
            weights.restore(bestWeights);
            out.add("Restoring model weights from the end of the best epoch: " + (bestEpoch == 0 ? 1 : bestEpoch) + ".");
        }
        return out;
    }

    /** The epoch training stopped after, or 0 if it did not stop early. */
    public int stoppedEpoch() { return stoppedEpoch; }

    public int bestEpoch() { return bestEpoch; }
}
