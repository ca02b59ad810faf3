package dlm.compiler.ops;

import static dlm.compiler.ops.OpTestSupport.assertTensor;
import static dlm.compiler.ops.OpTestSupport.error;
import static dlm.compiler.ops.OpTestSupport.eval;
import static dlm.compiler.ops.OpTestSupport.infer;
import static dlm.compiler.ops.OpTestSupport.shape;
import static dlm.compiler.ops.OpTestSupport.t;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** conv2d, its backward ops and pooling on small cases computed by hand; their shape errors. */
class ConvOpsTest {
    private static final int[] ONE = {1, 1}, NONE = {0, 0, 0, 0};
    private static final DType D = DType.F64;

    private static Attrs conv(int[] strides, int[] dilation, int[] padding) {
        return Attrs.of("strides", strides, "dilation", dilation, "padding", padding);
    }

    private static Attrs pool(int[] pool, int[] strides, int[] padding) {
        return Attrs.of("pool", pool, "strides", strides, "padding", padding);
    }

    private static Tensor iota(int[] shape, double from) {
        Tensor x = Tensor.zeros(D, shape);
        for (int i = 0; i < x.size(); i++) x.setDouble(i, from + i);
        return x;
    }

    private static Tensor full(int[] shape, double v) {
        Tensor x = Tensor.zeros(D, shape);
        for (int i = 0; i < x.size(); i++) x.setDouble(i, v);
        return x;
    }

    private static final Tensor X3 = iota(shape(1, 3, 3, 1), 1);            // 1..9
    private static final Tensor K2 = t(D, shape(2, 2, 1, 1), 1, 2, 3, 4);

    @Test
    void convolutionIsACrossCorrelation() {
        // y[0,0] = 1·1 + 2·2 + 4·3 + 5·4, and so on.
        assertTensor(eval("conv2d", conv(ONE, ONE, NONE), X3, K2), D, shape(1, 2, 2, 1), 37, 47, 67, 77);
    }

    @Test
    void paddedCellsContributeNothing() {
        // A 3x3 kernel of ones over ones padded by one: each output counts its real neighbours.
        Tensor y = eval("conv2d", conv(ONE, ONE, new int[] {1, 1, 1, 1}), full(shape(1, 3, 3, 1), 1), full(shape(3, 3, 1, 1), 1));
        assertTensor(y, D, shape(1, 3, 3, 1), 4, 6, 4, 6, 9, 6, 4, 6, 4);
    }

    @Test
    void dilationSpacesTheTaps() {
        // Taps at (0,0), (0,2), (2,0), (2,2) of x = 0..24 (5x5): 0 + 2 + 10 + 12 = 24 at the origin.
        Tensor y = eval("conv2d", conv(ONE, new int[] {2, 2}, NONE), iota(shape(1, 5, 5, 1), 0), full(shape(2, 2, 1, 1), 1));
        assertTensor(y, D, shape(1, 3, 3, 1), 24, 28, 32, 44, 48, 52, 64, 68, 72);
    }

    @Test
    void stridesAndAsymmetricPadding() {
        // x = 1..16 (4x4), 3x3 ones, stride 2, padding (top 0, bottom 1, left 0, right 1): TF's "same".
        Tensor y = eval("conv2d", conv(new int[] {2, 2}, ONE, new int[] {0, 1, 0, 1}), iota(shape(1, 4, 4, 1), 1), full(shape(3, 3, 1, 1), 1));
        // window (0,0): rows 0-2, cols 0-2 = 1+2+3+5+6+7+9+10+11 = 54; (0,1): cols 2-3 = 3+4+7+8+11+12 = 45;
        // (1,0): rows 2-3, cols 0-2 = 9+10+11+13+14+15 = 72; (1,1): 11+12+15+16 = 54.
        assertTensor(y, D, shape(1, 2, 2, 1), 54, 45, 72, 54);
    }

    @Test
    void channelsAndFiltersContract() {
        Tensor y = eval("conv2d", conv(ONE, ONE, NONE), t(D, shape(1, 1, 1, 2), 1, 2), t(D, shape(1, 1, 2, 3), 1, 2, 3, 4, 5, 6));
        assertTensor(y, D, shape(1, 1, 1, 3), 9, 12, 15);
    }

    @Test
    void theFusedFormAddsTheBiasThenAppliesRelu() {
        // y = [37, 47, 67, 77] + b, b = -50: relu keeps 17 and 27.
        Attrs a = conv(ONE, ONE, NONE).with("relu", true);
        assertTensor(eval("conv2d", a, X3, K2, t(D, shape(1), -50)), D, shape(1, 2, 2, 1), 0, 0, 17, 27);
        assertTensor(eval("conv2d", conv(ONE, ONE, NONE), X3, K2, t(D, shape(1), -50)), D, shape(1, 2, 2, 1), -13, -3, 17, 27);
        assertEquals("conv2d: the bias must be f64[1], one per filter, got f64[2]",
                error(() -> infer("conv2d", a, TensorType.of(D, 1, 3, 3, 1), TensorType.of(D, 2, 2, 1, 1), TensorType.of(D, 2))));
    }

