package dlm.spark;

import dlm.compiler.train.ShardGradientStep;
import dlm.compiler.train.ShardedTrainer;
import dlm.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;

/**
 * One rank's gradients in a barrier stage: it computes its own shards ({@link EpochPlan#firstShard}),
 * swaps every shard's loss and metrics with the other ranks ({@link TreeAllReduce#gather}), and
 * sums the K shards' gradients with {@link TreeAllReduce#allReduce}, which adds them in
 * {@link dlm.runtime.train.TreeSum}'s tree: every rank gets the bits one machine gets, so every
 * rank's apply step makes the same update. The gradients of all params travel as one array (the
 * tree adds element by element, so concatenating changes no bit).
 */
final class RankGradients implements ShardedTrainer.Gradients {
    private final ShardGradientStep step;
    private TreeAllReduce exchange;
    private int rank, ranks;
    private ShardGradientStep.Shard[] last;

    RankGradients(ShardGradientStep step) { this.step = step; }

    /** The connections of this rank for the current epoch. */
    void attach(TreeAllReduce exchange, int rank, int ranks) {
        this.exchange = exchange;
        this.rank = rank;
        this.ranks = ranks;
    }

    @Override
    public void randomSeed(long seed) { step.randomSeed(seed); }

    @Override
    public ShardGradientStep.Shard[] compute(Tensor images, Tensor labels, int shards, long s) {
        int lo = (int) ((long) shards * rank / ranks), hi = (int) ((long) shards * (rank + 1) / ranks);
        ShardGradientStep.Shard[] out = new ShardGradientStep.Shard[shards];
        Map<Integer, double[]> mine = new LinkedHashMap<>();
        for (int k = lo; k < hi; k++) {
            out[k] = step.compute(images, labels, k, shards, s);
            mine.put(k, summary(out[k]));
        }
        SortedMap<Integer, double[]> all = exchange.gather(shards, mine);
        for (var e : all.entrySet()) if (out[e.getKey()] == null) out[e.getKey()] = shard(null, e.getValue());
        last = new ShardGradientStep.Shard[shards];
        for (int k = 0; k < shards; k++) last[k] = shard(null, summary(out[k]));
        return out;
    }

    @Override
    public void sum(ShardGradientStep.Shard[] shards, float[][] into) {
        int length = 0;
        for (float[] a : into) if (a != null) length += a.length;
        Map<Integer, float[]> mine = new LinkedHashMap<>();
        for (int k = 0; k < shards.length; k++) {
            if (shards[k].grads() == null) continue;
            float[] flat = new float[length];
            int at = 0;
            for (int p = 0; p < into.length; p++) {
                if (into[p] == null) continue;
                System.arraycopy(shards[k].grads()[p], 0, flat, at, into[p].length);
                at += into[p].length;
            }
            mine.put(k, flat);
        }
        float[] sum = new float[length];
        exchange.allReduce(shards.length, mine, sum);
        int at = 0;
        for (float[] a : into) {
            if (a == null) continue;
            System.arraycopy(sum, at, a, 0, a.length);
            at += a.length;
        }
    }

    @Override
    public ShardGradientStep.Shard replica(Tensor images, Tensor labels, int k, int shards, long s) { return ShardedTrainer.replicaStep(step, images, labels, k, shards, s); }

    @Override
    public int[] own(int shards) { return new int[] {(int) ((long) shards * rank / ranks), (int) ((long) shards * (rank + 1) / ranks)}; }

    /** Local SGD: the other ranks' shards' loss and metrics, swapped as {@link #compute} swaps them. */
    @Override
    public ShardGradientStep.Shard[] share(ShardGradientStep.Shard[] shards) {
        Map<Integer, double[]> mine = new LinkedHashMap<>();
        for (int k = 0; k < shards.length; k++) if (shards[k] != null) mine.put(k, summary(shards[k]));
        ShardGradientStep.Shard[] out = shards.clone();
        for (var e : exchange.gather(shards.length, mine).entrySet()) if (out[e.getKey()] == null) out[e.getKey()] = shard(null, e.getValue());
        last = new ShardGradientStep.Shard[shards.length];
        for (int k = 0; k < shards.length; k++) last[k] = shard(null, summary(out[k]));
        return out;
    }

    /** Local SGD: the replicas' states summed over the ranks in the fixed tree. */
    @Override
    public void sumStates(int shards, SortedMap<Integer, float[]> mine, float[] out) { exchange.allReduce(shards, mine, out); }

    /** The K shards of the last step, loss and metrics only (no gradients). */
    ShardGradientStep.Shard[] last() { return last; }

    private static double[] summary(ShardGradientStep.Shard s) {
        double[] v = new double[3 + s.metrics().length];
        v[0] = s.loss();
        v[1] = s.metricWeight();
        v[2] = s.rows();
        System.arraycopy(s.metrics(), 0, v, 3, s.metrics().length);
        return v;
    }

    private static ShardGradientStep.Shard shard(float[][] grads, double[] v) {
        return new ShardGradientStep.Shard(grads, v[0], java.util.Arrays.copyOfRange(v, 3, v.length), v[1], (int) v[2]);
    }
}
