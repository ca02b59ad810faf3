package dlm.runtime.kernels;

import java.util.Random;

/**
 * {@link InputGradientTilesTest}'s checks as a program, for child JVMs with another vector width or
 * register tile ({@link InputGradientTilesTest#otherVectorWidthsAndTiles}): prints the tile and "ok", or fails.
 */
public final class InputGradientTilesCheck {
    private InputGradientTilesCheck() {}

    public static void main(String[] args) {
        InputGradientTilesTest.checkAll(new Random(45), 25);
        System.out.println("lanes=" + Gemm.V + " tile=" + Gemm.MR + "x" + Gemm.NR + " input gradient tile=" + InputGradientTiles.ROWS + "x" + Gemm.NR + " ok");
    }
}
