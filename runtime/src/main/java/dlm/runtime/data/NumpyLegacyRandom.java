package dlm.runtime.data;

/**
 * NumPy's legacy {@code np.random.RandomState(seed)}, as far as {@code shuffle} and
 * {@code permutation} of a 1-D array go, bit for bit: so that DLM splits a Keras dataset
 * exactly as Keras does ({@code RandomState(113)} for Boston housing).
 *
 * <p>The generator is MT19937 seeded by {@code init_genrand} (NumPy's {@code mt19937_seed} for
 * an integer seed). A shuffle is Fisher–Yates from the end: for i = n − 1 down to 1 it swaps
 * element i with element {@code random_interval(i)}, a uniform integer in [0, i] drawn by
 * masking 32-bit outputs to the smallest all-ones mask covering i and rejecting those above i.
 */
final class NumpyLegacyRandom {
    private static final int N = 624, M = 397;
    private final int[] mt = new int[N];
    private int pos;

    /** {@code RandomState(seed)} for a seed 0 … 2³² − 1. */
    NumpyLegacyRandom(long seed) {
        if (seed < 0 || seed > 0xFFFFFFFFL) throw new IllegalArgumentException("seed must be between 0 and 2**32 - 1, got " + seed);
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;   // mod 2³² by int overflow
        pos = N;
    }

    /** The next 32-bit output, as an unsigned value. */
    long nextUint32() {
        if (pos >= N) twist();
        int y = mt[pos++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xFFFFFFFFL;
    }

    private void twist() {
        for (int k = 0; k < N; k++) {
            int y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
            mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
        pos = 0;
    }

    /** NumPy's {@code random_interval(max)}: uniform in [0, max] by masked rejection (max &lt; 2³²). */
    long interval(long max) {
        if (max == 0) return 0;
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        long v;
        while ((v = nextUint32() & mask) > max) { /* reject */ }
        return v;
    }

    /** {@code permutation(n)}: {@code arange(n)} shuffled. */
    int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = (int) interval(i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
