package dlm.compiler.passes;

import java.util.List;
import java.util.Locale;

/**
 * One run of one pass in a {@link PassPipeline}.
 *
 * @param pass        the pass's name
 * @param round       the pipeline round, from 1
 * @param nodesBefore nodes in the graph the pass received
 * @param nodesAfter  nodes in the graph it returned
 * @param changes     nodes it replaced, merged or removed
 * @param nanos       wall time of the pass
 */
public record PassStats(String pass, int round, int nodesBefore, int nodesAfter, int changes, long nanos) {

    public double millis() { return nanos / 1e6; }

    /**
     * A small table for {@code dlmc graph FILE --stats}: one row per pass run (its name and round),
     * then the total: the first run's node count, the last run's and the summed time.
     * <pre>
     * pass              nodes before  after     time
     * fold #1                     11     11  0.12 ms
     * simplify #1                 11      9  0.08 ms
     * cse #1                       9      9  0.05 ms
     * dce #1                       9      6  0.02 ms
     * …
     * total (2 rounds)            11      6  0.40 ms
     * </pre>
     */
    public static String render(List<PassStats> runs) {
        List<String[]> rows = new java.util.ArrayList<>();
        long total = 0;
        for (PassStats s : runs) {
            rows.add(new String[] {s.pass() + " #" + s.round(), Integer.toString(s.nodesBefore()), Integer.toString(s.nodesAfter()), time(s.nanos())});
            total += s.nanos();
        }
        if (!runs.isEmpty()) {
            int rounds = runs.get(runs.size() - 1).round();
            rows.add(new String[] {"total" + (rounds > 1 ? " (" + rounds + " rounds)" : ""), Integer.toString(runs.get(0).nodesBefore()),
                    Integer.toString(runs.get(runs.size() - 1).nodesAfter()), time(total)});
        }
        String[] header = {"pass", "nodes before", "after", "time"};
        int[] w = new int[4];
        for (int c = 0; c < 4; c++) {
            w[c] = header[c].length();
            for (String[] r : rows) w[c] = Math.max(w[c], r[c].length());
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        for (String[] r : rows) line(sb, r, w);
        return sb.toString();
    }

    /** The first column left-aligned, the numbers right-aligned, two spaces apart. */
    private static void line(StringBuilder sb, String[] cells, int[] w) {
        sb.append(cells[0]).append(" ".repeat(w[0] - cells[0].length()));
        for (int c = 1; c < cells.length; c++) sb.append("  ").append(" ".repeat(w[c] - cells[c].length())).append(cells[c]);
        sb.append('\n');
    }

    static String time(long nanos) { return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6); }
}
