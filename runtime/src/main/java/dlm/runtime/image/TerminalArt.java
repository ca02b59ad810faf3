package dlm.runtime.image;

/**
 * Draws a grayscale image as text, for {@code dlmc show}.
 *
 * <p>Plain mode maps each pixel to a character of {@link #RAMP} (dark to bright: 0 is a space,
 * 255 is {@code @}), twice side by side, because a terminal cell is about twice as tall as it
 * is wide and the digit would otherwise look squeezed. It works everywhere, including in files
 * and on terminals of either background (ink is always the denser character).
 *
 * <p>Color mode packs two pixel rows into each line with the upper half block {@code ▀}: its
 * foreground is the upper pixel and its background the lower one, in the 26 grays of the
 * xterm 256-color palette (16, 232–255, 231). One cell is then one pixel wide and two tall,
 * i.e. square pixels at full resolution. A uniform cell is a full block {@code █}; escape codes
 * are emitted only when a color changes, and every line ends with a reset.
 */
public final class TerminalArt {
    /** Plain-mode characters from black to white. */
    public static final String RAMP = " .:-=+*#%@";

    private static final String ESC = "\u001b[";
    /** The xterm-256 gray nearest to each 8-bit value. */
    private static final int[] XTERM_GRAY = new int[256];

    static {
        for (int v = 0; v < 256; v++) {
            int best = 16, bestDist = v; // 16 is black (0)
            if (255 - v < bestDist) { best = 231; bestDist = 255 - v; } // 231 is white (255)
            for (int k = 0; k < 24; k++) { // 232 + k is gray 8 + 10k
                int d = Math.abs(v - (8 + 10 * k));
                if (d < bestDist) { best = 232 + k; bestDist = d; }
            }
            XTERM_GRAY[v] = best;
        }
    }

    private TerminalArt() {}

    /** Plain text art: two {@link #RAMP} characters per pixel, one line per row. */
    public static String render(byte[] pixels, int width, int height) {
        return render(pixels, width, height, false);
    }

    /** Text art in plain mode or, with {@code color}, in ANSI 256-color half blocks. */
    public static String render(byte[] pixels, int width, int height, boolean color) {
        GrayImage.checkSize(pixels, width, height);
        return color ? color(pixels, width, height) : plain(pixels, width, height);
    }

    /** Text art of an image; see {@link #render(byte[], int, int, boolean)}. */
    public static String render(GrayImage image, boolean color) {
        return render(image.pixels(), image.width(), image.height(), color);
    }

    private static String plain(byte[] p, int w, int h) {
        StringBuilder b = new StringBuilder(h * (2 * w + 1));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                char c = RAMP.charAt((p[y * w + x] & 0xFF) * RAMP.length() / 256);
                b.append(c).append(c);
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String color(byte[] p, int w, int h) {
        StringBuilder b = new StringBuilder();
        for (int y = 0; y < h; y += 2) {
            int fg = -1, bg = -1; // -1: the terminal's default, as after a reset
            for (int x = 0; x < w; x++) {
                int top = XTERM_GRAY[p[y * w + x] & 0xFF];
                int bottom = y + 1 < h ? XTERM_GRAY[p[(y + 1) * w + x] & 0xFF] : -1;
                char c;
                if (bottom == -1) {
                    // The odd last row: a top half over the terminal's own background.
                    if (bg != -1) { b.append(ESC).append("49m"); bg = -1; }
                    c = '▀';
                } else if (bottom == top) {
                    c = '█'; // background irrelevant: no need to change it
                } else {
                    if (bg != bottom) { b.append(ESC).append("48;5;").append(bottom).append('m'); bg = bottom; }
                    c = '▀';
                }
                if (fg != top) { b.append(ESC).append("38;5;").append(top).append('m'); fg = top; }
                b.append(c);
            }
            b.append(ESC).append("0m\n");
        }
        return b.toString();
    }
}
