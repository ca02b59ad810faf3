package dlm.runtime.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.random.Rng;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InitializersTest {

    private static Tensor make(String name, Map<String, Double> args, int... shape) {
        return Initializers.create(name, args, DType.F32, shape, new Rng(42).split("w"));
    }

    private static double mean(Tensor t) {
        double s = 0;
        for (int i = 0; i < t.size(); i++) s += t.getDouble(i);
        return s / t.size();
    }

    private static double stddev(Tensor t) {
        double m = mean(t), s = 0;
        for (int i = 0; i < t.size(); i++) s += Math.pow(t.getDouble(i) - m, 2);
        return Math.sqrt(s / t.size());
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) m = Math.max(m, Math.abs(t.getDouble(i)));
        return m;
    }

    @Test
    void registryListsEveryInitializerWithKerasDefaults() {
        assertEquals(List.of("zeros", "ones", "constant", "adaptedMean", "adaptedVariance", "uniform", "normal", "truncatedNormal", "glorotUniform",
                "glorotNormal", "heUniform", "heNormal", "lecunUniform", "lecunNormal"), Initializers.names());
        InitializerSpec u = Initializers.spec("uniform").orElseThrow();
        assertEquals(List.of("lo", "hi"), u.paramNames());
        assertEquals(List.of(-0.05, 0.05), u.defaults());
        assertEquals(0.05, Initializers.spec("normal").orElseThrow().defaultOf("stddev"));
        assertEquals("uniform(lo = -0.05, hi = 0.05)", u.toString());
        assertTrue(Initializers.spec("glorot_uniform").isEmpty());
        assertEquals(Initializers.names().size(), Initializers.specs().size());
        // normalization()'s statistics start as the identity (mean 0, variance 1) until adapted
        assertEquals(Tensor.of(DType.F32, new int[] {2}, 0, 0), Initializers.create("adaptedMean", null, DType.F32, new int[] {2}, new Rng(0)));
        assertEquals(Tensor.of(DType.F32, new int[] {2}, 1, 1), Initializers.create("adaptedVariance", null, DType.F32, new int[] {2}, new Rng(0)));
    }

    @Test
    void constantsFillEveryDtype() {
        assertEquals(Tensor.zeros(DType.I64, 2, 3), Initializers.create("zeros", null, DType.I64, new int[] {2, 3}, new Rng(0)));
        assertEquals(Tensor.of(DType.U8, new int[] {2}, 1, 1), Initializers.create("ones", Map.of(), DType.U8, new int[] {2}, new Rng(0)));
        assertEquals(Tensor.of(DType.F32, new int[] {3}, 0.5, 0.5, 0.5), make("constant", Map.of("value", 0.5), 3));
        assertEquals(Tensor.scalar(DType.F32, 0), make("constant", null));
    }

    @Test
    void shapesAreAsAskedForIncludingScalarsAndEmpty() {
        for (String name : Initializers.names()) {
            assertArrayEquals(new int[] {784, 512}, make(name, null, 784, 512).shape(), name);
            assertArrayEquals(new int[] {3, 3, 2, 4}, make(name, null, 3, 3, 2, 4).shape(), name);
            assertEquals(1, make(name, null).size(), name);
            assertEquals(0, make(name, null, 0, 5).size(), name);
        }
    }

    @Test
    void uniformStaysWithinLoHi() {
        Tensor t = make("uniform", Map.of("lo", -0.05, "hi", 0.05), 784, 512);
        float lo = -0.05f, hi = 0.05f;
        for (float v : t.f32Storage()) assertTrue(v >= lo && v < hi, "value " + v);
        assertEquals(0, mean(t), 0.0005);
        assertEquals(0.1 / Math.sqrt(12), stddev(t), 0.0005);
        // A range only a few f16 steps wide: draws that round up to hi are redrawn, never kept.
        Tensor h = Initializers.create("uniform", Map.of("lo", 1.0, "hi", 1.002), DType.F16, new int[] {1000}, new Rng(1));
        for (int i = 0; i < h.size(); i++) assertTrue(h.getDouble(i) >= 1 && h.getDouble(i) < DType.F16.round(1.002));
    }

    @Test
    void normalAndTruncatedNormalStatistics() {
        Tensor n = make("normal", Map.of("mean", 1.0, "stddev", 0.1), 200_000);
        assertEquals(1, mean(n), 0.001);
        assertEquals(0.1, stddev(n), 0.001);
        assertTrue(maxAbs(n) > 1.4, "an untruncated normal has tails beyond 4 stddev here");

        Tensor t = make("truncatedNormal", Map.of("stddev", 0.1), 200_000);
        assertTrue(maxAbs(t) <= 0.2 + 1e-7, "truncated at 2 stddev, max " + maxAbs(t));
        assertEquals(0, mean(t), 0.001);
        assertEquals(0.1 * Initializers.TRUNCATED_STDDEV, stddev(t), 0.001);
    }

    @Test
    void fansFollowKeras() {
        assertEquals(new Initializers.Fans(1, 1), Initializers.fans(new int[0]));
        assertEquals(new Initializers.Fans(7, 7), Initializers.fans(new int[] {7}));
        assertEquals(new Initializers.Fans(784, 512), Initializers.fans(new int[] {784, 512}));
        assertEquals(new Initializers.Fans(3 * 3 * 16, 3 * 3 * 32), Initializers.fans(new int[] {3, 3, 16, 32}));
    }

    @Test
    void glorotUniformLimitIsSqrtSixOverFanSum() {
        Tensor t = make("glorotUniform", null, 784, 512);
        double limit = Math.sqrt(6.0 / (784 + 512));
        assertTrue(maxAbs(t) < limit);
        assertTrue(maxAbs(t) > 0.999 * limit, "values fill the range");
        assertEquals(limit / Math.sqrt(3), stddev(t), 0.0005);

        Tensor he = make("heUniform", null, 784, 512);
        assertTrue(maxAbs(he) < Math.sqrt(6.0 / 784));
        assertEquals(Math.sqrt(2.0 / 784), stddev(he), 0.0005);
    }

    @Test
    void truncatedVarianceScalingHasTheIntendedStddev() {
        // After truncation the stddev is exactly the Keras target: sqrt(scale / n).
        assertEquals(Math.sqrt(2.0 / (784 + 512)), stddev(make("glorotNormal", null, 784, 512)), 0.0005);
        assertEquals(Math.sqrt(2.0 / 784), stddev(make("heNormal", null, 784, 512)), 0.0005);
        assertEquals(Math.sqrt(1.0 / 784), stddev(make("lecunNormal", null, 784, 512)), 0.0005);
        Tensor he = make("heNormal", null, 784, 512);
        assertTrue(maxAbs(he) <= 2 * Math.sqrt(2.0 / 784) / Initializers.TRUNCATED_STDDEV + 1e-6);
        // Convolution kernel: fan_in = 3 * 3 * 16.
        assertEquals(Math.sqrt(2.0 / 144), stddev(make("heNormal", null, 3, 3, 16, 64)), 0.003);
    }

    @Test
    void deterministicPerSeedAndName() {
        Rng root = new Rng(2024);
        Tensor a = Initializers.create("glorotUniform", null, DType.F32, new int[] {10, 10}, root.split("dense.W"));
        Initializers.create("normal", null, DType.F32, new int[] {50}, root.split("other")); // must not matter
        Tensor b = Initializers.create("glorotUniform", null, DType.F32, new int[] {10, 10}, new Rng(2024).split("dense.W"));
        assertEquals(a, b);
        Tensor c = Initializers.create("glorotUniform", null, DType.F32, new int[] {10, 10}, root.split("dense2.W"));
        assertNotEquals(a, c);
        // The same draws in f64, rounded, give the f32 tensor: values are computed in double.
        Tensor d = Initializers.create("glorotUniform", null, DType.F64, new int[] {10, 10}, new Rng(2024).split("dense.W"));
        assertEquals(a, d.cast(DType.F32));
    }

    @Test
    void mistakesGetClearMessages() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> make("xavier", null, 2));
        assertTrue(unknown.getMessage().contains("unknown initializer 'xavier'") && unknown.getMessage().contains("glorotUniform"), unknown.getMessage());
        var badArg = assertThrows(IllegalArgumentException.class, () -> make("normal", Map.of("std", 0.1), 2));
        assertEquals("initializer normal has no parameter 'std'; its parameters are mean, stddev", badArg.getMessage());
        var none = assertThrows(IllegalArgumentException.class, () -> make("zeros", Map.of("value", 1.0), 2));
        assertEquals("initializer zeros has no parameter 'value' (it takes none)", none.getMessage());
        var range = assertThrows(IllegalArgumentException.class, () -> make("uniform", Map.of("lo", 1.0, "hi", 1.0), 2));
        assertTrue(range.getMessage().startsWith("uniform needs lo < hi"), range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> make("normal", Map.of("stddev", -1.0), 2));
        assertThrows(IllegalArgumentException.class, () -> make("normal", Map.of("mean", Double.NaN), 2));
        var dtype = assertThrows(IllegalArgumentException.class,
                () -> Initializers.create("uniform", null, DType.I32, new int[] {2}, new Rng(0)));
        assertTrue(dtype.getMessage().contains("needs a floating dtype, not i32"), dtype.getMessage());
    }
}
