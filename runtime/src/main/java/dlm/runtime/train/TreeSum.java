package dlm.runtime.train;

/**
 * The fixed pairwise tree in which data-parallel training adds its K shard gradients: leaves
 * {@code [lo, hi)} split at {@code mid = lo + (hi - lo) / 2}, each half summed the same way, then
 * the two halves added element by element (left + right). The tree depends on K only — never on
 * the order in which shards finish, the thread count or the executor count — so every machine
 * that sums the same K arrays gets the same bits. (Spark's reduce, aggregate and treeAggregate
 * combine in arrival order, which is why they are not used.)
 */
public final class TreeSum {
    private TreeSum() {}

    /**
     * Sums {@code leaves} (all of one length) in the fixed tree into {@code out}. The leaves are
     * used as scratch: their contents are undefined afterwards. Allocates nothing.
     */
    public static void sumInto(float[][] leaves, float[] out) {
        if (leaves.length == 0) throw new IllegalArgumentException("no leaves to sum");
        int n = out.length;
        for (float[] l : leaves) if (l.length != n) throw new IllegalArgumentException("leaves of " + l.length + " and " + n + " elements");
        combine(leaves, 0, leaves.length);
        System.arraycopy(leaves[0], 0, out, 0, n);
    }

    /** Leaves[lo] := the tree sum of leaves [lo, hi). */
    private static void combine(float[][] leaves, int lo, int hi) {
        if (hi - lo < 2) return;
        int mid = lo + (hi - lo) / 2;
        combine(leaves, lo, mid);
        combine(leaves, mid, hi);
        float[] a = leaves[lo], b = leaves[mid];
        for (int i = 0; i < a.length; i++) a[i] = a[i] + b[i];
    }

    /** The rows {@code [start, end)} of shard {@code k} of {@code shards} over a batch of {@code rows}: as even as integers allow, the longer shards last. */
    public static int shardStart(int rows, int shards, int k) {
        if (shards < 1 || k < 0 || k > shards) throw new IllegalArgumentException("shard " + k + " of " + shards);
        return (int) ((long) rows * k / shards);
    }

    /**
     * The factor a shard's batch-mean gradient is scaled by so that the K scaled gradients add up
     * to the batch mean: {@code shardRows / batchRows}, rounded once to f32 (exactly 1 for one shard).
     */
    public static float shardScale(int shardRows, int batchRows) { return (float) ((double) shardRows / batchRows); }
}
