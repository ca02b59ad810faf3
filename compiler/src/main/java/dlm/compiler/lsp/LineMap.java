package dlm.compiler.lsp;

/**
 * Which lines of an older text are unchanged in a newer one, and where they are now: a line
 * diff (common prefix and suffix, then a longest common subsequence of the lines between, when
 * that middle is small enough to compare, at most {@link #MAX_CELLS} pairs). An analysis of the
 * older text answers for its unchanged lines while the newer text does not check; changed lines
 * it cannot know about. Lines are 1-based; arrays are indexed by line - 1.
 */
final class LineMap {
    static final long MAX_CELLS = 4_000_000;

    private final int[] toOld, toNew;

    private LineMap(int[] toOld, int[] toNew) {
        this.toOld = toOld;
        this.toNew = toNew;
    }

    static LineMap identity(String text) {
        int n = lines(text).length;
        int[] same = new int[n];
        for (int i = 0; i < n; i++) same[i] = i + 1;
        return new LineMap(same, same);
    }

    static LineMap between(String older, String newer) {
        String[] a = lines(older), b = lines(newer);
        int[] toOld = new int[b.length], toNew = new int[a.length];
        java.util.Arrays.fill(toOld, -1);
        java.util.Arrays.fill(toNew, -1);
        int p = 0;
        while (p < a.length && p < b.length && a[p].equals(b[p])) { toOld[p] = p + 1; toNew[p] = p + 1; p++; }
        int s = 0;
        while (s < a.length - p && s < b.length - p && a[a.length - 1 - s].equals(b[b.length - 1 - s])) {
            toOld[b.length - 1 - s] = a.length - s;
            toNew[a.length - 1 - s] = b.length - s;
            s++;
        }
        int n = a.length - p - s, m = b.length - p - s;
        if (n > 0 && m > 0 && (long) n * m <= MAX_CELLS) {
            // LCS of the middle lines, by suffix lengths, then walked from the front
            int[][] len = new int[n + 1][m + 1];
            for (int i = n - 1; i >= 0; i--)
                for (int j = m - 1; j >= 0; j--)
                    len[i][j] = a[p + i].equals(b[p + j]) ? len[i + 1][j + 1] + 1 : Math.max(len[i + 1][j], len[i][j + 1]);
            for (int i = 0, j = 0; i < n && j < m; ) {
                if (a[p + i].equals(b[p + j])) { toOld[p + j] = p + i + 1; toNew[p + i] = p + j + 1; i++; j++; }
                else if (len[i + 1][j] >= len[i][j + 1]) i++;
                else j++;
            }
        }
        return new LineMap(toOld, toNew);
    }

    private static String[] lines(String text) { return text.split("\r\n|\r|\n", -1); }

    /** The older line shown at {@code newLine}, or -1 when it was changed. */
    int toOld(int newLine) { return newLine >= 1 && newLine <= toOld.length ? toOld[newLine - 1] : -1; }

    /** Where the older line {@code oldLine} is now, or -1 when it was changed. */
    int toNew(int oldLine) { return oldLine >= 1 && oldLine <= toNew.length ? toNew[oldLine - 1] : -1; }
}
