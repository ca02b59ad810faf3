package dlm.runtime.random;

import java.nio.charset.StandardCharsets;

/**
 * DLM's seeded random generator: <b>xoshiro256**</b> (Blackman &amp; Vigna, 2018) whose 256-bit
 * state is filled by <b>SplitMix64</b> from a 64-bit seed, exactly as the algorithms' authors
 * recommend. Chosen because both are short, published, widely re-implemented (NumPy, Rust's
 * rand, .NET, Julia), pass BigCrush, and use only 64-bit integer arithmetic, so a seed gives the
 * same bits on every JVM and machine. {@code java.util.Random}'s LCG is too weak, and the JDK's
 * {@code RandomGenerator} implementations do not promise that their seeding and derived
 * methods stay the same across releases; owning the code pins every bit.
 *
 * <p>Derived values are pinned down too: {@link #nextDouble} takes the top 53 bits,
 * {@link #nextFloat} the top 24, {@link #nextInt} uses Lemire's unbiased multiply-and-reject
 * method, and {@link #nextGaussian} uses Marsaglia's polar method with {@link StrictMath#log},
 * which (unlike Box–Muller) needs no trigonometry and (unlike {@code Math.log}) is
 * bit-reproducible across platforms.
 *
 * <p>{@link #split} derives a child generator from this one's <em>seed</em> and a name, never
 * from its current state, so a parameter's initial values depend only on the run's seed and the
 * parameter's name: adding, removing or reordering other parameters leaves them unchanged.
 *
 * <p>Not thread-safe: give each thread its own (split) generator.
 */
public final class Rng {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final long seed;
    private long s0, s1, s2, s3;
    /** The second value of the last polar-method pair, waiting to be returned. */
    private double spareGaussian;
    private boolean hasSpare;

    public Rng(long seed) {
        this.seed = seed;
        long x = seed;
        s0 = mix64(x += GOLDEN_GAMMA);
        s1 = mix64(x += GOLDEN_GAMMA);
        s2 = mix64(x += GOLDEN_GAMMA);
        s3 = mix64(x + GOLDEN_GAMMA);
        // SplitMix64 never yields four zero words in a row, so the state cannot be all zero.
    }

    /** The seed this generator was created with. */
    public long seed() { return seed; }

    /** The next 64 uniformly random bits (xoshiro256**). */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** A uniform int in [0, bound), without modulo bias (Lemire 2019). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            // Reject the few 32-bit draws that would make some results more likely than others.
            long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** A uniform double in [0, 1): the top 53 bits scaled by 2^-53. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A uniform float in [0, 1): the top 24 bits scaled by 2^-24. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** A standard normal value (mean 0, variance 1), by Marsaglia's polar method. */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u, v, s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double scale = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        spareGaussian = v * scale;
        hasSpare = true;
        return u * scale;
    }

    /**
     * An independent generator determined by this generator's seed and {@code name} alone
     * (not by how much of this stream has been used). Splits nest: {@code split("a").split("b")}
     * differs from {@code split("b").split("a")} and from {@code split("a/b")}.
     */
    public Rng split(String name) {
        return new Rng(mix64(mix64(seed) ^ hash(name)));
    }

    /** Shuffles {@code a} in place (Fisher–Yates: every permutation equally likely). */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** SplitMix64's output function (a 64-bit finalizer from MurmurHash3, variant 13). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A 64-bit hash of the name's UTF-8 bytes: FNV-1a, then mixed so every bit counts. */
    private static long hash(String name) {
        long h = 0xCBF29CE484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001B3L;
        }
        return mix64(h + GOLDEN_GAMMA);
    }
}
