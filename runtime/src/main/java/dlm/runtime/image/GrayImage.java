package dlm.runtime.image;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Arrays;

/**
 * An 8-bit grayscale image: {@code pixels[y * width + x]}, 0 black to 255 white (read as unsigned).
 * This is MNIST's layout, so a dataset sample and a decoded PNG are interchangeable.
 */
public record GrayImage(int width, int height, byte[] pixels) {

    public GrayImage {
        checkSize(pixels, width, height);
    }

    /** The pixel at (x, y) as 0..255. */
    public int get(int x, int y) { return pixels[y * width + x] & 0xFF; }

    /** A u8 tensor of shape [height, width], sharing nothing with this image. */
    public Tensor toTensor() {
        return Tensor.wrap(DType.U8, new int[] {height, width}, pixels.clone());
    }

    /** An image from a u8 tensor of shape [height, width] (copied). */
    public static GrayImage of(Tensor t) {
        if (t.dtype() != DType.U8 || t.rank() != 2)
            throw new IllegalArgumentException("an image needs a u8[height, width] tensor, got " + t.dtype() + Arrays.toString(t.shape()));
        return new GrayImage(t.dim(1), t.dim(0), t.byteStorage().clone());
    }

    static void checkSize(byte[] pixels, int width, int height) {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive, got " + width + "×" + height);
        if ((long) width * height != pixels.length)
            throw new IllegalArgumentException(pixels.length + " pixels for a " + width + "×" + height + " image");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GrayImage g && g.width == width && g.height == height && Arrays.equals(g.pixels, pixels);
    }

    @Override
    public int hashCode() { return 31 * (31 * width + height) + Arrays.hashCode(pixels); }

    @Override
    public String toString() { return "GrayImage[" + width + "×" + height + "]"; }
}
