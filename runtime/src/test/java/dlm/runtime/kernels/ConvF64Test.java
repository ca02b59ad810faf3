package dlm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import dlm.runtime.exec.Conv;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Conv}'s f64 convolutions: against the double definitions of {@link ConvReference} (summed
 * in another order, hence a tolerance of (K + 2)·2⁻⁵³·Σ|terms|), and the adjoint identities that
 * define the gradients: ⟨dy, conv(x, k)⟩ = ⟨backpropInput(dy), x⟩ = ⟨backpropFilter(x, dy), k⟩.
 */
class ConvF64Test {

    @Test
    void randomGeometriesAgainstTheDefinitionsAndAdjoints() {
        Random r = new Random(21);
        for (int t = 0; t < 300; t++) {
            ConvGeometry g = ConvGeometry.random(r);
            double[] x = ConvGeometry.randomD(r, g.xSize()), k = ConvGeometry.randomD(r, g.kSize()), dy = ConvGeometry.randomD(r, g.ySize());
            double[] y = new double[g.ySize()], dx = new double[g.xSize()], dk = new double[g.kSize()];
            java.util.Arrays.fill(dx, 5);
            java.util.Arrays.fill(dk, 5);
            Conv.conv2d(x, 0, k, 0, null, 0, false, y, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(),
                    g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
            Conv.conv2dBackpropInput(dy, 0, k, 0, dx, 0, null, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(),
                    g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
            Conv.conv2dBackpropFilter(x, 0, dy, 0, dk, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(),
                    g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
            double[][] d = ConvReference.doubles(g, x, k, dy);
            int kk = g.kh() * g.kw() * Math.max(g.c(), g.f()) + g.n() * g.oh() * g.ow();
            double[][] got = {y, dx, dk};
            for (int o = 0; o < 3; o++)
                for (int i = 0; i < got[o].length; i++)
                    assertEquals(d[o][i], got[o][i], (kk + 2) * Math.ulp(1.0) * d[3 + o][i] + Double.MIN_NORMAL, "output " + o + " of " + g + " at " + i);
            double yDy = dot(y, dy), dxX = dot(dx, x), dkK = dot(dk, k), scale = absDot(y, dy) + 1e-300;
            assertEquals(yDy, dxX, 1e-12 * (scale + absDot(dx, x)), "⟨dy, y⟩ = ⟨dx, x⟩ for " + g);
            assertEquals(yDy, dkK, 1e-12 * (scale + absDot(dk, k)), "⟨dy, y⟩ = ⟨dk, k⟩ for " + g);
        }
    }

    @Test
    void biasAndReluByHand() {
        double[] x = {1, -2, 3, -4}, k = {1, 2};
        // 1×2×2×1 input, 1×1 kernel with 2 filters: y = x·k + bias, then relu
        double[] y8 = new double[8];
        Conv.conv2d(x, 0, k, 0, new double[] {0.5, -1}, 0, true, y8, 0, 1, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 0, 0);
        assertArrayEquals(new double[] {1.5, 1, 0, 0, 3.5, 5, 0, 0}, y8);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double absDot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += Math.abs(a[i] * b[i]);
        return s;
    }
}
