package dlm.compiler.check;

import java.util.Collection;

/** "Did you mean" suggestions: the closest known name within a small edit distance. */
public final class Suggest {
    private Suggest() {}

    public static String closest(String name, Collection<String> known) {
        String best = null;
        // Allow one edit per three characters, at most two: "vale" → "value", but "y" suggests nothing.
        int bestD = Math.min(2, name.length() / 3);
        if (bestD == 0) return null;
        for (String k : known) {
            int d = distance(name.toLowerCase(), k.toLowerCase());
            if (d <= bestD && !k.equals(name)) {
                if (best == null || d < distance(name.toLowerCase(), best.toLowerCase())) best = k;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        int[] before = new int[b.length() + 1]; // the row before prev
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
                // Two neighbours swapped ("trian" for "train") is one edit, as in Damerau's distance.
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1))
                    cur[j] = Math.min(cur[j], before[j - 2] + 1);
            }
            int[] t = before; before = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
