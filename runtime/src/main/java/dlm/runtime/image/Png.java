package dlm.runtime.image;

import dlm.runtime.io.AtomicFiles;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;

/**
 * PNG files for grayscale digits: writing is done here, chunk by chunk (so it needs nothing but
 * {@code java.util.zip} and runs headless anywhere); reading goes through ImageIO, since user
 * images come in every PNG flavour (palette, RGB, alpha, 16-bit) and ImageIO decodes them all.
 */
public final class Png {
    /** The eight bytes every PNG starts with. */
    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** IDAT chunk size: any split is valid PNG; 64 KiB keeps the buffer small. */
    private static final int IDAT_CHUNK = 1 << 16;

    private Png() {}

    // ---- writing -----------------------------------------------------------------------------

    /** Writes {@code pixels} (row-major, 0 = black) as an 8-bit grayscale PNG. */
    public static void writeGray(byte[] pixels, int width, int height, OutputStream out) throws IOException {
        writeGray(pixels, width, height, 1, out);
    }

    /**
     * Writes an 8-bit grayscale PNG enlarged {@code scale} times by nearest neighbour (each pixel
     * becomes a scale×scale square), since a 28×28 digit is a speck at its natural size.
     */
    public static void writeGray(byte[] pixels, int width, int height, int scale, OutputStream out) throws IOException {
        GrayImage.checkSize(pixels, width, height);
        if (scale < 1) throw new IllegalArgumentException("scale must be at least 1, got " + scale);
        long w = (long) width * scale, h = (long) height * scale;
        if (w > Integer.MAX_VALUE || h > Integer.MAX_VALUE)
            throw new IllegalArgumentException(width + "×" + height + " scaled " + scale + " times is too large for a PNG");

        DataOutputStream data = new DataOutputStream(out);
        data.write(SIGNATURE);

        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, (int) w);
        putInt(ihdr, 4, (int) h);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 0;  // color type: grayscale
        ihdr[10] = 0; // compression: deflate
        ihdr[11] = 0; // filter method 0 (adaptive, per-row filter byte)
        ihdr[12] = 0; // no interlace
        chunk(data, "IHDR", ihdr, ihdr.length);

        // Filter type 0 (None) on every row: these images are small and mostly flat, so the
        // prediction filters would gain little over deflate alone.
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try (IdatStream idat = new IdatStream(data);
             DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, IDAT_CHUNK)) {
            byte[] row = new byte[1 + (int) w]; // row[0] = 0, the filter byte
            for (int y = 0; y < height; y++) {
                for (int x = 0, o = 1; x < width; x++) {
                    byte p = pixels[y * width + x];
                    for (int k = 0; k < scale; k++) row[o++] = p;
                }
                for (int k = 0; k < scale; k++) z.write(row);
            }
        } finally {
            deflater.end();
        }
        chunk(data, "IEND", new byte[0], 0);
        data.flush();
    }

    /** Writes a PNG file atomically (see {@link AtomicFiles}), enlarged {@code scale} times. */
    public static void writeGray(byte[] pixels, int width, int height, int scale, Path path) throws IOException {
        GrayImage.checkSize(pixels, width, height); // fail before touching the file system
        AtomicFiles.write(path, out -> writeGray(pixels, width, height, scale, out));
    }

    /** Writes an image as a PNG file atomically, enlarged {@code scale} times. */
    public static void writeGray(GrayImage image, int scale, Path path) throws IOException {
        writeGray(image.pixels(), image.width(), image.height(), scale, path);
    }

    private static void chunk(DataOutputStream out, String type, byte[] data, int len) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32(); // covers the type and the data, not the length
        crc.update(t);
        crc.update(data, 0, len);
        out.writeInt(len);
        out.write(t);
        out.write(data, 0, len);
        out.writeInt((int) crc.getValue());
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** Cuts the compressed stream into IDAT chunks; closing emits the last one (not the PNG's IEND). */
    private static final class IdatStream extends OutputStream {
        private final DataOutputStream out;
        private final byte[] buf = new byte[IDAT_CHUNK];
        private int n;

        IdatStream(DataOutputStream out) { this.out = out; }

        @Override
        public void write(int b) throws IOException {
            if (n == buf.length) emit();
            buf[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (n == buf.length) emit();
                int k = Math.min(len, buf.length - n);
                System.arraycopy(b, off, buf, n, k);
                n += k;
                off += k;
                len -= k;
            }
        }

        private void emit() throws IOException {
            chunk(out, "IDAT", buf, n);
            n = 0;
        }

        @Override
        public void close() throws IOException {
            if (n > 0) emit();
        }
    }

    // ---- reading -----------------------------------------------------------------------------

    /**
     * Reads a PNG (or any image ImageIO knows) as 8-bit gray. Gray images keep their samples
     * exactly (16-bit ones their high byte); color images become luminance with the ITU-R 601
     * weights in PIL's fixed-point form ({@code L = (19595 R + 38470 G + 7471 B + 2^15) >> 16}),
     * so they match {@code Image.convert("L")}. Transparency is composited over black, the
     * background of MNIST digits: a transparent pixel is 0 whatever color it stores.
     */
    public static GrayImage readGray(Path path) throws IOException {
        if (!Files.exists(path)) throw new NoSuchFileException(path.toString());
        BufferedImage img = ImageIO.read(path.toFile());
        if (img == null) throw new IOException(path + ": not a PNG image (or any format ImageIO can read)");
        int w = img.getWidth(), h = img.getHeight();
        byte[] out = new byte[Math.multiplyExact(w, h)];
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
            // Not getRGB(): for a gray color space it applies a linear-to-sRGB curve and would
            // brighten every mid-gray. The raw samples are what the file says.
            int bits = cm.getComponentSize(0);
            boolean alpha = cm.hasAlpha();
            int alphaBits = alpha ? cm.getComponentSize(1) : 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int g = to8(r.getSample(x, y, 0), bits);
                    if (alpha) g = over(g, to8(r.getSample(x, y, 1), alphaBits));
                    out[y * w + x] = (byte) g;
                }
            }
        } else {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = img.getRGB(x, y); // sRGB, non-premultiplied, whatever the storage
                    int l = (((argb >> 16) & 0xFF) * 19595 + ((argb >> 8) & 0xFF) * 38470 + (argb & 0xFF) * 7471 + 0x8000) >> 16;
                    out[y * w + x] = (byte) over(l, argb >>> 24);
                }
            }
        }
        return new GrayImage(w, h, out);
    }

    private static int to8(int sample, int bits) {
        if (bits == 8) return sample;
        if (bits > 8) return sample >>> (bits - 8);
        int max = (1 << bits) - 1;
        return (sample * 255 + max / 2) / max;
    }

    /** {@code value} with opacity {@code alpha} over black, rounded. */
    private static int over(int value, int alpha) {
        return (value * alpha + 127) / 255;
    }
}
