package dlm.compiler.report;

import java.util.Locale;

/**
 * A {@link Chart} as inline SVG: axes with round ticks, one polyline per series, and a point per
 * epoch carrying its exact value ({@code data-epoch}, {@code data-value}, a {@code <title>} for
 * the tooltip), so the numbers of the history are in the DOM, not only in the drawing.
 */
final class SvgChart {
    static final int W = 480, H = 280, LEFT = 62, RIGHT = 14, TOP = 30, BOTTOM = 58;

    private SvgChart() {}

    static String render(Chart c) {
        double[] r = c.range();
        double[] yt = Chart.ticks(r[0], r[1]);
        double lo = Math.min(r[0], yt[0]), hi = Math.max(r[1], yt[yt.length - 1]);
        double step = yt.length > 1 ? yt[1] - yt[0] : hi - lo;
        int e0 = c.epochs()[0], e1 = c.epochs()[c.epochs().length - 1];
        // the legend's entries, in rows below the axis: the chart grows by a row for each extra one
        int[][] legend = legend(c);
        int height = H + LEGEND_ROW * (legend.length == 0 ? 0 : legend[legend.length - 1][1]);
        StringBuilder sb = new StringBuilder();
        sb.append("<svg class=\"chart\" data-kind=\"").append(c.kind()).append("\" data-id=\"").append(Html.esc(c.id()))
                .append("\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(W).append(' ').append(height)
                .append("\" width=\"").append(W).append("\" height=\"").append(height).append("\" role=\"img\">\n");
        sb.append("<title>").append(Html.esc(c.title())).append("</title>\n");
        sb.append("<rect x=\"0\" y=\"0\" width=\"").append(W).append("\" height=\"").append(height).append("\" fill=\"#ffffff\"/>\n");
        sb.append("<text x=\"").append(W / 2).append("\" y=\"18\" text-anchor=\"middle\" class=\"ctitle\">").append(Html.esc(c.title())).append("</text>\n");
        for (double t : yt) {
            double y = y(t, lo, hi);
            sb.append(f("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>", LEFT, W - RIGHT, y, y));
            sb.append(f("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" class=\"tick\">%s</text>%n", LEFT - 6, y + 4, Chart.tickLabel(t, step)));
        }
        for (int e : c.xTicks()) {
            double x = x(e, e0, e1);
            sb.append(f("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#999\"/>", x, x, H - BOTTOM, H - BOTTOM + 4));
            sb.append(f("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"tick\">%d</text>%n", x, H - BOTTOM + 16, e));
        }
        sb.append(f("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM));
        sb.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"tick\">epoch</text>%n", (LEFT + W - RIGHT) / 2, H - BOTTOM + 30));
        for (Chart.Series s : c.series()) {
            sb.append("<g class=\"series\" data-series=\"").append(Html.esc(s.name())).append("\">\n");
            StringBuilder pts = new StringBuilder();
            for (int k = 0; k < s.values().length; k++) {
                double v = s.values()[k];
                if (!Double.isFinite(v)) { line(sb, pts, s.color()); continue; }
                pts.append(f("%.1f,%.1f ", x(c.epochs()[k], e0, e1), y(v, lo, hi)));
            }
            line(sb, pts, s.color());
            for (int k = 0; k < s.values().length; k++) {
                double v = s.values()[k];
                if (!Double.isFinite(v)) continue;
                sb.append(f("<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" data-epoch=\"%d\" data-value=\"%s\"><title>%s, epoch %d: %s</title></circle>%n",
                        x(c.epochs()[k], e0, e1), y(v, lo, hi), s.color(), c.epochs()[k], Double.toString(v), Html.esc(s.name()), c.epochs()[k], Double.toString(v)));
            }
            sb.append("</g>\n");
        }
        for (int k = 0; k < c.series().size(); k++) {
            Chart.Series s = c.series().get(k);
            int lx = legend[k][0], ly = H - 14 + LEGEND_ROW * legend[k][1];
            sb.append(f("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"4\" fill=\"%s\"/>", lx, ly, s.color()));
            sb.append(f("<text x=\"%d\" y=\"%d\" class=\"tick\">%s</text>%n", lx + 16, ly + 5, Html.esc(s.name())));
        }
        return sb.append("</svg>\n").toString();
    }

    static final int LEGEND_ROW = 16;

    /** Each series' legend entry: its x and its row (0 first), entries wrapping at the chart's right edge. */
    static int[][] legend(Chart c) {
        int[][] at = new int[c.series().size()][];
        int x = LEFT, row = 0;
        for (int k = 0; k < at.length; k++) {
            int w = 28 + 7 * c.series().get(k).name().length();
            if (x > LEFT && x + w - 12 > W - RIGHT) { x = LEFT; row++; }
            at[k] = new int[] {x, row};
            x += w;
        }
        return at;
    }

    /** A polyline through the pending points (a lone point between gaps has its circle only), then clears them. */
    private static void line(StringBuilder sb, StringBuilder pts, String color) {
        if (pts.toString().trim().indexOf(' ') < 0) { pts.setLength(0); return; }
        sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" points=\"").append(pts.toString().trim()).append("\"/>\n");
        pts.setLength(0);
    }

    static double x(int e, int e0, int e1) {
        return e1 == e0 ? (LEFT + W - RIGHT) / 2.0 : LEFT + 8 + (W - LEFT - RIGHT - 16) * (double) (e - e0) / (e1 - e0);
    }

    static double y(double v, double lo, double hi) { return TOP + (H - TOP - BOTTOM) * (hi - v) / (hi - lo); }

    private static String f(String fmt, Object... args) { return String.format(Locale.ROOT, fmt, args); }
}
