package dlm.compiler.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import dlm.runtime.Tensor;
import org.junit.jupiter.api.Test;

/**
 * clip(x, lo, hi) has NumPy's values, and its gradient passes all of the cotangent where
 * lo <= x <= hi, the bounds included, as PyTorch's clamp and TensorFlow's clip_by_value do
 * (torch.clamp(x, 0, 1).backward(w) with x = [-1, 0, 0.5, 1, 2] gives [0, w1, w2, w3, 0]).
 */
class ClipTest {

    @Test
    void theGradientAtExactlyABoundIsWhole() {
        List<Tensor> v = LiteralPrecisionTest.values("""
                val x = [-1.0, 0.0, 0.5, 1.0, 2.0]
                val y = clip(x, 0, 1)
                println(y, grad(sum(y * [1.0, 2.0, 3.0, 4.0, 5.0]), x))
                """);
        assertArrayEquals(new double[] {0, 0, 0.5, 1, 1}, v.get(0).toDoubles());
        assertArrayEquals(new double[] {0, 2, 3, 4, 0}, v.get(1).toDoubles());
    }

    @Test
    void tensorBoundsGetTheGradientWhereTheyAreChosen() {
        // torch.clamp(x, lo, hi).sum().backward(): lo.grad = [1, 0, 0, 0, 0], hi.grad = [0, 0, 0, 0, 1]
        List<Tensor> v = LiteralPrecisionTest.values("""
                val x = [-1.0, 0.0, 0.5, 1.0, 2.0]
                val lo = [0.0, 0.0, 0.0, 0.0, 0.0]
                val hi = [1.0, 1.0, 1.0, 1.0, 1.0]
                val g = grad(sum(clip(x, lo, hi)), x, lo, hi)
                println(g[0], g[1], g[2])
                """);
        assertArrayEquals(new double[] {0, 1, 1, 1, 0}, v.get(0).toDoubles());
        assertArrayEquals(new double[] {1, 0, 0, 0, 0}, v.get(1).toDoubles());
        assertArrayEquals(new double[] {0, 0, 0, 0, 1}, v.get(2).toDoubles());
    }

    @Test
    void valuesAreNumPys() {
        // np.clip([0.5, nan, -3], 1, 0) = [0, nan, 0] (hi wins when lo > hi); np.clip([-3, 3], -2, 2)
        List<Tensor> v = LiteralPrecisionTest.values("""
                println(clip([0.5, 0.0 / 0.0, -3.0], 1, 0), clip([-3.0, 3.0, 1.5], -2, 2))
                """);
        assertArrayEquals(new double[] {0, Double.NaN, 0}, v.get(0).toDoubles());
        assertArrayEquals(new double[] {-2, 2, 1.5}, v.get(1).toDoubles());
    }
}