    @Test
    void f32SumsInDoubleAndRoundsOnce() {
        // 1 + 2^-24 + 2^-24 is 1 + 2^-23 in double (a float), but 1 when summed in float.
        double tiny = Math.scalb(1.0, -24);
        Tensor y = eval("conv2d", conv(ONE, ONE, NONE), t(DType.F32, shape(1, 1, 3, 1), 1, tiny, tiny), t(DType.F32, shape(1, 3, 1, 1), 1, 1, 1));
        assertTensor(y, DType.F32, shape(1, 1, 1, 1), 1 + Math.scalb(1.0, -23));
    }

    @Test
    void backpropInputScattersTheKernel() {
        Attrs a = conv(ONE, ONE, NONE).with("inputSize", new int[] {3, 3});
        assertTensor(eval("conv2dBackpropInput", a, full(shape(1, 2, 2, 1), 1), K2), D, shape(1, 3, 3, 1), 1, 3, 2, 4, 10, 6, 3, 7, 4);
    }

    @Test
    void backpropInputKeepsRowsAStrideSkips() {
        // A 1x1 kernel with stride 2 on a 4x4 input reads rows and columns 0 and 2 only; the
        // others get zero, which the output gradient's shape alone could not tell (inputSize).
        Attrs a = conv(new int[] {2, 2}, ONE, NONE).with("inputSize", new int[] {4, 4});
        Tensor dx = eval("conv2dBackpropInput", a, t(D, shape(1, 2, 2, 1), 1, 2, 3, 4), t(D, shape(1, 1, 1, 1), 10));
        assertTensor(dx, D, shape(1, 4, 4, 1), 10, 0, 20, 0, 0, 0, 0, 0, 30, 0, 40, 0, 0, 0, 0, 0);
    }

    @Test
    void backpropFilterCorrelatesInputAndGradient() {
        Attrs a = conv(ONE, ONE, NONE).with("kernelSize", new int[] {2, 2});
        assertTensor(eval("conv2dBackpropFilter", a, X3, full(shape(1, 2, 2, 1), 1)), D, shape(2, 2, 1, 1), 12, 16, 24, 28);
    }

    @Test
    void maxPoolGivesEachWindowsGradientToItsFirstMaximum() {
        Attrs a = pool(new int[] {2, 2}, new int[] {2, 2}, NONE);
        Tensor dy = t(D, shape(1, 1, 1, 1), 5);
        for (double[][] c : new double[][][] {
                {{3, 3, 3, 1}, {5, 0, 0, 0}}, {{1, 3, 2, 3}, {0, 5, 0, 0}}, {{1, 2, 3, 4}, {0, 0, 0, 5}}, {{-1, -1, -1, -1}, {5, 0, 0, 0}}}) {
            Tensor x = t(D, shape(1, 2, 2, 1), c[0]);
            assertTensor(eval("maxPool2d", a, x), D, shape(1, 1, 1, 1), max(c[0]));
            assertTensor(eval("maxPool2dBackprop", a, x, dy), D, shape(1, 2, 2, 1), c[1]);
        }
    }

    private static double max(double[] v) {
        double m = v[0];
        for (double d : v) m = Math.max(m, d);
        return m;
    }

