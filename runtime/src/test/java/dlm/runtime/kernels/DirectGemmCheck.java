package dlm.runtime.kernels;

import java.util.Random;

/**
 * {@link DirectGemmTest}'s checks as a program, for child JVMs with another vector width or register
 * tile ({@link DirectGemmTest#otherVectorWidthsAndTiles}): prints the tile and "ok", or fails.
 */
public final class DirectGemmCheck {
    private DirectGemmCheck() {}

    public static void main(String[] args) {
        Random r = new Random(35);
        try (var saved = KernelSettings.save()) {
            Gemm.parallelMinFlops = 0;
            for (int threads : new int[] {1, 2}) {
                KernelPool.setParallelism(threads);
                for (int t = 0; t < 60; t++) {
                    int m = 1 + r.nextInt(30), n = Gemm.SMALL_N + r.nextInt(50), k = 1 + r.nextInt(2 * Gemm.KC + 40);
                    DirectGemmTest.checkTables(r, m, n, k, Epilogue.values()[r.nextInt(Epilogue.values().length)]);
                }
                DirectGemmTest.checkConv(new ConvGeometry(2, 28, 28, 1, 3, 3, 32, 26, 26, 1, 1, 1, 1, 0, 0), r);
                DirectGemmTest.checkConv(new ConvGeometry(2, 13, 13, 32, 3, 3, 64, 11, 11, 1, 1, 1, 1, 0, 0), r);
                DirectGemmTest.checkConv(new ConvGeometry(2, 5, 5, 64, 3, 3, 128, 3, 3, 1, 1, 1, 1, 0, 0), r);
                DirectGemmTest.checkConv(new ConvGeometry(2, 15, 14, 12, 3, 2, 40, 5, 6, 3, 2, 2, 2, 0, 0), r);
            }
        }
        System.out.println("lanes=" + Gemm.V + " tile=" + Gemm.MR + "x" + Gemm.NR + " ok");
    }
}
