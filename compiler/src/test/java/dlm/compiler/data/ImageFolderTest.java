package dlm.compiler.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.TrainConfig;
import dlm.compiler.check.Value;
import dlm.compiler.diag.DlmException;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.data.Dataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * imageFolder(…) on generated folders: Keras's listing (sorted classes, image extensions only, an
 * empty class), resizing against a bilinear reference computed here, gray/rgb/rgba conversions,
 * u8 rounding, split, and every bad folder as a located error naming the file.
 */
class ImageFolderTest {
    @TempDir
    Path tmp;

    private final List<String> reported = new ArrayList<>();

    private static String model(String input, int classes) {
        return "import std.nn.*\nmodel M(img: " + input + ") {\n    return dense(img.reshape(batch, -1).toF32(), units = " + classes + ", activation = ::softmax)\n}\n";
    }

    private Dataset load(String model, String data) throws IOException {
        Path f = tmp.resolve("m.dlm");
        Files.writeString(f, model + "train(M) {\n    data = " + data + "\n    loss = ::sparseCategoricalCrossentropy\n    optimizer = sgd()\n}\n");
        CheckedProgram p = Frontend.load(f);
        TrainConfig t = p.trains().get(0);
        return DataSources.load((DataSource) ((Value.ConfigV) t.settings().get("data")).args().get("source"), TrainGraph.build(p, t).feed(), reported::add);
    }

    private String error(String model, String data) {
        return assertThrows(DlmException.class, () -> load(model, data)).render();
    }

