package dlm.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngTest {

    @TempDir
    Path dir;

    static byte[] noise(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static byte[] png(byte[] pixels, int w, int h, int scale) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Png.writeGray(pixels, w, h, scale, out);
        return out.toByteArray();
    }

    /** Decodes with ImageIO and returns the raw gray samples (not getRGB, which gamma-converts gray). */
    static byte[] decode(byte[] png, int expectedW, int expectedH) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType());
        assertEquals(expectedW, img.getWidth());
        assertEquals(expectedH, img.getHeight());
        byte[] out = new byte[expectedW * expectedH];
        for (int y = 0; y < expectedH; y++)
            for (int x = 0; x < expectedW; x++) out[y * expectedW + x] = (byte) img.getRaster().getSample(x, y, 0);
        return out;
    }

    record Chunk(String type, byte[] data, int crc) {}

    static List<Chunk> chunks(byte[] png) {
        assertArrayEquals(Png.SIGNATURE, Arrays.copyOf(png, 8));
        List<Chunk> list = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(png, 8, png.length - 8);
        while (b.hasRemaining()) {
            int len = b.getInt();
            byte[] type = new byte[4];
            b.get(type);
            byte[] data = new byte[len];
            b.get(data);
            list.add(new Chunk(new String(type, StandardCharsets.US_ASCII), data, b.getInt()));
        }
        return list;
    }

    @Test
    void imageIoDecodesTheSamePixels() throws IOException {
        byte[] px = {0, 1, (byte) 127, (byte) 128, (byte) 254, (byte) 255};
        assertArrayEquals(px, decode(png(px, 3, 2, 1), 3, 2));
        byte[] digit = noise(28 * 28, 1);
        assertArrayEquals(digit, decode(png(digit, 28, 28, 1), 28, 28));
        byte[] tall = noise(1 * 9, 2);
        assertArrayEquals(tall, decode(png(tall, 1, 9, 1), 1, 9));
    }

    @Test
    void scalingRepeatsEachPixelIntoASquare() throws IOException {
        byte[] digit = noise(28 * 28, 3);
        byte[] big = decode(png(digit, 28, 28, 10), 280, 280);
        for (int y = 0; y < 280; y++)
            for (int x = 0; x < 280; x++) assertEquals(digit[(y / 10) * 28 + x / 10], big[y * 280 + x], x + "," + y);
        byte[] px = {10, 20, 30, 40, 50, 60};
        assertArrayEquals(new byte[] {10, 10, 20, 20, 30, 30, 10, 10, 20, 20, 30, 30, 40, 40, 50, 50, 60, 60, 40, 40, 50, 50, 60, 60},
                decode(png(px, 3, 2, 2), 6, 4));
    }

    @Test
    void chunksAreWellFormedWithCorrectCrcs() throws IOException {
        List<Chunk> cs = chunks(png(new byte[] {1, 2, 3, 4, 5, 6}, 2, 3, 2));
        assertEquals(List.of("IHDR", "IDAT", "IEND"), cs.stream().map(Chunk::type).toList());
        assertArrayEquals(new byte[] {0, 0, 0, 4, 0, 0, 0, 6, 8, 0, 0, 0, 0}, cs.get(0).data()); // 4×6, 8-bit gray
        assertEquals(0, cs.get(2).data().length);
        assertEquals(0xAE426082, cs.get(2).crc()); // the IEND every PNG ends with
        for (Chunk c : cs) {
            CRC32 crc = new CRC32();
            crc.update(c.type().getBytes(StandardCharsets.US_ASCII));
            crc.update(c.data());
            assertEquals((int) crc.getValue(), c.crc(), c.type());
        }
    }

    @Test
    void largeImagesSpanSeveralIdatChunks() throws IOException {
        byte[] px = noise(400 * 300, 4); // noise does not compress: > 64 KiB of IDAT
        byte[] png = png(px, 400, 300, 1);
        List<Chunk> cs = chunks(png);
        assertTrue(cs.stream().filter(c -> c.type().equals("IDAT")).count() > 1);
        for (Chunk c : cs) {
            CRC32 crc = new CRC32();
            crc.update(c.type().getBytes(StandardCharsets.US_ASCII));
            crc.update(c.data());
            assertEquals((int) crc.getValue(), c.crc());
        }
        assertArrayEquals(px, decode(png, 400, 300));
    }

    @Test
    void pathVariantWritesAtomicallyAndReadsBack() throws IOException {
        byte[] digit = noise(28 * 28, 5);
        Path p = dir.resolve("digit.png");
        Png.writeGray(digit, 28, 28, 1, p);
        assertEquals(new GrayImage(28, 28, digit), Png.readGray(p));
        Png.writeGray(new GrayImage(28, 28, digit), 3, p);
        GrayImage big = Png.readGray(p);
        assertEquals(84, big.width());
        assertEquals(digit[0] & 0xFF, big.get(2, 2));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("digit.png"), s.map(x -> x.getFileName().toString()).toList());
        }
    }

    @Test
    void badArgumentsFailBeforeWriting() {
        Path p = dir.resolve("x.png");
        assertEquals("5 pixels for a 2×3 image",
                assertThrows(IllegalArgumentException.class, () -> Png.writeGray(new byte[5], 2, 3, 1, p)).getMessage());
        assertEquals("scale must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> Png.writeGray(new byte[6], 2, 3, 0, p)).getMessage());
        assertEquals("image size must be positive, got 0×3",
                assertThrows(IllegalArgumentException.class, () -> Png.writeGray(new byte[0], 0, 3, 1, p)).getMessage());
        assertTrue(Files.notExists(p));
    }

    // ---- reading other PNG flavours -----------------------------------------------------------

    private Path save(BufferedImage img, String name) throws IOException {
        Path p = dir.resolve(name);
        assertTrue(ImageIO.write(img, "png", p.toFile()));
        return p;
    }

    @Test
    void rgbBecomesLuminanceLikePil() throws IOException {
        BufferedImage img = new BufferedImage(5, 1, BufferedImage.TYPE_INT_RGB);
        int[] rgb = {0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF, 0x0A141E};
        for (int x = 0; x < 5; x++) img.setRGB(x, 0, rgb[x]);
        // PIL: L = R*299/1000 + G*587/1000 + B*114/1000 in 16-bit fixed point, rounded.
        assertArrayEquals(new byte[] {76, (byte) 150, 29, (byte) 255, 18}, Png.readGray(save(img, "rgb.png")).pixels());
    }

    @Test
    void transparencyIsCompositedOverBlack() throws IOException {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x00FFFFFF); // transparent white
        img.setRGB(1, 0, 0x80FFFFFF); // half-transparent white
        img.setRGB(2, 0, 0xFFFFFFFF); // opaque white
        assertArrayEquals(new byte[] {0, (byte) 128, (byte) 255}, Png.readGray(save(img, "rgba.png")).pixels());
    }

    @Test
    void grayKeepsItsSamplesExactly() throws IOException {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 100, 200});
        assertArrayEquals(new byte[] {0, 100, (byte) 200}, Png.readGray(save(img, "gray.png")).pixels());

        BufferedImage deep = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {0x1234, 0xFFFF});
        assertArrayEquals(new byte[] {0x12, (byte) 0xFF}, Png.readGray(save(deep, "gray16.png")).pixels());
    }

    @Test
    void paletteImagesAreRead() throws IOException {
        byte[] r = {0, (byte) 255}, g = {0, (byte) 255}, b = {0, 0};
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 2, r, g, b));
        img.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {1, 0});
        assertArrayEquals(new byte[] {(byte) 226, 0}, Png.readGray(save(img, "palette.png")).pixels()); // yellow, black
    }

    @Test
    void unreadableFilesAreReported() throws IOException {
        Path p = dir.resolve("note.png");
        Files.writeString(p, "not an image");
        assertEquals(p + ": not a PNG image (or any format ImageIO can read)",
                assertThrows(IOException.class, () -> Png.readGray(p)).getMessage());
        assertThrows(NoSuchFileException.class, () -> Png.readGray(dir.resolve("missing.png")));
    }

    @Test
    void imagesConvertToAndFromTensors() {
        GrayImage img = new GrayImage(3, 2, new byte[] {1, 2, 3, 4, 5, 6});
        Tensor t = img.toTensor();
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertEquals(DType.U8, t.dtype());
        assertEquals(6.0, t.get(1, 2));
        assertEquals(img, GrayImage.of(t));
        assertThrows(IllegalArgumentException.class, () -> GrayImage.of(Tensor.zeros(DType.F32, 2, 3)));
    }
}
