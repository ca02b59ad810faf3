package dlm.compiler.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training report: one self-contained HTML file (inline CSS, inline SVG charts and graph,
 * images as PNG data URIs, no network) with the curves per epoch, the model summary, the
 * model graph, the test set's confusion matrix, the misclassified test images and the per-param
 * weight and gradient norms. A section that does not apply (no class labels, no images, no
 * record of it in an older JSON) is left out with a one-line reason.
 */
public final class HtmlReport {
    private HtmlReport() {}

    /** In the head of every report: how {@code dlmc} recognises a report it may replace. */
    public static final String GENERATOR = "<meta name=\"generator\" content=\"dlmc report\">";

    public static String render(RunData run, String title) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" + GENERATOR + "\n<title>").append(Html.esc(title)).append("</title>\n");
        sb.append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        sb.append("<h1>").append(Html.esc(title)).append("</h1>\n");
        tests(run, sb);
        curves(run, sb);
        summary(run, sb);
        graph(run, sb);
        confusion(run, sb);
        misclassified(run, sb);
        norms(run, sb);
        // for the browser test (nothing else depends on it): proves that scripts ran over the finished
        // DOM, and gives each chart's box on the page, to be found in a screenshot
        sb.append("""
                <script>
                (function () {
                  var charts = document.querySelectorAll('svg.chart'), boxes = [];
                  charts.forEach(function (s) {
                    var r = s.getBoundingClientRect();
                    boxes.push([r.left + window.scrollX, r.top + window.scrollY, r.width, r.height].map(Math.round).join(','));
                  });
                  document.body.setAttribute('data-charts', String(charts.length));
                  document.body.setAttribute('data-chart-boxes', boxes.join(' '));
                })();
                </script>
                """);
        return sb.append("</body>\n</html>\n").toString();
    }

    private static final String CSS = """
            body { font: 14px/1.4 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; color: #222; background: #fff; }
            h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; }
            .charts { display: flex; flex-wrap: wrap; gap: 16px; }
            svg.chart { border: 1px solid #ddd; background: #fff; }
            svg text.ctitle { font-size: 14px; font-weight: 600; } svg text.tick { font-size: 11px; fill: #444; }
            svg text.n1 { font-size: 11px; font-weight: 600; } svg text.n2 { font-size: 10px; fill: #555; }
            table { border-collapse: collapse; margin: 6px 0; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
            th { background: #f3f3f3; } td.l, th.l { text-align: left; }
            table.confusion td { min-width: 34px; }
            .omitted { color: #777; font-style: italic; }
            .graphbox { overflow: auto; border: 1px solid #ddd; text-align: center; }
            .grid { display: flex; flex-wrap: wrap; gap: 8px; }
            figure.mis { margin: 0; text-align: center; font-size: 11px; }
            figure.mis img { width: 56px; height: 56px; image-rendering: pixelated; border: 1px solid #ccc; display: block; }
            pre { background: #f7f7f7; padding: 8px; }
            """;

    private static void tests(RunData run, StringBuilder sb) {
        if (run.model() != null) sb.append("<p>Model <b>").append(Html.esc(run.model())).append("</b>, ").append(run.epochs().size()).append(run.epochs().size() == 1 ? " epoch" : " epochs").append(".</p>\n");
        if (run.test().isEmpty()) return;
        sb.append("<table class=\"test\"><tr>");
        run.test().keySet().forEach(k -> sb.append("<th>").append(Html.esc(k)).append("</th>"));
        sb.append("</tr><tr>");
        run.test().values().forEach(v -> sb.append("<td data-value=\"").append(v).append("\">").append(num(v)).append("</td>"));
        sb.append("</tr></table>\n");
    }

    private static void curves(RunData run, StringBuilder sb) {
        sb.append("<section id=\"curves\"><h2>Loss and metrics per epoch</h2>\n");
        if (run.epochs().isEmpty()) { sb.append("<p class=\"omitted\">Left out: no epoch was trained in this run.</p></section>\n"); return; }
        sb.append("<div class=\"charts\">\n");
        for (Chart c : run.curveCharts()) sb.append(SvgChart.render(c));
        sb.append("</div>\n<table class=\"history\"><tr><th>epoch</th>");
        List<String> keys = new ArrayList<>();
        for (Map<String, Object> e : run.epochs()) for (String k : e.keySet()) if (!k.equals("epoch") && !keys.contains(k)) keys.add(k);
        for (String k : keys) sb.append("<th>").append(Html.esc(k)).append("</th>");
        sb.append("</tr>\n");
        for (Map<String, Object> e : run.epochs()) {
            sb.append("<tr><td>").append(((Number) e.get("epoch")).intValue()).append("</td>");
            for (String k : keys) {
                Object v = e.get(k);
                if (v instanceof Number n) sb.append("<td data-key=\"").append(Html.esc(k)).append("\" data-value=\"").append(n.doubleValue()).append("\">").append(num(n.doubleValue())).append("</td>");
                else sb.append("<td>").append(v == null && e.containsKey(k) ? "non-finite" : "").append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table></section>\n");
    }

    @SuppressWarnings("unchecked")
    private static void summary(RunData run, StringBuilder sb) {
        sb.append("<section id=\"summary\"><h2>Model summary</h2>\n");
        Map<String, Object> s = run.part("summary");
        if (s == null) { omitted(sb, run, "the model summary"); return; }
        sb.append("<p>");
        for (Object in : (List<Object>) s.get("inputs")) sb.append("input <code>").append(Html.esc(in.toString())).append("</code><br>");
        for (Object out : (List<Object>) s.get("outputs")) sb.append("output <code>").append(Html.esc(out.toString())).append("</code><br>");
        sb.append("</p>\n<table class=\"summary\"><tr><th class=\"l\">Param</th><th class=\"l\">dtype</th><th class=\"l\">Shape</th><th>Count</th></tr>\n");
        for (Object row : (List<Object>) s.get("params")) {
            List<Object> r = (List<Object>) row;
            sb.append("<tr><td class=\"l\">").append(Html.esc(r.get(0).toString())).append("</td><td class=\"l\">").append(Html.esc(r.get(1).toString()))
                    .append("</td><td class=\"l\">").append(Html.esc(r.get(2).toString())).append("</td><td>").append(String.format(Locale.ROOT, "%,d", ((Number) r.get(3)).longValue())).append("</td></tr>\n");
        }
        sb.append("</table>\n<p>Total params: ").append(String.format(Locale.ROOT, "%,d", ((Number) s.get("total")).longValue()))
                .append(" &middot; trainable: ").append(String.format(Locale.ROOT, "%,d", ((Number) s.get("trainable")).longValue())).append("</p></section>\n");
    }

    @SuppressWarnings("unchecked")
    private static void graph(RunData run, StringBuilder sb) {
        sb.append("<section id=\"graph\"><h2>Model graph</h2>\n");
        Map<String, Object> g = run.part("graph");
        if (g == null) { omitted(sb, run, "the model graph"); return; }
        List<GraphSvg.GNode> nodes = new ArrayList<>();
        for (Object o : (List<Object>) g.get("nodes")) {
            Map<String, Object> m = (Map<String, Object>) o;
            String name = (String) m.get("name"), op = (String) m.get("op");
            nodes.add(new GraphSvg.GNode(((Number) m.get("id")).intValue(), name != null ? name + " (" + op + ")" : op, (String) m.get("type"),
                    (String) m.get("kind"), Boolean.TRUE.equals(m.get("output"))));
        }
        List<int[]> edges = new ArrayList<>();
        for (Object o : (List<Object>) g.get("edges")) {
            List<Object> e = (List<Object>) o;
            edges.add(new int[] {((Number) e.get(0)).intValue(), ((Number) e.get(1)).intValue()});
        }
        sb.append("<p>The forward graph <code>dlmc graph</code> prints (inputs green, params blue, constants dashed, outputs outlined red), laid out by dlmc.</p>\n");
        sb.append("<div class=\"graphbox\">").append(GraphSvg.render(nodes, edges)).append("</div></section>\n");
    }

    @SuppressWarnings("unchecked")
    private static void confusion(RunData run, StringBuilder sb) {
        sb.append("<section id=\"confusion\"><h2>Confusion matrix (test set)</h2>\n");
        Map<String, Object> c = run.part("confusion");
        if (c == null) { omitted(sb, run, "the confusion matrix"); return; }
        if (c.get("omitted") instanceof String why) { sb.append("<p class=\"omitted\">Left out: ").append(Html.esc(why)).append("</p></section>\n"); return; }
        List<Object> labels = (List<Object>) c.get("labels");
        List<Object> matrix = (List<Object>) c.get("matrix");
        long max = 1;
        for (Object row : matrix) for (Object v : (List<Object>) row) max = Math.max(max, ((Number) v).longValue());
        sb.append("<p>Rows: true label; columns: predicted (the output's largest entry). ").append(((Number) c.get("test_count")).longValue()).append(" test samples.</p>\n");
        sb.append("<table class=\"confusion\"><tr><th>true \\ predicted</th>");
        for (Object l : labels) sb.append("<th>").append(Html.esc(l.toString())).append("</th>");
        sb.append("</tr>\n");
        for (int i = 0; i < matrix.size(); i++) {
            sb.append("<tr><th>").append(Html.esc(labels.get(i).toString())).append("</th>");
            List<Object> row = (List<Object>) matrix.get(i);
            for (int j = 0; j < row.size(); j++) {
                long v = ((Number) row.get(j)).longValue();
                double a = v == 0 ? 0 : 0.08 + 0.82 * Math.sqrt((double) v / max);
                String bg = i == j ? String.format(Locale.ROOT, "rgba(31,119,180,%.3f)", a) : String.format(Locale.ROOT, "rgba(214,39,40,%.3f)", a);
                sb.append("<td class=\"cm\" data-count=\"").append(v).append("\" style=\"background:").append(bg).append("\">").append(v).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table></section>\n");
    }

    @SuppressWarnings("unchecked")
    private static void misclassified(RunData run, StringBuilder sb) {
        sb.append("<section id=\"misclassified\"><h2>Misclassified test images</h2>\n");
        Map<String, Object> m = run.part("misclassified");
        if (m == null) { omitted(sb, run, "the misclassified images"); return; }
        if (m.get("omitted") instanceof String why) { sb.append("<p class=\"omitted\">Left out: ").append(Html.esc(why)).append("</p></section>\n"); return; }
        List<Object> images = (List<Object>) m.get("images");
        long total = ((Number) m.get("total")).longValue();
        sb.append("<p>").append(total).append(" of the test images are misclassified").append(images.size() < total ? "; the first " + images.size() + " shown" : "")
                .append(" (test index, predicted and true label).</p>\n<div class=\"grid\">\n");
        for (Object o : images) {
            Map<String, Object> im = (Map<String, Object>) o;
            long idx = ((Number) im.get("index")).longValue();
            String p = im.get("predicted").toString(), t = im.get("true").toString();
            sb.append("<figure class=\"mis\" data-index=\"").append(idx).append("\"><img alt=\"test image ").append(idx).append("\" src=\"").append(Html.esc((String) im.get("png")))
                    .append("\"><figcaption>#").append(idx).append("<br>pred ").append(Html.esc(p)).append(" / true ").append(Html.esc(t)).append("</figcaption></figure>\n");
        }
        sb.append("</div></section>\n");
    }

    @SuppressWarnings("unchecked")
    private static void norms(RunData run, StringBuilder sb) {
        sb.append("<section id=\"norms\"><h2>Weight and gradient norms per param</h2>\n");
        Map<String, Object> n = run.part("norms");
        if (n == null) { omitted(sb, run, "the norms"); return; }
        if (n.get("omitted") instanceof String why) { sb.append("<p class=\"omitted\">Left out: ").append(Html.esc(why)).append("</p></section>\n"); return; }
        sb.append("<p>L2 norms at the end of each epoch. The gradient is the training loss's (before clipping) on a fixed probe batch: the first ")
                .append(((Number) n.get("probe_rows")).intValue()).append(" training rows, computed by the reference interpreter beside the compiled step.</p>\n<div class=\"charts\">\n");
        for (Chart c : normCharts(n)) sb.append(SvgChart.render(c));
        sb.append("</div></section>\n");
    }

    /** The two norm charts (weights, gradients), one line per param. */
    @SuppressWarnings("unchecked")
    static List<Chart> normCharts(Map<String, Object> n) {
        int[] epochs = ((List<Object>) n.get("epochs")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
        List<Chart> charts = new ArrayList<>();
        for (String kind : List.of("weight", "gradient")) {
            List<Chart.Series> s = new ArrayList<>();
            int k = 0;
            for (var e : ((Map<String, Object>) n.get(kind)).entrySet()) {
                List<Object> l = (List<Object>) e.getValue();
                double[] v = new double[l.size()];
                for (int i = 0; i < v.length; i++) v[i] = l.get(i) instanceof Number x ? x.doubleValue() : Double.NaN;
                s.add(new Chart.Series(e.getKey(), Chart.PALETTE[k++ % Chart.PALETTE.length], v));
            }
            charts.add(new Chart(kind + "-norms", "norm", "‖" + kind + "‖₂ per param", epochs, s));
        }
        return charts;
    }

    private static void omitted(StringBuilder sb, RunData run, String what) {
        String why = run.report() == null ? "this history has no report data (it was written by a dlmc without it)" : "not recorded in this history";
        sb.append("<p class=\"omitted\">Left out: ").append(Html.esc(what)).append(": ").append(why).append(".</p></section>\n");
    }

    private static String num(double v) { return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "non-finite"; }
}
