package dlm.compiler.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The HTML report and the PNG curves drawn from a hand-written history with known numbers. */
class ReportHtmlTest {
    /** Three epochs, validation with one non-finite value, a 3-class confusion matrix, two images, norms of two params. */
    static final String HISTORY = """
            {
              "epochs": [
                {"epoch": 1, "loss": 0.5, "accuracy": 0.8125, "val_loss": 0.625, "val_accuracy": 0.75, "seconds": 1.5},
                {"epoch": 2, "loss": 0.25, "accuracy": 0.875, "val_loss": null, "val_accuracy": 0.8, "seconds": 1.25},
                {"epoch": 3, "loss": 0.125, "accuracy": 0.9375, "val_loss": 0.375, "val_accuracy": 0.85, "seconds": 1.0}
              ],
              "test_loss": 0.3, "test_acc": 0.88,
              "report": {"model": "Tiny", "source": "tiny.dlm",
                "summary": {"inputs": ["x: f32[batch, 4]"], "outputs": ["output: f32[batch, 3]"], "params": [["d.W", "f32", "(4, 3)", 12], ["d.b", "f32", "(3,)", 3]], "total": 15, "trainable": 15},
                "graph": {"nodes": [{"id": 0, "name": "x", "op": "input", "type": "f32[batch, 4]", "kind": "input", "output": false},
                                    {"id": 1, "name": "d.W", "op": "param", "type": "f32[4, 3]", "kind": "param", "output": false},
                                    {"id": 2, "name": null, "op": "matmul", "type": "f32[batch, 3]", "kind": "op", "output": false},
                                    {"id": 3, "name": "d.b", "op": "param", "type": "f32[3]", "kind": "param", "output": false},
                                    {"id": 4, "name": "d", "op": "add", "type": "f32[batch, 3]", "kind": "op", "output": true}],
                          "edges": [[0, 2], [1, 2], [2, 4], [3, 4]]},
                "norms": {"probe_rows": 2, "epochs": [1, 2, 3], "weight": {"d.W": [1.5, 1.75, 2.0], "d.b": [0.0625, 0.125, 0.25]}, "gradient": {"d.W": [0.5, 0.25, 0.125], "d.b": [0.1, 0.05, 0.025]}},
                "confusion": {"labels": ["0", "1", "2"], "matrix": [[5, 1, 0], [0, 4, 2], [1, 0, 7]], "test_count": 20},
                "misclassified": {"total": 4, "images": [
                  {"index": 3, "true": "0", "predicted": "1", "png": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="},
                  {"index": 7, "true": "1", "predicted": "2", "png": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="}]}
              }
            }
            """;

    private static String html(String json) { return HtmlReport.render(RunData.of(Json.parse(json)), "Training report: test"); }

    /** The SVG element of the chart with this id. */
    private static String chart(String html, String id) {
        Matcher m = Pattern.compile("(?s)<svg class=\"chart\" data-kind=\"\\w+\" data-id=\"" + Pattern.quote(id) + "\".*?</svg>").matcher(html);
        assertTrue(m.find(), "chart " + id);
        return m.group();
    }

    /** The values of a series' points, in order. */
    private static List<Double> points(String svg, String series) {
        Matcher g = Pattern.compile("(?s)<g class=\"series\" data-series=\"" + Pattern.quote(series) + "\">.*?</g>").matcher(svg);
        assertTrue(g.find(), "series " + series + " in " + svg);
        List<Double> v = new ArrayList<>();
        Matcher p = Pattern.compile("<circle class=\"pt\"[^>]*data-value=\"([^\"]+)\"").matcher(g.group());
        while (p.find()) v.add(Double.parseDouble(p.group(1)));
        return v;
    }

