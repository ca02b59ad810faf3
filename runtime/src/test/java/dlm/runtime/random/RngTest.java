package dlm.runtime.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RngTest {

    private static long[] longs(Rng r, int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = r.nextLong();
        return a;
    }

    @Test
    void splitMix64MatchesItsPublishedTestVector() {
        long x = 1234567;
        String[] expected = {"6457827717110365317", "3203168211198807973", "9817491932198370423",
                "4593380528125082431", "16408922859458223821"};
        for (String e : expected) assertEquals(Long.parseUnsignedLong(e), Rng.mix64(x += 0x9E3779B97F4A7C15L));
    }

    @Test
    void xoshiroMatchesAnIndependentImplementation() {
        // Computed by a separate Python transcription of SplitMix64 seeding + xoshiro256**.
        assertArrayEquals(new long[] {1546998764402558742L, 6990951692964543102L, -5902157311460992607L,
                -1389169964527427423L, -151191095644234140L}, longs(new Rng(42), 5));
        assertArrayEquals(new long[] {-7355399402456485196L, -4652746763540216534L, 1900383378846508768L},
                longs(new Rng(0), 3));
    }

    @Test
    void sameSeedSameSequence() {
        Rng a = new Rng(7), b = new Rng(7);
        for (int i = 0; i < 1000; i++) {
            assertEquals(a.nextLong(), b.nextLong());
            assertEquals(a.nextGaussian(), b.nextGaussian());
            assertEquals(a.nextInt(17), b.nextInt(17));
        }
        assertNotEquals(longs(new Rng(7), 1)[0], longs(new Rng(8), 1)[0]);
    }

    @Test
    void splitDependsOnlyOnSeedAndName() {
        Rng a = new Rng(1);
        Rng used = new Rng(1);
        longs(used, 100); // consuming the parent must not change its children
        assertArrayEquals(longs(a.split("dense.W"), 10), longs(used.split("dense.W"), 10));
        assertArrayEquals(longs(a.split("dense.W"), 10), longs(a.split("dense.W"), 10));
        assertNotEquals(longs(a.split("dense.W"), 1)[0], longs(a.split("dense.b"), 1)[0]);
        assertNotEquals(longs(a.split("x"), 1)[0], longs(new Rng(2).split("x"), 1)[0]);
        assertNotEquals(longs(a.split("a").split("b"), 1)[0], longs(a.split("b").split("a"), 1)[0]);
        assertNotEquals(longs(a.split("x"), 1)[0], longs(a, 1)[0]);
    }

    @Test
    void splitStreamsAreUncorrelated() {
        Rng root = new Rng(3);
        Rng x = root.split("x"), y = root.split("y");
        int n = 100_000;
        double sxy = 0;
        for (int i = 0; i < n; i++) sxy += (x.nextDouble() - 0.5) * (y.nextDouble() - 0.5);
        double correlation = sxy / n / (1.0 / 12);
        assertEquals(0, correlation, 0.02);
    }

    @Test
    void nextDoubleAndFloatAreUniformInUnitInterval() {
        Rng r = new Rng(11);
        int n = 200_000;
        int[] bins = new int[10];
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++) {
            double d = r.nextDouble();
            float f = r.nextFloat();
            assertTrue(d >= 0 && d < 1 && f >= 0 && f < 1);
            bins[(int) (d * 10)]++;
            sum += d;
            sumSq += d * d;
        }
        double mean = sum / n;
        assertEquals(0.5, mean, 0.005);
        assertEquals(1.0 / 12, sumSq / n - mean * mean, 0.002);
        for (int b : bins) assertEquals(n / 10.0, b, n / 10.0 * 0.03);
    }

    @Test
    void nextIntIsUnbiasedAndInRange() {
        Rng r = new Rng(5);
        int bound = 7, n = 140_000;
        int[] counts = new int[bound];
        for (int i = 0; i < n; i++) counts[r.nextInt(bound)]++;
        double chi2 = 0;
        for (int c : counts) chi2 += Math.pow(c - n / (double) bound, 2) / (n / (double) bound);
        assertTrue(chi2 < 22.5, "chi-square " + chi2 + " (6 degrees of freedom, p = 0.001)"); // fixed seed: deterministic
        // A bound near 2^31 makes a modulo-based method visibly biased; Lemire's is not.
        int big = (1 << 30) + (1 << 29);
        int low = 0;
        for (int i = 0; i < 30_000; i++) {
            int v = r.nextInt(big);
            assertTrue(v >= 0 && v < big);
            if (v < big / 2) low++;
        }
        assertEquals(15_000, low, 450);
        assertEquals(0, r.nextInt(1));
        assertThrows(IllegalArgumentException.class, () -> r.nextInt(0));
    }

    @Test
    void gaussianHasMeanZeroVarianceOne() {
        Rng r = new Rng(13);
        int n = 200_000;
        double sum = 0, sumSq = 0, sum4 = 0;
        int beyond2 = 0;
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian();
            sum += g;
            sumSq += g * g;
            sum4 += g * g * g * g;
            if (Math.abs(g) > 2) beyond2++;
        }
        assertEquals(0, sum / n, 0.01);
        assertEquals(1, sumSq / n, 0.015);
        assertEquals(3, sum4 / n, 0.1);                 // kurtosis of a normal
        assertEquals(0.0455, beyond2 / (double) n, 0.003); // P(|z| > 2)
    }

    @Test
    void shuffleIsAPermutationAndUniform() {
        Rng r = new Rng(17);
        int[] a = new int[100];
        for (int i = 0; i < a.length; i++) a[i] = i;
        r.shuffle(a);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < a.length; i++) assertEquals(i, sorted[i]);
        assertNotEquals(Arrays.toString(sorted), Arrays.toString(a));

        // Every position of a 4-element shuffle is equally likely to hold each element.
        int[][] where = new int[4][4];
        for (int t = 0; t < 40_000; t++) {
            int[] b = {0, 1, 2, 3};
            r.shuffle(b);
            for (int i = 0; i < 4; i++) where[b[i]][i]++;
        }
        for (int[] row : where) for (int c : row) assertEquals(10_000, c, 400);

        int[] empty = {};
        r.shuffle(empty);
        int[] one = {9};
        r.shuffle(one);
        assertArrayEquals(new int[] {9}, one);
    }
}
