package dlm.runtime.kernels;

/**
 * Naive convolutions for tests, two kinds:
 * <ul>
 *   <li><b>exact</b>: each result element as the kernels compute it — a GEMM element's terms in
 *   the product's k order (zeros for taps outside the input included), FMAs from zero in blocks
 *   of {@link Gemm#KC} (balanced as the GEMM balances them), the blocks added in order, then bias
 *   and ReLU; the input gradient's GEMM elements added in col2im's order — so the kernels must
 *   agree with it exactly (up to the sign of a zero);</li>
 *   <li><b>double</b>: the definitions summed in double (the input gradient as the scatter of
 *   dy·k onto the cells each output read, i.e. the adjoint itself), with Σ|terms| for the
 *   rounding bound of a float sum of K terms.</li>
 * </ul>
 */
final class ConvReference {
    private ConvReference() {}

    /** Σ av[p]·bv[p], p in [0, k), as the GEMM sums one element. */
    static float gemmSum(float[] av, float[] bv, int k) {
        if (k == 0) return 0f;
        int kBlocks = (k + Gemm.KC - 1) / Gemm.KC, kcMax = (k + kBlocks - 1) / kBlocks;
        float c = 0f;
        for (int p0 = 0; p0 < k; p0 += kcMax) {
            float s = 0f;
            for (int p = p0; p < Math.min(k, p0 + kcMax); p++) s = Math.fma(av[p], bv[p], s);
            c = p0 == 0 ? s : s + c;
        }
        return c;
    }

    static float at(float[] x, ConvGeometry g, int img, int iy, int ix, int ch) {
        return iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w() ? x[((img * g.h() + iy) * g.w() + ix) * g.c() + ch] : 0f;
    }

    static float[] forwardExact(ConvGeometry g, float[] x, float[] k, float[] bias, boolean relu) {
        int kk = g.kh() * g.kw() * g.c();
        float[] av = new float[kk], bv = new float[kk], y = new float[g.ySize()];
        for (int img = 0; img < g.n(); img++)
            for (int oy = 0; oy < g.oh(); oy++)
                for (int ox = 0; ox < g.ow(); ox++)
                    for (int j = 0; j < g.f(); j++) {
                        int p = 0;
                        for (int a = 0; a < g.kh(); a++)
                            for (int b = 0; b < g.kw(); b++)
                                for (int ch = 0; ch < g.c(); ch++, p++) {
                                    av[p] = at(x, g, img, oy * g.sh() - g.padTop() + a * g.dh(), ox * g.sw() - g.padLeft() + b * g.dw(), ch);
                                    bv[p] = k[p * g.f() + j];
                                }
                        float v = gemmSum(av, bv, kk);
                        if (bias != null) v += bias[j];
                        if (relu) v = Math.max(0f, v);
                        y[((img * g.oh() + oy) * g.ow() + ox) * g.f() + j] = v;
                    }
        return y;
    }

    /**
     * dx as GEMM + col2im computes it: each (output position, tap, channel) term is Σ_j dy·k as one
     * GEMM element, added into dx's cell in the order of output positions, then taps.
     */
    static float[] backpropInputExact(ConvGeometry g, float[] dy, float[] k) {
        float[] av = new float[g.f()], bv = new float[g.f()], dx = new float[g.xSize()];
        for (int img = 0; img < g.n(); img++)
            for (int oy = 0; oy < g.oh(); oy++)
                for (int ox = 0; ox < g.ow(); ox++)
                    for (int a = 0; a < g.kh(); a++)
                        for (int b = 0; b < g.kw(); b++) {
                            int iy = oy * g.sh() - g.padTop() + a * g.dh(), ix = ox * g.sw() - g.padLeft() + b * g.dw();
                            if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) continue;
                            for (int ch = 0; ch < g.c(); ch++) {
                                for (int j = 0; j < g.f(); j++) {
                                    av[j] = dy[((img * g.oh() + oy) * g.ow() + ox) * g.f() + j];
                                    bv[j] = k[((a * g.kw() + b) * g.c() + ch) * g.f() + j];
                                }
                                dx[((img * g.h() + iy) * g.w() + ix) * g.c() + ch] += gemmSum(av, bv, g.f());
                            }
                        }
        return dx;
    }

    static float[] backpropFilterExact(ConvGeometry g, float[] x, float[] dy) {
        int m = g.n() * g.oh() * g.ow();
        float[] av = new float[m], bv = new float[m], dk = new float[g.kSize()];
        for (int a = 0; a < g.kh(); a++)
            for (int b = 0; b < g.kw(); b++)
                for (int ch = 0; ch < g.c(); ch++)
                    for (int j = 0; j < g.f(); j++) {
                        int p = 0;
                        for (int img = 0; img < g.n(); img++)
                            for (int oy = 0; oy < g.oh(); oy++)
                                for (int ox = 0; ox < g.ow(); ox++, p++) {
                                    av[p] = at(x, g, img, oy * g.sh() - g.padTop() + a * g.dh(), ox * g.sw() - g.padLeft() + b * g.dw(), ch);
                                    bv[p] = dy[p * g.f() + j];
                                }
                        dk[((a * g.kw() + b) * g.c() + ch) * g.f() + j] = gemmSum(av, bv, m);
                    }
        return dk;
    }

    /**
     * The three products in double, by scattering every (output position, tap) pair whose input
     * cell lies inside the input: {@code [0]} y = x∗k, {@code [1]} dx, {@code [2]} dk, and in
     * {@code [3..5]} the matching Σ|term|.
     */
    static double[][] doubles(ConvGeometry g, double[] x, double[] k, double[] dy) {
        double[] y = new double[g.ySize()], dx = new double[g.xSize()], dk = new double[g.kSize()];
        double[] ya = new double[y.length], dxa = new double[dx.length], dka = new double[dk.length];
        for (int img = 0; img < g.n(); img++)
            for (int oy = 0; oy < g.oh(); oy++)
                for (int ox = 0; ox < g.ow(); ox++)
                    for (int a = 0; a < g.kh(); a++)
                        for (int b = 0; b < g.kw(); b++) {
                            int iy = oy * g.sh() - g.padTop() + a * g.dh(), ix = ox * g.sw() - g.padLeft() + b * g.dw();
                            if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) continue;
                            int xo = ((img * g.h() + iy) * g.w() + ix) * g.c(), yo = ((img * g.oh() + oy) * g.ow() + ox) * g.f();
                            for (int ch = 0; ch < g.c(); ch++)
                                for (int j = 0; j < g.f(); j++) {
                                    int ko = ((a * g.kw() + b) * g.c() + ch) * g.f() + j;
                                    double t = x[xo + ch] * k[ko], u = dy[yo + j] * k[ko], v = x[xo + ch] * dy[yo + j];
                                    y[yo + j] += t; ya[yo + j] += Math.abs(t);
                                    dx[xo + ch] += u; dxa[xo + ch] += Math.abs(u);
                                    dk[ko] += v; dka[ko] += Math.abs(v);
                                }
                        }
        return new double[][] {y, dx, dk, ya, dxa, dka};
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