    private static int count(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Test
    void oneChartPerMetricHoldingTheHistorysNumbers() {
        String h = html(HISTORY);
        assertEquals(2, count(h, "<svg class=\"chart\" data-kind=\"metric\""), "loss and accuracy");
        assertEquals(2, count(h, "<svg class=\"chart\" data-kind=\"norm\""), "weight and gradient norms");
        String loss = chart(h, "loss");
        assertEquals(List.of(0.5, 0.25, 0.125), points(loss, "train loss"));
        assertEquals(List.of(0.625, 0.375), points(loss, "validation loss"), "the non-finite value is a gap, not a point");
        assertEquals(1, count(loss, "<polyline"), "the train line only: the validation values on either side of the gap are lone points (circles)");
        String acc = chart(h, "accuracy");
        assertEquals(List.of(0.8125, 0.875, 0.9375), points(acc, "train accuracy"));
        assertEquals(List.of(0.75, 0.8, 0.85), points(acc, "validation accuracy"));
        assertEquals(List.of(1.5, 1.75, 2.0), points(chart(h, "weight-norms"), "d.W"));
        assertEquals(List.of(0.1, 0.05, 0.025), points(chart(h, "gradient-norms"), "d.b"));
        // the history table holds every number of every epoch (seconds too)
        for (String kv : List.of("loss\" data-value=\"0.125", "accuracy\" data-value=\"0.9375", "val_loss\" data-value=\"0.625", "seconds\" data-value=\"1.25"))
            assertTrue(h.contains("data-key=\"" + kv + "\""), kv);
        assertTrue(h.contains("<td data-value=\"0.88\">0.8800</td>"), "test accuracy");
    }

    @Test
    void confusionMatrixSumsToTheTestCountAndTheOtherSectionsAreThere() {
        String h = html(HISTORY);
        Matcher m = Pattern.compile("data-count=\"(\\d+)\"").matcher(h);
        long sum = 0, cells = 0;
        while (m.find()) { sum += Long.parseLong(m.group(1)); cells++; }
        assertEquals(9, cells);
        assertEquals(20, sum);
        assertEquals(2, count(h, "<figure class=\"mis\""));
        assertTrue(h.contains("4 of the test images are misclassified; the first 2 shown"), h);
        assertTrue(h.contains("pred 2 / true 1"));
        assertTrue(h.contains("<td class=\"l\">d.W</td><td class=\"l\">f32</td><td class=\"l\">(4, 3)</td><td>12</td>"));
        assertTrue(h.contains("data-nodes=\"5\" data-edges=\"4\""));
        assertEquals(5, count(h, "<g class=\"node\""));
        assertEquals(0, count(h, "class=\"omitted\""), "every section applies");
    }

    @Test
    void selfContained() {
        String h = html(HISTORY);
        // nothing is fetched: no link, no external script, image or style; http only as SVG's namespace name
        assertFalse(h.contains("<link"));
        assertEquals(0, count(h, "(src|href)=\"(?!data:)"), "every src is a data URI");
        assertEquals(count(h, "http://"), count(h, "xmlns=\"http://www.w3.org/2000/svg\""));
        assertFalse(h.contains("https:"));
        assertFalse(h.contains("@import"));
        assertTrue(h.contains(HtmlReport.GENERATOR));
    }

    @Test
    void sectionsThatDoNotApplyAreLeftOutWithAReason() {
        // a regression: no class labels, so neither a confusion matrix nor misclassified images
        String regression = HISTORY.replaceAll("(?s)\"confusion\": \\{.*?\"test_count\": 20\\},", "\"confusion\": {\"omitted\": \"the labels are not class indices\"},")
                .replaceAll("(?s)\"misclassified\": \\{\"total\".*\\]\\}", "\"misclassified\": {\"omitted\": \"the inputs are not images\"}");
        String h = html(regression);
        assertTrue(h.contains("<p class=\"omitted\">Left out: the labels are not class indices</p>"), h);
        assertTrue(h.contains("<p class=\"omitted\">Left out: the inputs are not images</p>"));
        assertEquals(0, count(h, "data-count="));
        assertEquals(4, count(h, "<svg class=\"chart\""));
        // a history written by plain --json: the curves only, each other section says why it is missing
        String plain = HISTORY.replaceAll("(?s),\\s*\"report\": \\{.*\\}\\s*\\}\\s*$", "}");
        String p = html(plain);
        assertEquals(5, count(p, "class=\"omitted\""), p);
        assertTrue(p.contains("Left out: the model graph: this history has no report data"));
        assertEquals(2, count(p, "<svg class=\"chart\""));
    }

    @Test
    void notAHistoryIsRefusedSayingWhy() {
        var e = assertThrows(IllegalArgumentException.class, () -> RunData.of(Json.parse("{\"test_loss\": 1}")));
        assertTrue(e.getMessage().contains("no \"epochs\" list"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> RunData.of(Json.parse("{\"epochs\": [{\"loss\": 1}]}")));
        assertTrue(e2.getMessage().contains("\"epoch\" and \"loss\""), e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunData.of(Json.parse("[1]")));
    }

    @Test
    void jsonRoundTripAndLocatedErrors() {
        Object v = Json.parse(HISTORY);
        assertEquals(v, Json.parse(Json.write(v)));
        assertEquals(Map.of("a", List.of(1.0, -2.5e-3, "q\"\n\u00e9"), "b", true), Json.parse("{\"a\": [1, -2.5e-3, \"q\\\"\\n\\u00e9\"], \"b\": true}"));
        assertEquals("[null, 1.5, \"x\"]", Json.write(java.util.Arrays.asList(Double.NaN, 1.5, "x")));
        var e = assertThrows(Json.JsonException.class, () -> Json.parse("{\"a\": [1, 2,\n x]}"));
        assertEquals(2, e.line);
        assertEquals(2, e.column);
        var e2 = assertThrows(Json.JsonException.class, () -> Json.parse("{\"a\": 1"));
        assertTrue(e2.getMessage().contains("unexpected end"), e2.getMessage());
        assertThrows(Json.JsonException.class, () -> Json.parse("{} x"));
    }

    @Test
    void roundTicks() {
        double[] t = Chart.ticks(0.1, 0.9);
        assertEquals(4, t.length);
        for (int k = 0; k < 4; k++) assertEquals(0.2 * (k + 1), t[k], 1e-12);
        assertEquals("0.20", Chart.tickLabel(0.2, 0.05));
        assertEquals("0.960", Chart.tickLabel(0.96, 0.005));
        assertEquals("30", Chart.tickLabel(30, 10));
    }

    @Test
    void legendsWrapAndTheChartGrows() {
        List<Chart.Series> many = new ArrayList<>();
        for (int k = 0; k < 8; k++) many.add(new Chart.Series("conv" + k + ".kernel", Chart.PALETTE[k], new double[] {1, 2}));
        Chart c = new Chart("weight-norms", "norm", "weights", new int[] {1, 2}, many);
        int[][] at = SvgChart.legend(c);
        for (int[] a : at) assertTrue(a[0] + 28 + 7 * "conv0.kernel".length() - 12 <= SvgChart.W - SvgChart.RIGHT, "inside the chart");
        int rows = at[at.length - 1][1] + 1;
        assertEquals(3, rows, "8 entries of 112 px, 3 to a row");
        assertTrue(SvgChart.render(c).contains("height=\"" + (SvgChart.H + 2 * SvgChart.LEGEND_ROW) + "\""));
        assertEquals(SvgChart.LEFT, at[0][0]);
        assertEquals(SvgChart.LEFT, at[3][0], "the fourth entry starts the second row");
        assertEquals(1, at[3][1]);
    }

    @Test
    void graphLayersPutLeavesJustAboveTheirConsumer() {
        // x -> matmul(x, W) -> add(·, b): W beside x above the product, b beside the product above the sum
        List<List<Integer>> ins = List.of(List.of(), List.of(), List.of(0, 1), List.of(), List.of(2, 3));
        List<List<Integer>> outs = List.of(List.of(2), List.of(2), List.of(4), List.of(4), List.of());
        assertArrayEquals(new int[] {0, 0, 1, 1, 2}, GraphSvg.layers(5, ins, outs));
    }

    @Test
    void pngCurvesDrawEveryChart() throws Exception {
        RunData run = RunData.of(Json.parse(HISTORY));
        byte[] png = PngCurves.render(run.curveCharts());
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(2 * SvgChart.W * 2, img.getWidth(), "two charts side by side, at twice the SVG's size");
        assertEquals(SvgChart.H * 2, img.getHeight());
        // each half holds the train line's blue and the validation line's orange
        for (int half = 0; half < 2; half++) {
            int blue = 0, orange = 0;
            for (int y = 0; y < img.getHeight(); y++)
                for (int x = half * img.getWidth() / 2; x < (half + 1) * img.getWidth() / 2; x++) {
                    int rgb = img.getRGB(x, y) & 0xFFFFFF;
                    if (rgb == 0x1f77b4) blue++;
                    if (rgb == 0xff7f0e) orange++;
                }
            assertTrue(blue > 200 && orange > 200, "half " + half + ": blue " + blue + ", orange " + orange);
        }
    }
}
