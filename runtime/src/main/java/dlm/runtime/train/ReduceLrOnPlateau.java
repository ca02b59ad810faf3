package dlm.runtime.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's ReduceLROnPlateau: when the monitored quantity has not improved by more than minDelta
 * for {@code patience} epochs, multiplies the learning rate by {@code factor} (not below minLr),
 * then waits {@code cooldown} epochs before counting again.
 */
public final class ReduceLrOnPlateau implements Callback {
    /** The optimizer's learning rate, read and set between epochs. */
    public interface LearningRate {
        double get();

        void set(double lr);
    }

    private final Monitor monitor;
    private final double factor, minDelta, minLr;
    private final int patience, cooldown;
    private final LearningRate lr;
    private double best;
    private int wait, cooldownCounter;
    private final List<String> changes = new ArrayList<>();

    public ReduceLrOnPlateau(Monitor monitor, double factor, int patience, double minDelta, int cooldown, double minLr, LearningRate lr) {
        if (!(factor < 1)) throw new IllegalArgumentException("factor must be less than 1, got " + factor);
        this.monitor = monitor;
        this.factor = factor;
        this.patience = patience;
        this.minDelta = minDelta;
        this.cooldown = cooldown;
        this.minLr = minLr;
        this.lr = lr;
        this.best = monitor.worst();
    }

    @Override
    public String onEpochEnd(int epoch, Map<String, Double> logs) {
        double current = monitor.in(logs);
        if (cooldownCounter > 0) {
            cooldownCounter--;
            wait = 0;
        }
        if (monitor.improves(current, best, minDelta)) {
            best = current;
            wait = 0;
        } else if (cooldownCounter == 0) {
            wait++;
            if (wait >= patience) {
                double old = lr.get();
                if (old > (float) minLr) {
                    double next = Math.max(old * factor, minLr);
                    lr.set(next);
                    changes.add(String.format(Locale.ROOT, "Epoch %d: ReduceLROnPlateau reducing learning rate to %s.", epoch, (float) lr.get()));
                    cooldownCounter = cooldown;
                    wait = 0;
                }
            }
        }
        return null;
    }

    /** The reductions made since the last call, one line each ("Epoch 7: ReduceLROnPlateau reducing learning rate to 1.0E-4."). */
    @Override
    public List<String> drainNotes() {
        List<String> out = new ArrayList<>(changes);
        changes.clear();
        return out;
    }
}
