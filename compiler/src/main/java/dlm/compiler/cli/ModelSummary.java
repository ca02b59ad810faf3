package dlm.compiler.cli;

import dlm.compiler.check.CheckedModel;
import dlm.compiler.ir.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A Keras-like model summary: inputs, each param (and state) with its shape and count, the totals. */
final class ModelSummary {
    private ModelSummary() {}

    static String render(CheckedModel m) {
        List<String[]> rows = rows(m);
        long total = 0, bytes = 0, frozen = 0, frozenBytes = 0;
        for (Node p : m.graph().params()) {
            long count = p.type().shape().numel().coefficient();
            total += count;
            bytes += count * p.type().dtype().bytes();
            if (!p.attrs().getBool("trainable", true)) { // a state (batch normalization's moving statistics, normalization's adapted ones)
                frozen += count;
                frozenBytes += count * p.type().dtype().bytes();
            }
        }
        String[] head = {"Param", "dtype", "Shape", "Count"};
        int[] w = new int[4];
        for (int i = 0; i < 4; i++) {
            w[i] = head[i].length();
            for (String[] r : rows) w[i] = Math.max(w[i], r[i].length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"").append(m.name()).append("\"\n");
        for (Node in : m.graph().inputs()) sb.append("  input  ").append(in.name()).append(": ").append(in.type()).append('\n');
        // a list return's outputs show the value each returns (the name train reports it under)
        m.graph().outputs().forEach((k, v) -> sb.append("  ").append(k.equals("output") ? "output" : k + "  ").append(" ")
                .append(k.matches("output\\d+") && v.name() != null && !v.name().equals(k) && v.name().matches("[A-Za-z_][A-Za-z0-9_]*") ? v.name() + ": " : "")
                .append(v.type()).append('\n'));
        sb.append(line('┏', '┳', '┓', w)).append(row(head, w, '┃')).append(line('┡', '╇', '┩', w, '━'));
        for (String[] r : rows) sb.append(row(r, w, '│'));
        sb.append(line('└', '┴', '┘', w, '─'));
        sb.append(String.format(Locale.ROOT, " Total params: %,d (%s)%n", total, size(bytes)));
        sb.append(String.format(Locale.ROOT, " Trainable params: %,d (%s)%n", total - frozen, size(bytes - frozenBytes)));
        if (frozen > 0) sb.append(String.format(Locale.ROOT, " Non-trainable params: %,d (%s)%n", frozen, size(frozenBytes)));
        return sb.toString();
    }

    /** The table's rows: each param (and state) with its dtype, shape and count (as {@code 1,234}). */
    static List<String[]> rows(CheckedModel m) {
        List<String[]> rows = new ArrayList<>();
        for (Node p : m.graph().params())
            rows.add(new String[] {p.name(), p.type().dtype().dlmName(), p.type().shape().tuple(), String.format(Locale.ROOT, "%,d", p.type().shape().numel().coefficient())});
        return rows;
    }

    private static String line(char l, char mid, char r, int[] w) { return line(l, mid, r, w, '━'); }

    private static String line(char l, char mid, char r, int[] w, char fill) {
        StringBuilder sb = new StringBuilder().append(l);
        for (int i = 0; i < w.length; i++) sb.append(String.valueOf(fill).repeat(w[i] + 2)).append(i == w.length - 1 ? r : mid);
        return sb.append('\n').toString();
    }

    private static String row(String[] cells, int[] w, char bar) {
        StringBuilder sb = new StringBuilder().append(bar);
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i];
            String padded = i == cells.length - 1 ? " ".repeat(w[i] - c.length()) + c : c + " ".repeat(w[i] - c.length());
            sb.append(' ').append(padded).append(' ').append(bar);
        }
        return sb.append('\n').toString();
    }

    /** Keras prints sizes like "1.55 MB" (base 1024). */
    static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.2f KB", bytes / 1024.0);
        return String.format(Locale.ROOT, "%.2f MB", bytes / (1024.0 * 1024));
    }
}
