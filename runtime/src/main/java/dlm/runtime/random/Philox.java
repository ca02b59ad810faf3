package dlm.runtime.random;

/**
 * DLM's run-time random numbers: <b>Philox-4x32-10</b> (Salmon et al., "Parallel random numbers:
 * as easy as 1, 2, 3", SC 2011), the counter-based generator of cuRAND, JAX, TensorFlow and
 * PyTorch's CUDA backend. A value is a pure function of a 64-bit key and a 128-bit counter, so
 * element {@code i} of a random tensor can be computed alone, in any order, by any thread: the
 * same seed gives the same bits whatever the thread count, the loop order, or whether the step
 * is compiled or interpreted (both call these methods).
 *
 * <p>How a random tensor maps onto counters (pinned: checkpoints and tests rely on it): the key
 * is the run's seed; the counter is {@code (block, stream, step low, step high)}, where
 * {@code stream} identifies the call site (each {@code randomUniform}/{@code dropout} in a model
 * has its own) and {@code step} is the train step. One block gives four 32-bit words:
 * <ul>
 *   <li>f32 uniform: element {@code i} is word {@code i % 4} of block {@code i / 4}, its top 24
 *       bits times 2^-24, in [0, 1);</li>
 *   <li>f64 uniform: element {@code i} is words {@code 2(i % 2)} and {@code 2(i % 2) + 1} of
 *       block {@code i / 2}, 53 bits times 2^-53, in [0, 1);</li>
 *   <li>normal (either dtype): element {@code i} is block {@code i}: Box–Muller on
 *       {@code u1 = 1 − (53 bits of words 0, 1)·2^-53} (in (0, 1], so the log is finite) and
 *       {@code u2} from words 2, 3, with {@link StrictMath} so every JVM gives the same bits;
 *       computed in double and rounded once to the dtype.</li>
 * </ul>
 */
public final class Philox {
    private Philox() {}

    /** The round multipliers, the key increments (Weyl constants) and the round count of Philox-4x32-10. */
    public static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    public static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    public static final int ROUNDS = 10;

    /**
     * The 10-round Philox-4x32 block for counter {@code (c0, c1, c2, c3)} and key
     * {@code (k0, k1)}, written into {@code out[0..3]} (Random123's {@code philox4x32_R(10, …)}).
     */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int r = 0; r < ROUNDS; r++) {
            if (r > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = n0;
            c2 = n2;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    // The fills take a scratch array w of at least 4 ints for a block's words, so that a compiled
    // step (which plans it once) allocates nothing.

    /** Fills {@code out[off .. off+n)} with the f32 uniforms in [0, 1) of (seed, stream, step). */
    public static void uniform(long[] seed, int seedOff, long[] step, int stepOff, float[] out, int off, int[] w, int n, int stream) {
        long key = seed[seedOff], s = step[stepOff];
        for (int b = 0; b * 4 < n; b++) {
            block(b, stream, (int) s, (int) (s >>> 32), (int) key, (int) (key >>> 32), w);
            for (int j = 0; j < 4 && b * 4 + j < n; j++) out[off + b * 4 + j] = f32(w[j]);
        }
    }

    /** Fills {@code out[off .. off+n)} with the f64 uniforms in [0, 1) of (seed, stream, step). */
    public static void uniform(long[] seed, int seedOff, long[] step, int stepOff, double[] out, int off, int[] w, int n, int stream) {
        long key = seed[seedOff], s = step[stepOff];
        for (int b = 0; b * 2 < n; b++) {
            block(b, stream, (int) s, (int) (s >>> 32), (int) key, (int) (key >>> 32), w);
            for (int j = 0; j < 2 && b * 2 + j < n; j++) out[off + b * 2 + j] = f64(w[2 * j], w[2 * j + 1]);
        }
    }

    /** Fills {@code out[off .. off+n)} with standard normal f32 values of (seed, stream, step). */
    public static void normal(long[] seed, int seedOff, long[] step, int stepOff, float[] out, int off, int[] w, int n, int stream) {
        long key = seed[seedOff], s = step[stepOff];
        for (int i = 0; i < n; i++) out[off + i] = (float) normal(i, stream, s, key, w);
    }

    /** Fills {@code out[off .. off+n)} with standard normal f64 values of (seed, stream, step). */
    public static void normal(long[] seed, int seedOff, long[] step, int stepOff, double[] out, int off, int[] w, int n, int stream) {
        long key = seed[seedOff], s = step[stepOff];
        for (int i = 0; i < n; i++) out[off + i] = normal(i, stream, s, key, w);
    }

    private static double normal(int i, int stream, long s, long key, int[] w) {
        block(i, stream, (int) s, (int) (s >>> 32), (int) key, (int) (key >>> 32), w);
        return normal(w[0], w[1], w[2], w[3]);
    }

    // The conversions of a block's words into values, shared by the fills above and by the
    // compiled steps' fused loops (which compute blocks in registers), so both give the same bits.

    /** The f32 uniform in [0, 1) of one word: its top 24 bits times 2^-24. */
    public static float f32(int word) { return (word >>> 8) * 0x1.0p-24f; }

    /** The f64 uniform in [0, 1) of two words: 53 bits times 2^-53. */
    public static double f64(int hi, int lo) { return bits53(hi, lo) * 0x1.0p-53; }

    /** The standard normal (in double) of one block's four words: Box–Muller, as described above. */
    public static double normal(int w0, int w1, int w2, int w3) {
        double u1 = 1 - bits53(w0, w1) * 0x1.0p-53;
        double u2 = bits53(w2, w3) * 0x1.0p-53;
        return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }

    /** Word {@code j} (0..3) of a block held as four values. */
    public static int word(int j, int w0, int w1, int w2, int w3) {
        return switch (j) {
            case 0 -> w0;
            case 1 -> w1;
            case 2 -> w2;
            default -> w3;
        };
    }

    /** 53 random bits from two words: all 32 of {@code hi} above the top 21 of {@code lo}. */
    private static long bits53(int hi, int lo) {
        return ((hi & 0xFFFFFFFFL) << 21) | ((lo & 0xFFFFFFFFL) >>> 11);
    }

    /**
     * The 32-bit stream number of a call site's name (FNV-1a over its UTF-16 chars, then
     * SplitMix64's finalizer): names are stable across runs, so streams are too.
     */
    public static int stream(String name) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < name.length(); i++) {
            h ^= name.charAt(i);
            h *= 0x100000001B3L;
        }
        return (int) Rng.mix64(h);
    }
}
