package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dlm.compiler.TestFiles;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of {@code dlmc train examples/mnist.dlm --report run.html} (on 1,000 training
 * images) opened in headless Chromium (Debian's {@code chromium}): the DOM after its script ran
 * has the four charts, and a screenshot is not blank and shows each chart, with its lines'
 * colours, where the DOM says it is.
 *
 * <p>Chromium is found as {@code $DLM_CHROMIUM}, else {@code chromium}, {@code chromium-browser}
 * or {@code google-chrome} on the PATH ({@code .ci/run} installs Debian's package). Without it
 * the test fails when {@code CI=true} (as {@code .ci/run} sets) and is skipped, saying so,
 * elsewhere.
 */
class ReportBrowserTest {
    @TempDir
    Path tmp;

    static Path chromium() {
        String env = System.getenv("DLM_CHROMIUM");
        if (env != null && !env.isBlank()) return Path.of(env);
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return p;
            }
        return null;
    }

    /** Runs Chromium headless on {@code page} with {@code args}; returns its standard output. */
    private String chromium(Path exe, Path page, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--no-first-run", "--user-data-dir=" + tmp.resolve("profile")));
        cmd.addAll(List.of(args));
        cmd.add(page.toUri().toString());
        Path out = tmp.resolve("chromium.out"), err = tmp.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in 180 s: " + Files.readString(err));
        }
        assertEquals(0, p.exitValue(), "chromium: " + Files.readString(err));
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    void headlessChromiumRendersTheMnistReport() throws Exception {
        Path exe = chromium();
        if (exe == null) {
            if ("true".equals(System.getenv("CI"))) fail("CI=true but Chromium is missing: install Debian's chromium (.ci/run does) or set DLM_CHROMIUM");
            Assumptions.abort("no Chromium on the PATH (install Debian's chromium, or set DLM_CHROMIUM); this test is required when CI=true");
        }
        Path html = tmp.resolve("run.html");
        CliRunner r = CliRunner.run("train", TestFiles.example("mnist.dlm").toString(), "--data", TestFiles.dataDir().toString(),
                "--limit", "1000", "--epochs", "2", "--report", html.toString());
        assertEquals(0, r.status(), r.err());

        // the DOM after the page's script ran, laid out in the screenshot's window: four charts (loss,
        // accuracy, weight and gradient norms), with their boxes on the page
        int width = 1280, height = 6000;
        String window = "--window-size=" + width + "," + height;
        String dom = chromium(exe, html, window, "--dump-dom");
        Matcher charts = Pattern.compile("<body [^>]*data-charts=\"(\\d+)\"[^>]*data-chart-boxes=\"([^\"]*)\"").matcher(dom);
        assertTrue(charts.find(), "the page's script ran: " + dom.substring(0, Math.min(2000, dom.length())));
        assertEquals(4, Integer.parseInt(charts.group(1)));
        String[] boxes = charts.group(2).split(" ");
        assertEquals(4, boxes.length);
        assertEquals(100, count(dom, "<td class=\"cm\""), "a 10×10 confusion matrix");

        // the screenshot: not blank, and each chart drawn in its box
        Path shot = tmp.resolve("shot.png");
        chromium(exe, html, window, "--screenshot=" + shot);
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(width, img.getWidth());
        long ink = 0;
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                if (rgb != 0xFFFFFF) ink++;
                colours.add(rgb);
            }
        assertTrue(ink > 0.03 * img.getWidth() * img.getHeight(), "not blank: " + ink + " coloured pixels");
        assertTrue(colours.size() > 200, colours.size() + " colours");
        for (String box : boxes) {
            String[] b = box.split(",");
            int x0 = Integer.parseInt(b[0]), y0 = Integer.parseInt(b[1]), w = Integer.parseInt(b[2]), h = Integer.parseInt(b[3]);
            assertTrue(w >= 400 && h >= 200 && x0 + w <= img.getWidth() && y0 + h <= img.getHeight(), "chart box " + box + " on the screenshot");
            long line = 0, dark = 0;
            for (int y = y0; y < y0 + h; y++)
                for (int x = x0; x < x0 + w; x++) {
                    int rgb = img.getRGB(x, y) & 0xFFFFFF;
                    if (isSeries(rgb)) line++;
                    if (((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255) < 3 * 128) dark++;
                }
            assertTrue(line > 100, "chart " + box + ": " + line + " pixels of its lines' colours");
            assertTrue(dark > 300, "chart " + box + ": " + dark + " dark pixels (axes' text)");
        }
    }

    /** Close to one of the first four line colours (anti-aliasing blends the edges). */
    private static boolean isSeries(int rgb) {
        for (int c : new int[] {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728}) {
            int dr = ((rgb >> 16) & 255) - ((c >> 16) & 255), dg = ((rgb >> 8) & 255) - ((c >> 8) & 255), db = (rgb & 255) - (c & 255);
            if (dr * dr + dg * dg + db * db < 400) return true;
        }
        return false;
    }

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) n++;
        return n;
    }
}
