package dlm.compiler.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line chart of values per epoch: the data and its axes, shared by the SVG renderer (the
 * HTML report) and the PNG renderer ({@code --plot}), so both draw the same thing.
 *
 * @param id      a stable identifier (the metric's name, or "weight-norms")
 * @param kind    "metric" (a loss or metric curve) or "norm" (per-param norms)
 * @param epochs  the x values, ascending
 * @param series  the lines; a NaN value is a gap (a non-finite value in the history)
 */
public record Chart(String id, String kind, String title, int[] epochs, List<Series> series) {
    /** A line: its label, colour ({@code #rrggbb}) and one value per epoch. */
    public record Series(String name, String color, double[] values) {}

    /** Colours of the lines, in order (the Tableau 10 palette, as matplotlib's default). */
    static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

    /** The smallest and largest finite value of all series, or {0, 1} when there is none. */
    double[] range() {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) for (double v : s.values()) if (Double.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        if (lo > hi) return new double[] {0, 1};
        if (lo == hi) { double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1; return new double[] {lo - pad, hi + pad}; }
        double pad = (hi - lo) * 0.05; // the extreme points stay off the frame
        return new double[] {lo - pad, hi + pad};
    }

    /** About five round tick values (steps of 1, 2 or 5 times a power of ten) covering {@code [lo, hi]}. */
    static double[] ticks(double lo, double hi) {
        double raw = (hi - lo) / 4;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        List<Double> t = new ArrayList<>();
        for (double v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) if (v >= lo - step * 1e-9) t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        double[] a = new double[t.size()];
        for (int k = 0; k < a.length; k++) a[k] = t.get(k);
        return a;
    }

    /** A tick label: as few digits as tell the ticks apart. */
    static String tickLabel(double v, double step) {
        int digits = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        if (Math.abs(v) >= 1e5 || (v != 0 && Math.abs(v) < 1e-4)) return String.format(Locale.ROOT, "%.1e", v);
        return String.format(Locale.ROOT, "%." + Math.min(digits, 6) + "f", v);
    }

    /** The epochs shown as x ticks: all of them up to 10, else about 8 evenly spaced. */
    int[] xTicks() {
        if (epochs.length <= 10) return epochs.clone();
        int every = (int) Math.ceil(epochs.length / 8.0);
        List<Integer> l = new ArrayList<>();
        for (int k = 0; k < epochs.length; k += every) l.add(epochs[k]);
        if (l.getLast() != epochs[epochs.length - 1]) l.add(epochs[epochs.length - 1]);
        return l.stream().mapToInt(Integer::intValue).toArray();
    }
}
