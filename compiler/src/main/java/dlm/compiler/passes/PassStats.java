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
     * A small table for {@code dlmc graph FILE --stats}, one row per pass run and a total:
     * <pre>
     * pass         nodes before  after     time
     * fold     #1            12     10  0.04 ms
     * …
     * total                  12      7  0.21 ms
     * </pre>
     */
    public static String render(List<PassStats> runs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-12s %12s %6s %10s%n", "pass", "nodes before", "after", "time"));
        long total = 0;
        for (PassStats s : runs) {
            sb.append(String.format(Locale.ROOT, "%-12s %12d %6d %10s%n", s.pass() + (s.round() > 0 ? " #" + s.round() : ""), s.nodesBefore(), s.nodesAfter(), time(s.nanos())));
            total += s.nanos();
        }
        if (!runs.isEmpty()) {
            int rounds = runs.get(runs.size() - 1).round();
            String label = "total" + (rounds > 1 ? " (" + rounds + " rounds)" : "");
            sb.append(String.format(Locale.ROOT, "%-12s %12d %6d %10s%n", label, runs.get(0).nodesBefore(), runs.get(runs.size() - 1).nodesAfter(), time(total)));
        }
        return sb.toString();
    }

    static String time(long nanos) { return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6); }
}
