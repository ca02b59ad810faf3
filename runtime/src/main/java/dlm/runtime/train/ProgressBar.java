package dlm.runtime.train;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Keras's progress line: {@code Epoch 1/5  469/469 ━━━━━━━━━━━━━━━━━━━━ 3.1s 6ms/step - accuracy: 0.9248 - loss: 0.2614}.
 * On a terminal it is redrawn in place (carriage return) a few times a second; otherwise one
 * line is printed per epoch, when it ends.
 */
public class ProgressBar {
    private static final int WIDTH = 20;
    private final PrintStream out;
    private final boolean interactive;
    private long lastDraw;

    public ProgressBar(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** Called after each step; draws at most ~10 times a second on a terminal. */
    public void update(int epoch, int epochs, int step, int steps, double seconds, List<String> names, double[] means) {
        if (!interactive) return;
        long now = System.nanoTime();
        if (step != steps && now - lastDraw < 100_000_000L) return;
        lastDraw = now;
        out.print("\r" + line(epoch, epochs, step, steps, seconds, names, means) + "\u001b[K");
        out.flush();
    }

    /** Called once at the end of an epoch. */
    public void finish(int epoch, int epochs, int steps, double seconds, List<String> names, double[] means) {
        finish(epoch, epochs, steps, seconds, names, means, List.of());
    }

    /** Called once at the end of an epoch, with the validation loss and metrics (empty without a validation set). */
    public void finish(int epoch, int epochs, int steps, double seconds, List<String> names, double[] means, List<Double> validation) {
        String text = line(epoch, epochs, steps, steps, seconds, names, means) + validation(names, validation);
        if (interactive) out.print("\r" + text + "\u001b[K\n");
        else out.println(text);
        out.flush();
    }

    /** Keras's {@code - val_accuracy: 0.9712 - val_loss: 0.1003} after the training figures: metrics first, then loss. */
    public static String validation(List<String> names, List<Double> validation) {
        if (validation.isEmpty()) return "";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size(); i++) sb.append(String.format(Locale.ROOT, " - val_%s: %.4f", names.get(i), validation.get(i + 1)));
        sb.append(String.format(Locale.ROOT, " - val_loss: %.4f", validation.get(0)));
        return sb.toString();
    }

    /** The text of the line (without control characters). Metrics first, then loss, as Keras 3 orders them. */
    public static String line(int epoch, int epochs, int step, int steps, double seconds, List<String> names, double[] means) {
        int filled = steps == 0 ? WIDTH : (int) Math.round((double) WIDTH * step / steps);
        StringBuilder sb = new StringBuilder();
        sb.append("Epoch ").append(epoch).append('/').append(epochs).append("  ");
        sb.append(step).append('/').append(steps).append(' ');
        sb.append("━".repeat(filled)).append(step < steps ? "\u001b[2m" + "━".repeat(WIDTH - filled) + "\u001b[0m" : "");
        sb.append(String.format(Locale.ROOT, " %.1fs %dms/step", seconds, step == 0 ? 0 : Math.round(seconds * 1000 / step)));
        for (int i = 0; i < names.size(); i++) sb.append(String.format(Locale.ROOT, " - %s: %.4f", names.get(i), means[i + 1]));
        sb.append(String.format(Locale.ROOT, " - loss: %.4f", means[0]));
        return sb.toString();
    }
}