    /** A gray PNG (8-bit samples as given, row-major). */
    private Path gray(String path, int h, int w, int... v) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSamples(0, 0, w, h, 0, v);
        return write(path, img, "png");
    }

    /** An RGB image in format (png, jpg, bmp) of one colour a pixel (0xRRGGBB). */
    private Path rgb(String path, String format, int h, int w, int... colours) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < colours.length; i++) img.setRGB(i % w, i / w, colours[i]);
        return write(path, img, format);
    }

    private Path write(String path, BufferedImage img, String format) throws IOException {
        Path p = tmp.resolve(path);
        Files.createDirectories(p.getParent());
        assertTrue(ImageIO.write(img, format, p.toFile()));
        return p;
    }

    /** The bilinear resize with half-pixel centres, written as the weighted sum of the four neighbours. */
    private static double[] reference(double[] img, int h, int w, int oh, int ow) {
        double[] out = new double[oh * ow];
        for (int y = 0; y < oh; y++) {
            double sy = Math.max((y + 0.5) * h / oh - 0.5, 0);
            int y0 = (int) Math.floor(sy), y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < ow; x++) {
                double sx = Math.max((x + 0.5) * w / ow - 0.5, 0);
                int x0 = (int) Math.floor(sx), x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                out[y * ow + x] = (1 - fy) * (1 - fx) * img[y0 * w + x0] + (1 - fy) * fx * img[y0 * w + x1] + fy * (1 - fx) * img[y1 * w + x0] + fy * fx * img[y1 * w + x1];
            }
        }
        return out;
    }

    @Test
    void classesAreSortedSubfoldersAndOnlyImagesAreListed() throws IOException {
        gray("d/zebra/b.png", 2, 2, 1, 1, 1, 1);
        gray("d/zebra/a.PNG", 2, 2, 2, 2, 2, 2);
        gray("d/zebra/sub/c.png", 2, 2, 3, 3, 3, 3);
        gray("d/ant/x.png", 2, 2, 4, 4, 4, 4);
        Files.writeString(tmp.resolve("d/ant/notes.txt"), "not an image");
        Files.writeString(tmp.resolve("d/ant/x.png.bak"), "not an image");
        Files.createDirectories(tmp.resolve("d/empty"));
        Files.createDirectories(tmp.resolve("d/.hidden"));
        gray("d/.hidden/h.png", 2, 2, 9, 9, 9, 9);
        gray("d/top.png", 2, 2, 9, 9, 9, 9); // not in a class folder: not listed
        Dataset d = load(model("u8[batch, 2, 2, 1]", 3), "imageFolder(\"d\", size = [2, 2], color = \"grayscale\")");
        assertEquals(List.of("Found 4 files belonging to 3 classes: ant, empty, zebra (labels 0 to 2)"), reported);
        assertEquals(DType.U8, d.trainImages().dtype());
        assertArrayEquals(new int[] {4, 2, 2, 1}, d.trainImages().shape());
        // ant/x, then zebra's files sorted (a.PNG, b.png), then its subfolder's
        assertArrayEquals(new double[] {4, 4, 4, 4, 2, 2, 2, 2, 1, 1, 1, 1, 3, 3, 3, 3}, d.trainImages().toDoubles());
        assertEquals(DType.I32, d.trainLabels().dtype());
        assertArrayEquals(new double[] {0, 2, 2, 2}, d.trainLabels().toDoubles());
        assertEquals(0, d.testImages().dim(0));
    }

    @Test
    void mixedSizesAreResizedBilinearlyAsTensorFlowDoes() throws IOException {
        int[] small = {0, 100, 200, 40};                  // 2 × 2, upsampled to 4 × 4
        int[] tall = {10, 20, 30, 40, 50, 60, 70, 80, 90}; // 3 × 3, downsampled with scale 1.5
        int[] big = new int[16];                           // 4 × 4, downsampled by 2: block means
        for (int i = 0; i < 16; i++) big[i] = (i * 37) % 251;
        int[] same = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        gray("d/c/a.png", 2, 2, small);
        gray("d/c/b.png", 3, 3, tall);
        gray("d/c/c.png", 4, 4, big);
        gray("d/c/d.png", 4, 4, same);
        Dataset f = load(model("f32[batch, 4, 4]", 1), "imageFolder(\"d\", size = [4, 4], color = \"grayscale\")");
        double[] got = f.trainImages().toDoubles();
        int[][] images = {small, tall, big, same};
        int[] sizes = {2, 3, 4, 4};
        for (int i = 0; i < 4; i++) {
            double[] in = java.util.Arrays.stream(images[i]).asDoubleStream().toArray();
            double[] want = reference(in, sizes[i], sizes[i], 4, 4);
            assertArrayEquals(want, java.util.Arrays.copyOfRange(got, i * 16, i * 16 + 16), 1e-4, "image " + i);
        }
        // by hand: between 0 and 100 at a quarter and three quarters; the centre four of 0, 100, 200, 40
        assertArrayEquals(new double[] {0, 25, 75, 100}, java.util.Arrays.copyOfRange(got, 0, 4));
        assertEquals(58.75, got[5]);
        // downsampling 4 × 4 to 2 × 2 averages each 2 × 2 block exactly
        Dataset half = load(model("f32[batch, 2, 2]", 1), "imageFolder(\"d\", size = [2, 2], color = \"grayscale\")");
        assertEquals((big[0] + big[1] + big[4] + big[5]) / 4.0, half.trainImages().toDoubles()[8]);
        assertEquals((same[10] + same[11] + same[14] + same[15]) / 4.0, half.trainImages().toDoubles()[15]);
        // a non-square target: 2 × 2 to 1 × 4
        Dataset wide = load(model("f32[batch, 1, 4]", 1), "take(imageFolder(\"d\", size = [1, 4], color = \"grayscale\"), 1)");
        assertArrayEquals(reference(new double[] {0, 100, 200, 40}, 2, 2, 1, 4), wide.trainImages().toDoubles(), 1e-4);
    }

    @Test
    void u8RoundsToTheNearestTiesToEven() throws IOException {
        gray("d/c/a.png", 1, 2, 0, 5); // to 1 × 4: 0, 1.25, 3.75, 5
        gray("d/c/b.png", 1, 2, 0, 2); // to 1 × 4: 0, 0.5, 1.5, 2
        Dataset d = load(model("u8[batch, 1, 4]", 1), "imageFolder(\"d\", size = [1, 4], color = \"grayscale\")");
        assertArrayEquals(new double[] {0, 1, 4, 5, 0, 0, 2, 2}, d.trainImages().toDoubles());
        Dataset f = load(model("f32[batch, 1, 4]", 1), "imageFolder(\"d\", size = [1, 4], color = \"grayscale\")");
        assertArrayEquals(new double[] {0, 1.25, 3.75, 5, 0, 0.5, 1.5, 2}, f.trainImages().toDoubles());
    }

    @Test
    void colourConversions() throws IOException {
        int[] colours = {0x0AC81E, 0xFF0000, 0x00FF00, 0x123456};
        rgb("d/c/a.png", "png", 2, 2, colours);
        gray("d/g/b.png", 2, 2, 7, 80, 160, 255);
        BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x80102030);
        rgba.setRGB(1, 0, 0xFF405060);
        write("d/r/c.png", rgba, "png");
        // gray from colour: ITU-R 601 luma, rounded
        Dataset g = load(model("u8[batch, 2, 2, 1]", 3), "take(imageFolder(\"d\", size = [2, 2], color = \"grayscale\"), 2)");
        double[] gv = g.trainImages().toDoubles();
        for (int i = 0; i < 4; i++) {
            int c = colours[i];
            assertEquals(Math.round(0.299 * (c >> 16) + 0.587 * ((c >> 8) & 0xFF) + 0.114 * (c & 0xFF)), (long) gv[i], "pixel " + i);
        }
        assertArrayEquals(new double[] {7, 80, 160, 255}, java.util.Arrays.copyOfRange(gv, 4, 8)); // a gray file as stored
        // rgb: colour as is, gray repeated, alpha dropped
        Dataset c = load(model("u8[batch, 2, 2, 3]", 3), "take(imageFolder(\"d\", size = [2, 2]), 2)");
        double[] cv = c.trainImages().toDoubles();
        assertArrayEquals(new double[] {10, 200, 30, 255, 0, 0, 0, 255, 0, 0x12, 0x34, 0x56}, java.util.Arrays.copyOfRange(cv, 0, 12));
        assertArrayEquals(new double[] {7, 7, 7, 80, 80, 80, 160, 160, 160, 255, 255, 255}, java.util.Arrays.copyOfRange(cv, 12, 24));
        Dataset a = load(model("u8[batch, 1, 2, 4]", 3), "imageFolder(\"d\", size = [1, 2], color = \"rgba\")");
        // classes c, g, r: r's image is the third; its alpha is kept, an opaque file's is 255
        double[] av = a.trainImages().toDoubles();
        assertArrayEquals(new double[] {0x10, 0x20, 0x30, 0x80, 0x40, 0x50, 0x60, 0xFF}, java.util.Arrays.copyOfRange(av, 16, 24));
        assertEquals(255, av[3]);
    }

    @Test
    void jpegAndBmpFilesAndSplit() throws IOException {
        int[] grey = new int[64];
        java.util.Arrays.fill(grey, 0x808080);
        for (int i = 0; i < 5; i++) rgb("d/a/" + i + ".jpg", "jpg", 8, 8, grey);
        for (int i = 0; i < 5; i++) rgb("d/b/" + i + ".bmp", "bmp", 8, 8, grey);
        Dataset d = load(model("f32[batch, 8, 8, 3]", 2), "split(imageFolder(\"d\", size = [8, 8]), test = 0.2, seed = 1)");
        assertEquals(8, d.trainImages().dim(0));
        assertEquals(2, d.testImages().dim(0));
        for (double v : d.trainImages().toDoubles()) assertEquals(128, v, 2); // JPEG is lossy; a flat colour stays within a level or two
        double labelSum = 0;
        for (double v : d.trainLabels().toDoubles()) labelSum += v;
        for (double v : d.testLabels().toDoubles()) labelSum += v;
        assertEquals(5, labelSum);
    }

    @Test
    void badFoldersAndFilesAreLocatedErrors() throws IOException {
        String m = tmp.resolve("m.dlm").toString();
        String u8 = model("u8[batch, 2, 2]", 2);
        assertEquals(m + ":6:12: error: no such folder: " + tmp.resolve("none"), first(error(u8, "imageFolder(\"none\", size = [2, 2], color = \"grayscale\")")));
        Files.writeString(tmp.resolve("file.png"), "x");
        assertTrue(first(error(u8, "imageFolder(\"file.png\", size = [2, 2], color = \"grayscale\")")).endsWith("file.png is not a folder; imageFolder() takes a folder with one subfolder of images a class"));
        Files.createDirectories(tmp.resolve("flat"));
        gray("flat/a.png", 2, 2, 1, 2, 3, 4);
        assertTrue(first(error(u8, "imageFolder(\"flat\", size = [2, 2], color = \"grayscale\")")).contains("flat has no subfolders"));
        Files.createDirectories(tmp.resolve("noimg/a"));
        Files.writeString(tmp.resolve("noimg/a/x.txt"), "x");
        assertTrue(first(error(u8, "imageFolder(\"noimg\", size = [2, 2], color = \"grayscale\")")).endsWith("no images in " + tmp.resolve("noimg") + "'s 1 subfolder (image files end in .bmp, .gif, .jpeg, .jpg, .png)"));
        // a damaged image: the file is named
        gray("d/a/ok.png", 2, 2, 1, 2, 3, 4);
        Files.createDirectories(tmp.resolve("d/b"));
        Files.write(tmp.resolve("d/b/bad.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        String bad = error(u8, "imageFolder(\"d\", size = [2, 2], color = \"grayscale\")");
        assertTrue(first(bad).startsWith(m + ":6:12: error: " + tmp.resolve("d/b/bad.png") + " is "), bad);
        assertTrue(!bad.contains("\tat "), bad);
        Files.write(tmp.resolve("d/b/bad.png"), "plain text".getBytes());
        assertEquals(m + ":6:12: error: " + tmp.resolve("d/b/bad.png") + " is not a PNG, JPEG, BMP or GIF image", first(error(u8, "imageFolder(\"d\", size = [2, 2], color = \"grayscale\")")));
        Files.delete(tmp.resolve("d/b/bad.png"));
        // the model does not fit: both places
        String shape = error(model("u8[batch, 28, 28]", 2), "imageFolder(\"d\", size = [2, 2])");
        assertTrue(shape.startsWith(m + ":6:12: error: " + tmp.resolve("d") + " gives images of [2, 2, 3] (size = [2, 2], color = \"rgb\"), but model M's input img: u8[batch, 28, 28] takes rows of [28, 28]"), shape);
        assertTrue(shape.contains(m + ":2:9: note: model M's input img is declared here"), shape);
        // rgb images (three channels) for a grayscale input, in full: the folder's call and the model's input
        String channels = error(u8, "imageFolder(\"d\", size = [2, 2], color = \"rgb\")").replaceAll("\\^~+", "^");
        assertEquals(m + ":6:12: error: " + tmp.resolve("d") + " gives images of [2, 2, 3] (size = [2, 2], color = \"rgb\"), but model M's input img: u8[batch, 2, 2] takes rows of [2, 2]\n"
                + "    data = imageFolder(\"d\", size = [2, 2], color = \"rgb\")\n"
                + "           ^\n"
                + m + ":2:9: note: model M's input img is declared here\n"
                + "model M(img: u8[batch, 2, 2]) {\n"
                + "        ^", channels);
        String classes = error(model("u8[batch, 2, 2]", 1), "imageFolder(\"d\", size = [2, 2], color = \"grayscale\")");
        assertTrue(first(classes).endsWith("has 2 classes (a, b), but model M tells 1 apart"));
        assertEquals(m + ":3:12: note: model M's output, which the loss compares the labels (i32[batch]) with, is made here", classes.lines().toList().get(3), classes);
        // the arguments
        assertTrue(first(error(u8, "imageFolder(\"d\", size = [2])")).contains("'size' of imageFolder() must be [height, width], such as [28, 28]"));
        assertTrue(first(error(u8, "imageFolder(\"d\", size = [2, 0])")).contains("from 1 to 65536"));
        assertTrue(first(error(u8, "imageFolder(\"d\", color = \"gray\")")).endsWith("'color' of imageFolder() must be \"grayscale\", \"rgb\" or \"rgba\", got \"gray\""));
        assertTrue(first(error(u8, "imageFolder(\"d\", labels = \"none\")")).contains("'labels' of imageFolder() must be \"inferred\""));
    }

    private static String first(String rendered) { return rendered.lines().findFirst().orElseThrow(); }
}
