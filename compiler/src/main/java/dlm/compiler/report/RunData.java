package dlm.compiler.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run as {@code dlmc train --json} writes it, read back: the per-epoch history, the
 * test results, and the {@code "report"} object (model summary, graph, norms, confusion matrix,
 * misclassified images; see {@code RunRecorder}). The charts of the report and of {@code --plot}
 * are built here, from the history, so both show the same series.
 */
public record RunData(List<Map<String, Object>> epochs, Map<String, Double> test, Map<String, Object> report) {
    /** Reads the JSON tree; a document that is not a run history is an {@link IllegalArgumentException} saying what is missing. */
    @SuppressWarnings("unchecked")
    public static RunData of(Object json) {
        if (!(json instanceof Map<?, ?> top)) throw new IllegalArgumentException("not a training history: the JSON is not an object");
        if (!(top.get("epochs") instanceof List<?> list)) throw new IllegalArgumentException("not a training history: no \"epochs\" list (write one with dlmc train --json)");
        List<Map<String, Object>> epochs = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("epoch") instanceof Number) || !m.containsKey("loss"))
                throw new IllegalArgumentException("not a training history: an entry of \"epochs\" has no \"epoch\" and \"loss\"");
            epochs.add((Map<String, Object>) m);
        }
        Map<String, Double> test = new LinkedHashMap<>();
        for (var e : top.entrySet())
            if (e.getKey() instanceof String k && k.startsWith("test_")) test.put(k, e.getValue() instanceof Number n ? n.doubleValue() : Double.NaN);
        Map<String, Object> report = top.get("report") instanceof Map<?, ?> r ? (Map<String, Object>) r : null;
        return new RunData(epochs, test, report);
    }

    public int[] epochNumbers() { return epochs.stream().mapToInt(e -> ((Number) e.get("epoch")).intValue()).toArray(); }

    /** The curves' names: "loss", then each metric, in the history's order (validation values go on the same chart). */
    public List<String> curveNames() {
        List<String> names = new ArrayList<>();
        for (Map<String, Object> e : epochs)
            for (String k : e.keySet())
                if (!k.equals("epoch") && !k.equals("seconds") && !k.startsWith("val_") && !names.contains(k)) names.add(k);
        return names;
    }

    /** One chart per curve name: the train values, and the validation values when the history has them. */
    public List<Chart> curveCharts() {
        List<Chart> charts = new ArrayList<>();
        if (epochs.isEmpty()) return charts;
        for (String name : curveNames()) {
            List<Chart.Series> s = new ArrayList<>();
            s.add(new Chart.Series("train " + name, Chart.PALETTE[0], values(name)));
            if (epochs.stream().anyMatch(e -> e.containsKey("val_" + name))) s.add(new Chart.Series("validation " + name, Chart.PALETTE[1], values("val_" + name)));
            charts.add(new Chart(name, "metric", name, epochNumbers(), s));
        }
        return charts;
    }

    /** The values of one key per epoch; NaN where missing or null (a non-finite value). */
    public double[] values(String key) {
        double[] v = new double[epochs.size()];
        for (int k = 0; k < v.length; k++) v[k] = epochs.get(k).get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
        return v;
    }

    /** A part of the report object: a map, or null when the JSON has none. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> part(String name) {
        return report != null && report.get(name) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    public String model() { return report != null && report.get("model") instanceof String s ? s : null; }
}
