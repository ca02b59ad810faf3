package dlm.runtime.train;

import java.util.List;
import java.util.Map;

/**
 * Keras's callbacks, reduced to what a train block can ask for: code run after every epoch with
 * that epoch's logs, which may stop training, and once when training ends.
 */
public interface Callback {
    /**
     * After epoch {@code epoch} (counted from 1), with its logs as Keras names them: {@code loss},
     * each metric, and {@code val_loss}, {@code val_<metric>} with validation data. Returns why
     * training must stop after this epoch, or null to go on.
     */
    String onEpochEnd(int epoch, Map<String, Double> logs);

    /** What the callback did at the last epoch's end that the user should see, a line each (drained: each line is given once). */
    default List<String> drainNotes() { return List.of(); }

    /** When training ends, stopped or not: what the callback did then, a line each (may be empty). */
    default List<String> onTrainEnd() { return List.of(); }

    /** The logs of an epoch: loss, metrics, then the validation loss and metrics (val_…). */
    static Map<String, Double> logs(EpochResult r, List<String> metricNames) {
        Map<String, Double> logs = new java.util.LinkedHashMap<>();
        logs.put("loss", r.loss());
        for (int i = 0; i < metricNames.size(); i++) logs.put(metricNames.get(i), r.metrics().get(i));
        if (r.hasValidation()) {
            logs.put("val_loss", r.validation().get(0));
            for (int i = 0; i < metricNames.size(); i++) logs.put("val_" + metricNames.get(i), r.validation().get(i + 1));
        }
        return logs;
    }
}
