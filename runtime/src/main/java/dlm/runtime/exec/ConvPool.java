package dlm.runtime.exec;

import static dlm.runtime.exec.ConvChecks.*;

import dlm.runtime.kernels.ConvMaxPool;

/**
 * A convolution fused with the max pooling of its output, which generated code calls for a first
 * layer with few taps ({@link ConvMaxPool}): {@code y = maxPool(act(conv(x, k) + bias))} and the kernel
 * gradient of that composition, the convolution's output never stored. The arguments are those of
 * {@link Conv#conv2d} (input n×h×w×c, kernel kh×kw×c×f, output oh×ow, strides, dilation, padding)
 * followed by those of {@link Pool#maxPool2d} for the pooling of the oh×ow×f output (window ph×pw,
 * output poh×pow, strides, padding). f32 only (the compiler fuses f32 graphs).
 */
public final class ConvPool {
    private ConvPool() {}

    /**
     * Whether a kernel of kh×kw×c taps runs fused with its pooling (a first layer's few taps). Loads
     * no kernel class: the compiler asks it in commands that never run a kernel.
     */
    public static boolean fuses(int kh, int kw, int c) {
        long taps = (long) kh * kw * c;
        return taps >= 1 && taps <= ConvMaxPool.MAX_TAPS;
    }

    /**
     * {@code y[0 .. m) = maxPool(conv(x, k) [+ bias] [then relu])} and {@code y[m .. 2m)} the winner
     * codes {@link #conv2dMaxPoolBackpropFilter} reads (see {@link ConvMaxPool}), m = n·poh·pow·f;
     * bias may be null (then biasOff is ignored).
     */
    public static void conv2dMaxPool(float[] x, int xOff, float[] k, int kOff, float[] bias, int biasOff, boolean relu,
                                     float[] y, int yOff, int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                                     int sh, int sw, int dh, int dw, int padTop, int padLeft,
                                     int ph, int pw, int poh, int pow, int psh, int psw, int pTop, int pLeft) {
        check(x, xOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, ph, pw, poh, pow, psh, psw);
        tensor("kernel", k, len(k), kOff, kh, kw, c, f);
        if (bias != null) tensor("bias", bias, bias.length, biasOff, 1, 1, 1, f);
        if (tensor("y", y, len(y), yOff, 2 * n, poh, pow, f) == 0) return;
        ConvMaxPool.forward(x, xOff, k, kOff, bias, biasOff, relu, y, yOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw,
                padTop, padLeft, ph, pw, poh, pow, psh, psw, pTop, pLeft);
    }

    /**
     * The gradients w.r.t. k and bias of {@code sum(dy * pooled)}, the pooled values of
     * {@link #conv2dMaxPool}, given its winner codes (n×poh×pow×f) and dy (n×poh×pow×f): dk as
     * kh·kw·c + 1 rows of f, the kernel's (HWIO order) then the bias's; overwrites them.
     */
    public static void conv2dMaxPoolBackpropFilter(float[] x, int xOff, float[] codes, int codesOff, float[] dy, int dyOff,
                                                   float[] dk, int dkOff, int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                                                   int sh, int sw, int dh, int dw, int padTop, int padLeft,
                                                   int ph, int pw, int poh, int pow, int psh, int psw, int pTop, int pLeft) {
        check(x, xOff, n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw, ph, pw, poh, pow, psh, psw);
        tensor("codes", codes, len(codes), codesOff, n, poh, pow, f);
        tensor("dy", dy, len(dy), dyOff, n, poh, pow, f);
        if (tensor("dk", dk, len(dk), dkOff, kh * kw * c + 1, 1, 1, f) == 0) return;
        ConvMaxPool.filterGradient(x, xOff, codes, codesOff, dy, dyOff, dk, dkOff, n, h, w, c, kh, kw, f, oh, ow,
                sh, sw, dh, dw, padTop, padLeft, ph, pw, poh, pow, psh, psw, pTop, pLeft);
    }

    private static void check(float[] x, int xOff, int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                              int sh, int sw, int dh, int dw, int ph, int pw, int poh, int pow, int psh, int psw) {
        geometry(n, h, w, c, kh, kw, f, oh, ow, sh, sw, dh, dw);
        geometry(n, oh, ow, f, ph, pw, f, poh, pow, psh, psw, 1, 1);
        tensor("x", x, len(x), xOff, n, h, w, c);
    }
}
