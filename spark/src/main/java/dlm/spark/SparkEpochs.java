package dlm.spark;

import dlm.compiler.codegen.Codegen;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.NonFiniteStep;
import dlm.compiler.train.ShardGradientStep;
import dlm.compiler.train.ShardedTrainer;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.Tensor;
import dlm.runtime.train.Batcher;
import dlm.runtime.train.TreeSum;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The driver's side of training on Spark: one barrier stage an epoch ({@link RankTask}), whose N
 * ranks exchange gradients among themselves and each run every step of the epoch, so no Spark job
 * runs per step. The driver broadcasts the program once, the training rows once, and each epoch
 * its row order and starting state; it gets back rank 0's state at the epoch's end and each
 * step's shard results (the loss and metrics {@code --shards K} reports), checks that every rank
 * ended with the same state (by digest), and deletes the epoch's snapshots.
 *
 * <p>N is the number of task slots ({@code spark.default.parallelism}, else Spark's default
 * parallelism; a barrier stage needs them all at once), at most K; {@code spark.dlm.ranks} sets
 * it. The K shards are dealt to the ranks in runs, and the result does not depend on N.
 *
 * <p>A single step outside an epoch ({@link #compute}: replaying an epoch to explain a
 * non-finite loss) runs on the driver, one shard after another: the same bits.
 */
public final class SparkEpochs implements ShardedTrainer.Gradients, ShardedTrainer.Epochs {
    /** Spark settings read here: the rank count, the snapshot folder (any Hadoop file system URI) and how many steps apart rank 0 writes snapshots. */
    public static final String RANKS = "spark.dlm.ranks", SNAPSHOT_DIR = "spark.dlm.snapshotDir", SNAPSHOT_EVERY = "spark.dlm.snapshotEvery";

    private final JavaSparkContext jsc;
    private final Broadcast<ProgramSource> program;
    private final TrainGraph tg;
    private final int shards, syncEvery;
    private final ShardGradientStep driverStep;
    private final String run = "run-" + java.util.UUID.randomUUID();
    private final String snapshotDir;
    private final int snapshotEvery;
    private long seed;
    private Broadcast<TrainData> data;
    private Tensor dataOf;
    /** Per epoch run on the cluster: the step its last (successful) attempt started from. */
    private final List<Integer> resumedFrom = new ArrayList<>();

    /** Trains on {@code jsc} the program {@code source}, whose train step on this driver is {@code tg} with weights in {@code params}, in {@code shards} shards. */
    public SparkEpochs(JavaSparkContext jsc, ProgramSource source, TrainGraph tg, ParamStore params, int shards) { this(jsc, source, tg, params, shards, 0); }

    /** As above, with local SGD averaging every {@code syncEvery} steps (0: off; see {@link ShardedTrainer}). */
    public SparkEpochs(JavaSparkContext jsc, ProgramSource source, TrainGraph tg, ParamStore params, int shards, int syncEvery) {
        for (var e : tg.stateUpdates.entrySet())
            throw new DlmException(e.getValue().span(), "--spark: state " + e.getKey() + " is updated by the train step (batch-norm statistics), which the"
                    + " ranks do not combine yet; train this model without --spark");
        this.jsc = jsc;
        this.program = jsc.broadcast(source);
        this.tg = tg;
        this.shards = shards;
        this.syncEvery = syncEvery;
        // compiled here to know the bytecode the ranks must produce, and to run steps outside an epoch
        this.driverStep = new ShardGradientStep(tg, params, Codegen.Options.defaults());
        var conf = jsc.getConf();
        String dir = conf.get(SNAPSHOT_DIR, "");
        if (dir.isEmpty() && jsc.master().startsWith("local")) dir = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "dlm-spark-snapshots").toUri().toString();
        if (dir.isEmpty()) dir = jsc.sc().getCheckpointDir().isDefined() ? jsc.sc().getCheckpointDir().get() : "";
        this.snapshotDir = dir.isEmpty() ? null : dir;
        this.snapshotEvery = conf.getInt(SNAPSHOT_EVERY, 50);
        if (snapshotEvery < 1) throw new IllegalArgumentException(SNAPSHOT_EVERY + " must be 1 or more, got " + snapshotEvery);
        if (snapshotDir != null) Runtime.getRuntime().addShutdownHook(new Thread(() -> Snapshots.delete(snapshotDir, run, 0), "dlm-spark-snapshots"));
    }

    @Override
    public void randomSeed(long seed) {
        this.seed = seed;
        driverStep.randomSeed(seed);
    }

    @Override
    public ShardGradientStep.Shard replica(Tensor images, Tensor labels, int k, int shards, long step) { return ShardedTrainer.replicaStep(driverStep, images, labels, k, shards, step); }

    @Override
    public ShardGradientStep.Shard[] compute(Tensor images, Tensor labels, int k, long step) {
        ShardGradientStep.Shard[] out = new ShardGradientStep.Shard[k];
        for (int i = 0; i < k; i++) out[i] = driverStep.compute(images, labels, i, k, step);
        return out;
    }

    /** The rank count of an epoch's stage. */
    int ranks() {
        int slots = jsc.getConf().getInt(RANKS, jsc.defaultParallelism());
        if (slots < 1) throw new IllegalArgumentException(RANKS + " must be 1 or more, got " + slots);
        return Math.max(1, Math.min(shards, slots));
    }

    @Override
    public ShardedTrainer.EpochRun trainEpoch(NonFiniteStep.Snapshot start, Tensor learningRate, Batcher batcher, int[] order, int epoch) {
        if (dataOf != batcher.images()) {
            if (data != null) data.destroy();
            data = jsc.broadcast(new TrainData(Blob.sharing(batcher.images()), Blob.sharing(batcher.labels()), batcher.batchSize()));
            dataOf = batcher.images();
        }
        HashMap<Integer, String> hashes = new HashMap<>();
        int n = batcher.size(), full = batcher.batchSize(), last = n % full;
        for (int batch : last == 0 ? new int[] {full} : new int[] {full, last})
            for (int k = 0; k < shards; k++) {
                int rows = TreeSum.shardStart(batch, shards, k + 1) - TreeSum.shardStart(batch, shards, k);
                if (rows > 0) hashes.computeIfAbsent(rows, driverStep::bytecodeHash);
            }
        int ranks = ranks();
        EpochPlan plan = new EpochPlan(run, epoch, seed, shards, syncEvery, ranks, order, EpochState.of(start, learningRate), hashes, snapshotDir, snapshotEvery);
        Broadcast<EpochPlan> p = jsc.broadcast(plan);
        List<RankResult> results;
        try {
            results = jsc.parallelize(IntStream.range(0, ranks).boxed().toList(), ranks).rdd().barrier()
                    .mapPartitionsWithIndex(new RankTask(program, data, p), false, scala.reflect.ClassTag$.MODULE$.apply(RankResult.class)).toJavaRDD()
                    // through a shuffle, so that the barrier stage is a map stage: Spark re-runs a failed barrier map stage, never a result stage
                    .repartition(1).collect();
        } finally {
            p.destroy();
        }
        if (snapshotDir != null) Snapshots.delete(snapshotDir, run, epoch);
        RankResult first = null;
        for (RankResult r : results) {
            if (!r.error().isEmpty()) throw new DlmException(tg.images.span(), r.error());
            if (r.rank() == 0) first = r;
        }
        if (first == null || results.size() != ranks) throw new IllegalStateException("the epoch's stage gave " + results.size() + " results for " + ranks + " ranks");
        for (RankResult r : results)
            if (!r.digest().equals(first.digest()))
                throw new IllegalStateException("rank " + r.rank() + " (" + r.executor() + ") ended epoch " + epoch + " with other weights than rank 0 (" + first.executor() + ")");
        resumedFrom.add(first.resumedFrom());
        EpochState end = first.end();
        return new ShardedTrainer.EpochRun(end.snapshot(), end.learningRate() == null ? null : end.learningRate().tensor(), first.steps());
    }

    /** Per epoch run so far, the step its successful attempt started from (0 unless it resumed from a snapshot). */
    public List<Integer> resumedFrom() { return List.copyOf(resumedFrom); }

    /** Where rank 0 writes snapshots (a Hadoop file system URI), or null. */
    public String snapshotDir() { return snapshotDir; }
}
