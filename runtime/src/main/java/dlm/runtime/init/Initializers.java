package dlm.runtime.init;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.random.Rng;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Weight initializers with Keras's definitions and defaults, registered by their DLM names
 * ({@code glorotUniform} for Keras's {@code glorot_uniform}). Values are drawn in row-major
 * order from the given {@link Rng}, computed in double and rounded to the dtype, so the same
 * seed, name and shape give the same tensor on every machine.
 *
 * <p>The variance-scaling family ({@code glorot*}, {@code he*}, {@code lecun*}) uses the fans of
 * {@link #fans}; its normal variants draw from a normal truncated at two standard deviations
 * whose stddev is divided by {@value #TRUNCATED_STDDEV}, the stddev of a standard normal
 * truncated to [-2, 2], so the values end up with the intended stddev (as in Keras).
 */
public final class Initializers {
    private Initializers() {}

    /** Stddev of a standard normal truncated to [-2, 2] (Keras's correction constant). */
    public static final double TRUNCATED_STDDEV = .87962566103423978;

    /** Keras's fans of a weight shape (see {@link #fans}). */
    public record Fans(long fanIn, long fanOut) {}

    @FunctionalInterface
    private interface Filler {
        void fill(Tensor t, double[] args, Rng rng);
    }

    private record Entry(InitializerSpec spec, boolean random, Filler filler) {}

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    static {
        define("zeros", List.of(), List.of(), false, (t, a, r) -> constant(t, 0));
        define("ones", List.of(), List.of(), false, (t, a, r) -> constant(t, 1));
        define("constant", List.of("value"), List.of(0.0), false, (t, a, r) -> constant(t, a[0]));
        // Statistics that a normalization layer adapts from the training data before training
        // (dlm.compiler.train.Adaptation); until then the layer is the identity.
        define("adaptedMean", List.of(), List.of(), false, (t, a, r) -> constant(t, 0));
        define("adaptedVariance", List.of(), List.of(), false, (t, a, r) -> constant(t, 1));
        define("uniform", List.of("lo", "hi"), List.of(-0.05, 0.05), true, (t, a, r) -> uniform(t, a[0], a[1], r));
        define("normal", List.of("mean", "stddev"), List.of(0.0, 0.05), true, (t, a, r) -> normal(t, a[0], a[1], false, r));
        define("truncatedNormal", List.of("mean", "stddev"), List.of(0.0, 0.05), true, (t, a, r) -> normal(t, a[0], a[1], true, r));
        scaling("glorotUniform", 1, Mode.FAN_AVG, true);
        scaling("glorotNormal", 1, Mode.FAN_AVG, false);
        scaling("heUniform", 2, Mode.FAN_IN, true);
        scaling("heNormal", 2, Mode.FAN_IN, false);
        scaling("lecunUniform", 1, Mode.FAN_IN, true);
        scaling("lecunNormal", 1, Mode.FAN_IN, false);
    }

    private static void define(String name, List<String> params, List<Double> defaults, boolean random, Filler f) {
        REGISTRY.put(name, new Entry(new InitializerSpec(name, params, defaults), random, f));
    }

    // ---- the registry ------------------------------------------------------------------------

    /** The initializer names, in a stable order. */
    public static List<String> names() { return List.copyOf(REGISTRY.keySet()); }

    /** Every initializer's spec, in the order of {@link #names}. */
    public static List<InitializerSpec> specs() {
        return REGISTRY.values().stream().map(Entry::spec).toList();
    }

    /** The spec of {@code name}, empty when there is no such initializer. */
    public static Optional<InitializerSpec> spec(String name) {
        return Optional.ofNullable(REGISTRY.get(name)).map(Entry::spec);
    }

    /**
     * A new tensor of the given dtype and shape filled by initializer {@code name}.
     *
     * @param args named arguments (missing ones take their defaults); may be null
     * @throws IllegalArgumentException for an unknown initializer or argument, an argument out
     *         of range, or a random initializer asked for a non-floating dtype
     */
    public static Tensor create(String name, Map<String, Double> args, DType dtype, int[] shape, Rng rng) {
        Tensor t = Tensor.zeros(dtype, shape);
        fill(name, args, t, rng);
        return t;
    }

    /** Fills an existing tensor, as {@link #create} does a new one. */
    public static void fill(String name, Map<String, Double> args, Tensor target, Rng rng) {
        Entry e = REGISTRY.get(name);
        if (e == null)
            throw new IllegalArgumentException("unknown initializer '" + name + "'; known: " + String.join(", ", names()));
        if (e.random && !target.dtype().isFloating())
            throw new IllegalArgumentException("initializer " + name + " draws real numbers and needs a floating dtype, not " + target.dtype());
        e.filler.fill(target, resolve(e.spec, args == null ? Map.of() : args), rng);
    }

    /** The arguments in parameter order, defaults filled in; rejects unknown and non-finite ones. */
    private static double[] resolve(InitializerSpec spec, Map<String, Double> args) {
        for (String k : args.keySet())
            if (!spec.paramNames().contains(k)) throw new IllegalArgumentException(spec.unknownParam(k));
        double[] a = new double[spec.paramNames().size()];
        for (int i = 0; i < a.length; i++) {
            String p = spec.paramNames().get(i);
            Double v = args.get(p);
            a[i] = v != null ? v : spec.defaults().get(i);
            if (!Double.isFinite(a[i]))
                throw new IllegalArgumentException("initializer " + spec.name() + ": " + p + " must be finite, got " + a[i]);
        }
        return a;
    }

    // ---- fans --------------------------------------------------------------------------------

    /**
     * Keras's {@code compute_fans}: rank 0 → (1, 1); rank 1 → (n, n); rank 2 → (rows, columns);
     * higher ranks (convolution kernels) multiply both by the receptive field, the product of
     * all but the last two dimensions.
     */
    public static Fans fans(int[] shape) {
        int r = shape.length;
        if (r == 0) return new Fans(1, 1);
        if (r == 1) return new Fans(shape[0], shape[0]);
        long field = 1;
        for (int i = 0; i < r - 2; i++) field *= shape[i];
        return new Fans(shape[r - 2] * field, shape[r - 1] * field);
    }

    // ---- the fillers -------------------------------------------------------------------------

    private static void constant(Tensor t, double v) {
        for (int i = 0; i < t.size(); i++) t.setDouble(i, v);
    }

    /** Uniform in [lo, hi) after rounding to the dtype: draws that round up to hi are redrawn. */
    private static void uniform(Tensor t, double lo, double hi, Rng rng) {
        DType d = t.dtype();
        double top = d.round(hi);
        if (!(d.round(lo) < top) || !Double.isFinite(hi - lo))
            throw new IllegalArgumentException("uniform needs lo < hi (in " + d + "), got lo = " + lo + ", hi = " + hi);
        for (int i = 0; i < t.size(); i++) {
            double v;
            do v = lo + (hi - lo) * rng.nextDouble(); while (d.round(v) >= top);
            t.setDouble(i, v);
        }
    }

    /** Normal(mean, stddev); truncated: standard draws beyond ±2 are redrawn (Keras). */
    private static void normal(Tensor t, double mean, double stddev, boolean truncated, Rng rng) {
        if (stddev < 0) throw new IllegalArgumentException("stddev must be >= 0, got " + stddev);
        for (int i = 0; i < t.size(); i++) {
            double z;
            do z = rng.nextGaussian(); while (truncated && Math.abs(z) > 2);
            t.setDouble(i, mean + stddev * z);
        }
    }

    private enum Mode { FAN_IN, FAN_AVG }

    /** Keras's {@code VarianceScaling(scale, mode, "uniform" | "truncated_normal")}. */
    private static void scaling(String name, double scale, Mode mode, boolean uniform) {
        define(name, List.of(), List.of(), true, (t, a, rng) -> {
            Fans f = fans(t.shape());
            double n = mode == Mode.FAN_IN ? f.fanIn() : (f.fanIn() + f.fanOut()) / 2.0;
            double variance = scale / Math.max(1, n);
            if (uniform) {
                double limit = Math.sqrt(3 * variance);
                uniform(t, -limit, limit, rng);
            } else {
                normal(t, 0, Math.sqrt(variance) / TRUNCATED_STDDEV, true, rng);
            }
        });
    }
}
