package dlm.api;

import java.util.List;
import java.util.Map;

/**
 * What {@link DlmModel#fit} gives back: the trained model (a new {@link DlmModel}; the one fitted
 * is unchanged), every epoch's figures, and the test results when the dataset has a test part.
 *
 * @param model   the trained model: predict with it, or {@link DlmModel#save} its weights
 * @param history one entry per epoch run (fewer than asked when a callback stopped training)
 * @param test    {@code loss} and each metric on the dataset's test part, empty without one
 */
public record FitResult(DlmModel model, List<FitListener.Epoch> history, Map<String, Double> test) {
    public FitResult {
        history = List.copyOf(history);
        test = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(test));
    }
}
