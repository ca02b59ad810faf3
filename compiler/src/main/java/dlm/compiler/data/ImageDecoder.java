package dlm.compiler.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Decodes an image file (PNG, JPEG, BMP, GIF's first frame, through {@code javax.imageio}) to
 * 8-bit channels, as TensorFlow's {@code decode_image(channels = c)} gives them: a gray file's
 * samples as stored (not gamma-converted, as {@link BufferedImage#getRGB} would; 16-bit samples
 * keep their high byte, 1-, 2- and 4-bit ones are scaled to 0–255), a colour file's sRGB values;
 * gray to rgb repeats the sample, colour to gray is ITU-R 601 luma (PIL's {@code convert("L")}),
 * a missing alpha is 255 and an unwanted one is dropped.
 */
final class ImageDecoder {
    private ImageDecoder() {}

    /** A decoded image: height × width × channels values from 0 to 255, row-major. */
    record Pixels(int height, int width, float[] values) {}

    /** Thrown for a file that is not an image javax.imageio can decode; the message says why. */
    static final class NotAnImage extends Exception {
        NotAnImage(String why) { super(why); }
    }

    static Pixels decode(Path file, int channels) throws IOException, NotAnImage {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (javax.imageio.IIOException e) {
            throw new NotAnImage("a damaged or unsupported image (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            // the decoders throw unchecked exceptions for some truncated or malformed files
            throw new NotAnImage("a damaged image (" + e + ")");
        }
        if (img == null) throw new NotAnImage("not a PNG, JPEG, BMP or GIF image");
        int h = img.getHeight(), w = img.getWidth();
        float[] out = new float[h * w * channels];
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        boolean gray = !(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        int bits = cm.getComponentSize(0);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int red, green, blue, alpha;
                if (gray) {
                    int v = r.getSample(x, y, 0);
                    red = green = blue = scale(v, bits);
                    alpha = cm.hasAlpha() ? scale(r.getSample(x, y, r.getNumBands() - 1), cm.getComponentSize(r.getNumBands() - 1)) : 255;
                } else {
                    int argb = img.getRGB(x, y);
                    alpha = argb >>> 24;
                    red = (argb >> 16) & 0xFF;
                    green = (argb >> 8) & 0xFF;
                    blue = argb & 0xFF;
                }
                int at = (y * w + x) * channels;
                if (channels == 1) {
                    out[at] = gray ? red : (red * 19595 + green * 38470 + blue * 7471 + 0x8000) >> 16;
                } else {
                    out[at] = red;
                    out[at + 1] = green;
                    out[at + 2] = blue;
                    if (channels == 4) out[at + 3] = alpha;
                }
            }
        }
        return new Pixels(h, w, out);
    }

    private static int scale(int v, int bits) { return bits == 8 ? v : bits > 8 ? v >>> (bits - 8) : v * 255 / ((1 << bits) - 1); }
}
