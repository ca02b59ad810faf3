package dlm.spark;

import dlm.compiler.train.ShardGradientStep;
import dlm.runtime.Tensor;
import dlm.runtime.train.Batcher;
import dlm.runtime.train.TreeSum;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;

/**
 * One rank of an epoch's barrier stage (all N tasks run at once). The rank takes a compiled
 * trainer from its JVM's cache, checks that it compiled the driver's bytecode for every shard size
 * of the epoch, listens on a port of its own and swaps addresses with the other ranks in one
 * {@code allGather} (with the check's outcome and, from rank 0, the step to start from), connects
 * to them ({@link TreeAllReduce}) and runs every step of the epoch: its shards' gradients, the
 * all-reduce in the fixed tree, the apply step — so every rank holds the same weights after every
 * step and no Spark job runs per step. Rank 0 writes a snapshot every {@link EpochPlan#snapshotEvery}
 * steps; a re-run of the stage (an executor was lost) starts from the latest one, and, every
 * step being a pure function of the state before it, ends with the same bits.
 */
final class RankTask extends scala.runtime.AbstractFunction2<Object, scala.collection.Iterator<Integer>, scala.collection.Iterator<RankResult>>
        implements java.io.Serializable {
    /** Test hook: milliseconds each rank sleeps before each step, so that a test can kill an executor mid-epoch. */
    static final String STEP_DELAY_PROPERTY = "dlm.spark.test.stepDelayMs";
    /** Test hook: {@code E:S} makes the last rank fail before step S (0-based) of epoch E in the stage's first attempt. */
    static final String FAIL_PROPERTY = "dlm.spark.test.failAt";

    private final Broadcast<ProgramSource> program;
    private final Broadcast<TrainData> data;
    private final Broadcast<EpochPlan> plan;

    RankTask(Broadcast<ProgramSource> program, Broadcast<TrainData> data, Broadcast<EpochPlan> plan) {
        this.program = program;
        this.data = data;
        this.plan = plan;
    }

    /** The task of partition (rank) {@code partition}: its one result. */
    @Override
    public scala.collection.Iterator<RankResult> apply(Object partition, scala.collection.Iterator<Integer> ignored) {
        return scala.jdk.javaapi.CollectionConverters.asScala(List.of(run((Integer) partition)).iterator());
    }

    private RankResult run(int rank) {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        EpochPlan p = plan.value();
        ProgramSource src = program.value();
        SparkEnv env = SparkEnv.get();
        String executor = ManagementFactory.getRuntimeMXBean().getName() + ", executor " + (env == null ? "?" : env.executorId());
        ExecutorSteps.Worker w = ExecutorSteps.take(src, p.shards(), p.syncEvery());
        try (ServerSocket server = new ServerSocket(0)) {
            TrainData d = data.value();
            Tensor images = d.images().tensor(), labels = d.labels().tensor();
            String error = checkBytecode(w, p, rank, images.dim(0), d.batchSize(), executor);
            int resume = rank == 0 && p.snapshotDir() != null ? Snapshots.latest(p) : 0;
            String host = env == null ? "127.0.0.1" : env.blockManager().blockManagerId().host();
            String[] all = ctx.allGather(host + " " + server.getLocalPort() + " " + resume + " " + error);
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (String m : all) {
                String[] f = m.split(" ", 4);
                if (!f[3].isEmpty()) return new RankResult(rank, f[3], executor, null, null, null, 0);
                addresses.add(new InetSocketAddress(f[0], Integer.parseInt(f[1])));
            }
            resume = Integer.parseInt(all[0].split(" ", 4)[2]);
            try (TreeAllReduce exchange = TreeAllReduce.connect(rank, addresses, server)) {
                return train(w, exchange, p, rank, resume, new Batcher(images, labels, d.batchSize()), executor);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rank " + rank + " on " + executor, e);
        } finally {
            ExecutorSteps.give(src, p.shards(), p.syncEvery(), w);
        }
    }

    private static RankResult train(ExecutorSteps.Worker w, TreeAllReduce exchange, EpochPlan p, int rank, int resume, Batcher batcher, String executor) {
        w.gradients().attach(exchange, rank, p.ranks());
        List<ShardGradientStep.Shard[]> steps = new ArrayList<>();
        EpochState start = p.start();
        if (resume > 0) {
            Snapshots.Snapshot s = Snapshots.read(p, resume);
            start = s.state();
            steps.addAll(Arrays.asList(s.results()));
        }
        start.snapshot().restoreInto(w.trainer());
        if (start.learningRate() != null) w.trainer().learningRate().f32Storage()[0] = start.learningRate().tensor().f32Storage()[0];
        w.trainer().randomSeed(p.seed());
        long delay = Long.getLong(STEP_DELAY_PROPERTY, 0);
        String failAt = System.getProperty(FAIL_PROPERTY, "");
        int n = batcher.batches(), snapshot = resume;
        for (int s = resume; s < n; s++) {
            org.apache.spark.TaskContext ctx = org.apache.spark.TaskContext.get();
            ctx.killTaskIfInterrupted();
            if (delay > 0) sleep(delay);
            if (failAt.equals(p.epoch() + ":" + s) && rank == p.ranks() - 1 && ctx.stageAttemptNumber() == 0)
                throw new IllegalStateException("test: rank " + rank + " fails before step " + s + " of epoch " + p.epoch());
            Tensor[] b = batcher.batch(p.order(), s);
            w.trainer().trainStep(b[0], b[1]);
            steps.add(w.gradients().last());
            // (local SGD: only where the replicas were just averaged, the state being then one model)
            if (rank == 0 && p.snapshotDir() != null && s + 1 - snapshot >= p.snapshotEvery() && s + 1 < n && w.trainer().synced()) {
                Snapshots.write(p, new Snapshots.Snapshot(s + 1, EpochState.of(snapshotOf(w), w.trainer().learningRate()), steps.toArray(ShardGradientStep.Shard[][]::new)));
                snapshot = s + 1;
            }
        }
        w.trainer().endEpoch();
        EpochState end = EpochState.of(snapshotOf(w), w.trainer().learningRate());
        return rank == 0 ? new RankResult(rank, "", executor, end.digest(), end, steps.toArray(ShardGradientStep.Shard[][]::new), resume)
                : new RankResult(rank, "", executor, end.digest(), null, null, resume);
    }

    private static dlm.compiler.train.NonFiniteStep.Snapshot snapshotOf(ExecutorSteps.Worker w) { return dlm.compiler.train.NonFiniteStep.Snapshot.of(w.trainer()); }

    /** "" when this rank compiled the driver's class for each of its shard sizes in the epoch, else the error to report. */
    private static String checkBytecode(ExecutorSteps.Worker w, EpochPlan p, int rank, int n, int batchSize, String executor) {
        int lo = p.firstShard(rank), hi = p.firstShard(rank + 1);
        TreeSet<Integer> sizes = new TreeSet<>();
        int full = Math.min(batchSize, Math.max(1, n)), last = n % full;
        for (int batch : last == 0 ? new int[] {full} : new int[] {full, last})
            for (int k = lo; k < hi; k++) sizes.add(TreeSum.shardStart(batch, p.shards(), k + 1) - TreeSum.shardStart(batch, p.shards(), k));
        sizes.remove(0);
        for (int rows : sizes) {
            String mine = w.step().bytecodeHash(rows), driver = p.hashes().get(rows);
            if (!mine.equals(driver))
                return "executor " + executor + " compiled a different gradient step for shards of " + rows + " rows than the driver (SHA-256 " + abbrev(mine)
                        + " vs " + abbrev(driver) + "): the executors run another program, compiler or standard library; give every JVM the same dlm-spark jar and .dlm file";
        }
        return "";
    }

    private static String abbrev(String hash) { return hash == null || hash.isEmpty() ? "(none)" : hash.substring(0, Math.min(12, hash.length())); }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
