package dlm.runtime.train;

import java.util.List;

/**
 * One epoch's averages (loss first, then metrics) and its duration; with a validation set, the
 * validation loss and metrics after the epoch ({@code validation}: loss first, then metrics,
 * empty without one).
 */
public record EpochResult(int epoch, double loss, List<Double> metrics, double seconds, List<Double> validation) {
    public EpochResult {
        metrics = List.copyOf(metrics);
        validation = List.copyOf(validation);
    }

    public EpochResult(int epoch, double loss, List<Double> metrics, double seconds) { this(epoch, loss, metrics, seconds, List.of()); }

    public boolean hasValidation() { return !validation.isEmpty(); }
}
