package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import dlm.compiler.report.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dlmc train --report/--plot} and {@code dlmc report} end to end: on MNIST (a subset of the
 * training data, the whole test set), on iris (classes, not images) and on Boston housing (a
 * regression), and the usage errors of the new options.
 */
class ReportCliTest {
    @TempDir
    Path tmp;

    private static int count(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path p) throws Exception { return (Map<String, Object>) Json.parse(Files.readString(p)); }

    /** Trains the chapter's model for 2 epochs on 1,000 images; the report holds the JSON's numbers and the whole test set. */
    @Test
    @SuppressWarnings("unchecked")
    void mnistReportHoldsTheHistoryTheConfusionMatrixAndTheMisclassifiedDigits() throws Exception {
        String mnist = TestFiles.example("mnist.dlm").toString(), data = TestFiles.dataDir().toString();
        Path html = tmp.resolve("run.html"), h = tmp.resolve("h.json"), png = tmp.resolve("curves.png");
        CliRunner r = CliRunner.run("train", mnist, "--data", data, "--limit", "1000", "--epochs", "2",
                "--report", html.toString(), "--json", h.toString(), "--plot", png.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().endsWith("report: " + html + "\ncurves: " + png + "\n"), r.out());
        Map<String, Object> j = json(h);
        String page = Files.readString(html);
        // the DOM holds every number of the JSON history, on its chart and in the table
        for (Object o : (List<Object>) j.get("epochs")) {
            Map<String, Object> e = (Map<String, Object>) o;
            for (String k : List.of("loss", "accuracy")) {
                String v = Double.toString(((Number) e.get(k)).doubleValue());
                assertTrue(page.contains("data-epoch=\"" + ((Number) e.get("epoch")).intValue() + "\" data-value=\"" + v + "\""), k + " " + v);
                assertTrue(page.contains("data-key=\"" + k + "\" data-value=\"" + v + "\""), k + " " + v);
            }
        }
        assertEquals(2, count(page, "<svg class=\"chart\" data-kind=\"metric\""), "loss and accuracy");
        assertEquals(2, count(page, "<svg class=\"chart\" data-kind=\"norm\""));
        // the confusion matrix counts the 10,000 test images; its diagonal is the test accuracy
        Matcher m = Pattern.compile("<td class=\"cm\" data-count=\"(\\d+)\"").matcher(page);
        long sum = 0, cells = 0;
        while (m.find()) { sum += Long.parseLong(m.group(1)); cells++; }
        assertEquals(100, cells);
        assertEquals(10000, sum);
        Map<String, Object> report = (Map<String, Object>) j.get("report");
        List<Object> matrix = (List<Object>) ((Map<String, Object>) report.get("confusion")).get("matrix");
        long right = 0;
        for (int i = 0; i < 10; i++) right += ((Number) ((List<Object>) matrix.get(i)).get(i)).longValue();
        assertEquals(((Number) j.get("test_acc")).doubleValue(), right / 10000.0, 1e-6);
        Map<String, Object> mis = (Map<String, Object>) report.get("misclassified");
        assertEquals(10000 - right, ((Number) mis.get("total")).longValue());
        List<Object> images = (List<Object>) mis.get("images");
        assertEquals(Math.min(64, 10000 - right), images.size());
        assertEquals(images.size(), count(page, "<figure class=\"mis\""));
        for (Object o : images) {
            Map<String, Object> im = (Map<String, Object>) o;
            assertFalse(im.get("true").equals(im.get("predicted")));
            String uri = (String) im.get("png");
            assertTrue(uri.startsWith("data:image/png;base64,"));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(uri.substring(uri.indexOf(',') + 1))));
            assertEquals(28, img.getWidth());
            assertEquals(28, img.getHeight());
        }
        // the norms: one value per epoch for each of the 4 params, weights as the model holds them
        Map<String, Object> norms = (Map<String, Object>) report.get("norms");
        assertEquals(List.of(1.0, 2.0), norms.get("epochs"));
        assertEquals(32.0, norms.get("probe_rows"));
        for (String kind : List.of("weight", "gradient")) {
            Map<String, Object> per = (Map<String, Object>) norms.get(kind);
            assertEquals(List.of("hidden.W", "hidden.b", "output.W", "output.b"), List.copyOf(per.keySet()));
            for (Object l : per.values()) for (Object v : (List<Object>) l) assertTrue(((Number) v).doubleValue() > 0, kind + " " + v);
        }
        assertTrue(page.contains("<td class=\"l\">hidden.W</td><td class=\"l\">f32</td><td class=\"l\">(784, 512)</td><td>401,408</td>"));
        BufferedImage curves = ImageIO.read(png.toFile());
        assertEquals(1920, curves.getWidth());
        // a past run: dlmc report draws the same page from the JSON
        Path again = tmp.resolve("again.html");
        CliRunner rep = CliRunner.run("report", h.toString(), "--out", again.toString());
        assertEquals(0, rep.status(), rep.err());
        assertEquals(page, Files.readString(again));
        // a report replaces a report (not another kind of file: see badOptionsAndHistoriesAreErrors)
        assertEquals(0, CliRunner.run("report", h.toString(), "--out", html.toString(), "--plot", png.toString()).status());
        assertEquals(page, Files.readString(html));
        // recording the report does not change the run: the same losses to the last digit as without it
        Path plain = tmp.resolve("plain.json");
        assertEquals(0, CliRunner.run("train", mnist, "--data", data, "--limit", "1000", "--epochs", "2", "--json", plain.toString()).status());
        assertEquals(json(plain).get("epochs").toString().replaceAll("\"?seconds\"?=[0-9.E-]+", ""),
                j.get("epochs").toString().replaceAll("\"?seconds\"?=[0-9.E-]+", ""));
        assertEquals(json(plain).get("test_loss"), j.get("test_loss"));
        assertFalse(json(plain).containsKey("report"), "plain --json is unchanged");
    }

    @Test
    void irisHasAConfusionMatrixButNoImages() throws Exception {
        Path html = tmp.resolve("iris.html");
        CliRunner r = CliRunner.run("train", TestFiles.example("iris.dlm").toString(), "--epochs", "3", "--report", html.toString());
        assertEquals(0, r.status(), r.err());
        String page = Files.readString(html);
        Matcher m = Pattern.compile("<td class=\"cm\" data-count=\"(\\d+)\"").matcher(page);
        long sum = 0;
        while (m.find()) sum += Long.parseLong(m.group(1));
        assertEquals(30, sum, "ceil(0.2 · 150) test rows");
        assertTrue(page.contains("<p class=\"omitted\">Left out: the inputs are not images (rows of shape [4])</p>"), page);
        assertEquals(1, count(page, "class=\"omitted\""));
    }

    @Test
    void aRegressionLeavesOutTheClassSections() throws Exception {
        Path html = tmp.resolve("boston.html"), png = tmp.resolve("b.png");
        CliRunner r = CliRunner.run("train", TestFiles.example("boston_housing.dlm").toString(), "--epochs", "2", "--report", html.toString(), "--plot", png.toString());
        assertEquals(0, r.status(), r.err());
        String page = Files.readString(html);
        assertEquals(2, count(page, "Left out: the labels are not class indices of the output \\(f32\\[batch, 1\\]\\)"), page);
        assertEquals(0, count(page, "data-count="));
        assertEquals(2, count(page, "<svg class=\"chart\" data-kind=\"metric\""), "loss and meanAbsoluteError");
        assertTrue(page.contains("data-id=\"meanAbsoluteError\""));
        assertEquals(2, count(page, "<svg class=\"chart\" data-kind=\"norm\""));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(Files.readAllBytes(png), 4));
    }

    @Test
    void badOptionsAndHistoriesAreErrors() throws Exception {
        String iris = TestFiles.example("iris.dlm").toString();
        // the report never replaces another kind of file, nor another output of the same run
        CliRunner r = CliRunner.run("train", iris, "--report", iris);
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--report " + iris + " exists and is not a training report"), r.err());
        Path same = tmp.resolve("x.html");
        CliRunner r2 = CliRunner.run("train", iris, "--report", same.toString(), "--plot", same.toString());
        assertEquals(2, r2.status());
        assertTrue(r2.err().contains("--report and --plot name the same file"), r2.err());
        CliRunner r3 = CliRunner.run("train", iris, "--plot", tmp.resolve("no/such/dir/c.png").toString());
        assertEquals(2, r3.status());
        assertTrue(r3.err().contains("does not exist"), r3.err());
        // dlmc report: a damaged history is located, a missing output is a usage error
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"epochs\": [\n  {\"epoch\": 1, \"loss\": }\n]}\n");
        CliRunner b = CliRunner.run("report", bad.toString(), "--out", tmp.resolve("o.html").toString());
        assertEquals(1, b.status());
        assertTrue(b.err().startsWith(bad + ":2:24: error: unexpected character '}'\n  {\"epoch\": 1, \"loss\": }\n" + " ".repeat(23) + "^"), b.err());
        Path notHistory = tmp.resolve("n.json");
        Files.writeString(notHistory, "{\"test_loss\": 1}");
        CliRunner n = CliRunner.run("report", notHistory.toString(), "--out", tmp.resolve("o.html").toString());
        assertEquals(1, n.status());
        assertTrue(n.err().contains("no \"epochs\" list"), n.err());
        CliRunner none = CliRunner.run("report", notHistory.toString());
        assertEquals(2, none.status());
        assertTrue(none.err().contains("give --out REPORT.html, --plot CURVES.png or both"), none.err());
        CliRunner missing = CliRunner.run("report", tmp.resolve("nope.json").toString(), "--out", tmp.resolve("o.html").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("is not a file"), missing.err());
        assertFalse(Files.exists(tmp.resolve("o.html")));
    }
}