    @Test
    void paddedCellsNeverWinAMaxPool() {
        // x = -1..-9 (3x3), 2x2 windows with stride 2 and padding below and right: the padded
        // cells (which a zero fill would make 0) must not beat the negative real ones.
        Attrs a = pool(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 1, 0, 1});
        Tensor x = iota(shape(1, 3, 3, 1), -9);
        for (int i = 0; i < 9; i++) x.setDouble(i, -(i + 1));
        assertTensor(eval("maxPool2d", a, x), D, shape(1, 2, 2, 1), -1, -3, -7, -9);
        assertTensor(eval("maxPool2dBackprop", a, x, t(D, shape(1, 2, 2, 1), 1, 2, 3, 4)), D, shape(1, 3, 3, 1), 1, 0, 2, 0, 0, 0, 3, 0, 4);
    }

    @Test
    void aNaNWinsItsWindow() {
        Attrs a = pool(new int[] {2, 2}, new int[] {2, 2}, NONE);
        Tensor x = t(D, shape(1, 2, 2, 1), 1, Double.NaN, 5, Double.NaN);
        assertEquals(Double.NaN, eval("maxPool2d", a, x).getDouble(0));
        assertTensor(eval("maxPool2dBackprop", a, x, t(D, shape(1, 1, 1, 1), 7)), D, shape(1, 2, 2, 1), 0, 7, 0, 0);
    }

    @Test
    void overlappingMaxPoolWindowsSumAtASharedWinner() {
        // 3x1 input [1, 9, 2], windows of 2 with stride 1: 9 wins both.
        Attrs a = pool(new int[] {2, 1}, ONE, NONE);
        Tensor x = t(D, shape(1, 3, 1, 1), 1, 9, 2);
        assertTensor(eval("maxPool2dBackprop", a, x, t(D, shape(1, 2, 1, 1), 3, 4)), D, shape(1, 3, 1, 1), 0, 7, 0);
    }

    @Test
    void averagePoolDoesNotCountPaddedCells() {
        Attrs a = pool(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 1, 0, 1});
        assertTensor(eval("avgPool2d", a, X3), D, shape(1, 2, 2, 1), 3, 4.5, 7.5, 9);
        Tensor dx = eval("avgPool2dBackprop", a.with("inputSize", new int[] {3, 3}), full(shape(1, 2, 2, 1), 1));
        assertTensor(dx, D, shape(1, 3, 3, 1), .25, .25, .5, .25, .25, .5, .5, .5, 1);
    }

    @Test
    void symbolicBatchIsKept() {
        TensorType x = new TensorType(DType.F32, Shape.of(Dim.sym("batch"), Dim.of(28), Dim.of(28), Dim.of(1)));
        TensorType y = infer("conv2d", conv(ONE, ONE, NONE), x, TensorType.of(DType.F32, 3, 3, 1, 32));
        assertEquals("f32[batch, 26, 26, 32]", y.toString());
        assertEquals("f32[batch, 13, 13, 32]", infer("maxPool2d", pool(new int[] {2, 2}, new int[] {2, 2}, NONE), y).toString());
    }

    @Test
    void shapeErrors() {
        TensorType x = TensorType.of(DType.F32, 1, 2, 2, 1), k = TensorType.of(DType.F32, 3, 3, 1, 4);
        assertEquals("conv2d: kernel 3x3 does not fit input 2x2 with padding \"valid\"", error(() -> infer("conv2d", conv(ONE, ONE, NONE), x, k)));
        assertEquals("conv2d: kernel 2x2 (3x3 with dilation 2x2) does not fit input 2x2 with padding \"valid\"",
                error(() -> infer("conv2d", conv(ONE, new int[] {2, 2}, NONE), x, TensorType.of(DType.F32, 2, 2, 1, 4))));
        assertEquals("conv2d: the input f32[1, 2, 2, 3] has 3 channels but the kernel f32[3, 3, 1, 4] expects 1",
                error(() -> infer("conv2d", conv(ONE, ONE, NONE), TensorType.of(DType.F32, 1, 2, 2, 3), k)));
        assertEquals("conv2d: the input must be 4-D [batch, height, width, channels] (NHWC), got f32[2, 2, 1]",
                error(() -> infer("conv2d", conv(ONE, ONE, NONE), TensorType.of(DType.F32, 2, 2, 1), k)));
        assertEquals("conv2d: the kernel must be 4-D [height, width, in channels, filters] (HWIO), got f32[3, 3]",
                error(() -> infer("conv2d", conv(ONE, ONE, NONE), x, TensorType.of(DType.F32, 3, 3))));
        assertEquals("conv2d: the input must be floating-point, got i32[1, 2, 2, 1]; convert it with .toF32()",
                error(() -> infer("conv2d", conv(ONE, ONE, NONE), TensorType.of(DType.I32, 1, 2, 2, 1), k)));
        assertEquals("conv2d: dtype mismatch: f64[1, 2, 2, 1] and f32[3, 3, 1, 4]",
                error(() -> infer("conv2d", conv(ONE, ONE, NONE), TensorType.of(DType.F64, 1, 2, 2, 1), k)));
        assertEquals("conv2d: strides must be 1 or more, got 0x1", error(() -> infer("conv2d", conv(new int[] {0, 1}, ONE, NONE), x, k)));
        assertEquals("conv2d: dilation must be 1 or more, got 1x-1", error(() -> infer("conv2d", conv(ONE, new int[] {1, -1}, NONE), x, k)));
        assertEquals("conv2d: padding must be 0 or more, got (top 0, bottom -1, left 0, right 0)",
                error(() -> infer("conv2d", conv(ONE, ONE, new int[] {0, -1, 0, 0}), x, k)));
        TensorType symbolic = new TensorType(DType.F32, Shape.of(Dim.of(1), Dim.sym("h"), Dim.of(5), Dim.of(1)));
        assertEquals("conv2d: the height of the input f32[1, h, 5, 1] is h, which is not known statically; conv2d needs known sizes for all axes but the batch",
                error(() -> infer("conv2d", conv(ONE, ONE, NONE), symbolic, k)));
        assertEquals("maxPool2d: pool 3x3 does not fit input 2x2 with padding \"valid\"",
                error(() -> infer("maxPool2d", pool(new int[] {3, 3}, ONE, NONE), x)));
        assertEquals("avgPool2d: padding (top 2, bottom 0, left 0, right 0) must be smaller than the pool 2x2 on each side, or a window would hold only padding",
                error(() -> infer("avgPool2d", pool(new int[] {2, 2}, ONE, new int[] {2, 0, 0, 0}), x)));
        assertEquals("conv2dBackpropInput: the output gradient f32[1, 2, 2, 4] does not have the shape [1, 1, 1, 4] of the output of a 3x3 input",
                error(() -> infer("conv2dBackpropInput", conv(ONE, ONE, NONE).with("inputSize", new int[] {3, 3}), TensorType.of(DType.F32, 1, 2, 2, 4), k)));
    }
}
