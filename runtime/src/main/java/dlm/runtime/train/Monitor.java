package dlm.runtime.train;

import java.util.Map;

/**
 * The quantity a callback watches ({@code monitor = "val_loss"}) and whether lower or higher is
 * better. Keras's mode "auto" decides from the name: a loss, an error or a crossentropy is
 * minimized, an accuracy (or AUC) maximized; for any other name "auto" cannot decide, which is
 * an error (as in Keras 3's EarlyStopping) rather than a guess.
 */
public record Monitor(String name, boolean maximize) {
    /** The monitor of {@code name} in {@code mode} ("auto", "min" or "max"). */
    public static Monitor of(String name, String mode) {
        return switch (mode) {
            case "min" -> new Monitor(name, false);
            case "max" -> new Monitor(name, true);
            case "auto" -> {
                String m = name.startsWith("val_") ? name.substring(4) : name;
                String lower = m.toLowerCase(java.util.Locale.ROOT);
                if (lower.contains("acc") || lower.contains("auc")) yield new Monitor(name, true);
                if (lower.equals("loss") || lower.contains("error") || lower.contains("crossentropy") || lower.contains("loss")) yield new Monitor(name, false);
                throw new IllegalArgumentException("mode = \"auto\" cannot tell whether " + name + " should be minimized or maximized: give mode = \"min\" or mode = \"max\"");
            }
            default -> throw new IllegalArgumentException("mode must be \"auto\", \"min\" or \"max\", got \"" + mode + "\"");
        };
    }

    /** The watched value in an epoch's logs (the checker makes sure it is there). */
    public double in(Map<String, Double> logs) {
        Double v = logs.get(name);
        if (v == null) throw new IllegalStateException("no " + name + " in the logs " + logs.keySet());
        return v;
    }

    /** Whether {@code value} beats {@code reference} by more than {@code minDelta} (≥ 0) in this monitor's direction. */
    public boolean improves(double value, double reference, double minDelta) {
        return maximize ? value - minDelta > reference : value + minDelta < reference;
    }

    /** The starting "best": +∞ when minimizing, −∞ when maximizing. */
    public double worst() { return maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY; }
}
