package dlm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Masks#keepWherePositive} against its scalar definition: every width around a vector, padding untouched, NaN and -0 masks. */
class MasksTest {
    @Test
    void keepsExactlyWhereTheMaskIsPositive() {
        Random r = new Random(4);
        float[] specials = {Float.NaN, -0f, 0f, Float.MIN_VALUE, -1f, 2f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int n = 1; n <= 40; n++) {
            int m = 3, ldc = n + 2, ldy = n + 1;
            float[] c = new float[1 + m * ldc], y = new float[2 + m * ldy];
            for (int i = 0; i < c.length; i++) c[i] = r.nextBoolean() ? r.nextFloat() - 0.5f : specials[r.nextInt(specials.length)];
            for (int i = 0; i < y.length; i++) y[i] = specials[r.nextInt(specials.length)];
            float[] want = c.clone();
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) want[1 + i * ldc + j] = y[2 + i * ldy + j] > 0f ? want[1 + i * ldc + j] : 0f;
            Masks.keepWherePositive(c, 1, ldc, m, n, y, 2, ldy);
            assertArrayEquals(want, c, "n=" + n);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> Masks.keepWherePositive(new float[10], 0, 5, 3, 5, new float[15], 0, 5));
    }
}
