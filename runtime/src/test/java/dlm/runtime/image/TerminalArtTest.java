package dlm.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TerminalArtTest {

    private static byte[] px(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    @Test
    void plainRampTwoCharactersPerPixel() {
        // 2 wide, 4 tall. Ramp index = value * 10 / 256.
        byte[] img = px(0, 255,
                128, 64,
                25, 26,
                230, 255);
        assertEquals("""
                  @@
                ++::
                  ..
                %%@@
                """, TerminalArt.render(img, 2, 4));
        assertEquals(TerminalArt.render(img, 2, 4), TerminalArt.render(new GrayImage(2, 4, img), false));
    }

    @Test
    void everyRampCharacterIsReachable() {
        byte[] ramp = new byte[10];
        for (int i = 0; i < 10; i++) ramp[i] = (byte) (i * 256 / 10 + 1);
        assertEquals("  ..::--==++**##%%@@\n", TerminalArt.render(ramp, 10, 1));
    }

    @Test
    void colorHalfBlocksPairRowsAndEmitOnlyChanges() {
        String e = "\u001b[";
        // Rows: [black, white], [white, white], [128, 8] (odd last row has no partner).
        byte[] img = px(0, 255,
                255, 255,
                128, 8);
        assertEquals(e + "48;5;231m" + e + "38;5;16m▀" + e + "38;5;231m█" + e + "0m\n"
                        + e + "38;5;244m▀" + e + "38;5;232m▀" + e + "0m\n",
                TerminalArt.render(img, 2, 3, true));
    }

    @Test
    void colorKeepsTheBackgroundWhileItIsUnchanged() {
        String e = "\u001b[";
        byte[] img = px(255, 255, 255,
                0, 0, 0);
        assertEquals(e + "48;5;16m" + e + "38;5;231m▀▀▀" + e + "0m\n", TerminalArt.render(img, 3, 2, true));
    }

    @Test
    void sizeMismatchIsAnError() {
        assertEquals("3 pixels for a 2×2 image",
                assertThrows(IllegalArgumentException.class, () -> TerminalArt.render(new byte[3], 2, 2)).getMessage());
    }
}
