package dlm.spark;

import dlm.compiler.codegen.Codegen;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Node;
import dlm.compiler.train.ShardGradientStep;
import dlm.compiler.train.ShardedTrainer;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.Tensor;
import dlm.runtime.train.TreeSum;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * Shard gradients computed on Spark (first version: the weights are broadcast every step, the
 * results come back by shard index). Each step is one Spark job of K partitions, partition k
 * computing shard k of the batch on whatever executor runs it; the driver orders the results by
 * shard, checks that every executor compiled the driver's bytecode, and {@link ShardedTrainer}
 * adds them in the fixed tree — never in Spark's arrival order — so the weights are those of
 * {@code dlmc train --shards K} on one machine, bit for bit, for any executor count.
 *
 * <p>A lost executor or failed task makes Spark re-run that partition; a task is a pure function
 * of what it is sent, so the re-run gives the same bits. Speculative copies would be harmless for
 * the same reason (Spark keeps one result per partition); contexts made here turn speculation off
 * anyway, so as not to compute shards twice.
 */
public final class SparkGradients implements ShardedTrainer.Gradients {
    private final JavaSparkContext jsc;
    private final Broadcast<ProgramSource> program;
    private final TrainGraph tg;
    private final ParamStore params;
    private final List<String> weightNames;
    private final ShardGradientStep driverStep;
    private long seed;
    /** The process ids of the JVMs that computed shards (from their {@code pid@host} names), in the order first seen. */
    private final java.util.Set<Long> executorPids = new java.util.LinkedHashSet<>();
    private final java.util.Map<String, Long> pidByExecutor = new java.util.concurrent.ConcurrentHashMap<>();

    /** Computes on {@code jsc} the shards of {@code source}, whose train step on this driver is {@code tg}, its weights in {@code params}. */
    public SparkGradients(JavaSparkContext jsc, ProgramSource source, TrainGraph tg, ParamStore params) {
        for (var e : tg.stateUpdates.entrySet())
            throw new DlmException(e.getValue().span(), "--spark: state " + e.getKey() + " is updated by the train step (batch-norm statistics), which the"
                    + " executors cannot send back; train this model without --spark");
        this.jsc = jsc;
        this.program = jsc.broadcast(source);
        this.tg = tg;
        this.params = params;
        this.weightNames = tg.weights().stream().map(Node::name).toList();
        // compiled here only to know the bytecode the executors must produce
        this.driverStep = new ShardGradientStep(tg, params, Codegen.Options.defaults());
    }

    @Override
    public void randomSeed(long seed) { this.seed = seed; }

    @Override
    public ShardGradientStep.Shard[] compute(Tensor images, Tensor labels, int shards, long step) {
        int batch = images.dim(0);
        Object[] weights = new Object[weightNames.size()];
        for (int i = 0; i < weights.length; i++) weights[i] = params.get(weightNames.get(i)).storage();
        List<ShardTask> tasks = new ArrayList<>(shards);
        for (int k = 0; k < shards; k++) {
            int lo = TreeSum.shardStart(batch, shards, k), rows = TreeSum.shardStart(batch, shards, k + 1) - lo;
            tasks.add(new ShardTask(k, rows, batch, step, seed, images.dtype().name(), rowShape(images, rows), rows(images, lo, rows),
                    labels.dtype().name(), rowShape(labels, rows), rows(labels, lo, rows)));
        }
        Broadcast<Object[]> w = jsc.broadcast(weights);
        List<ShardResult> results;
        try {
            results = jsc.parallelize(tasks, shards).mapPartitionsWithIndex(onExecutor(program, w), true).collect();
        } finally {
            w.destroy();
        }
        ShardGradientStep.Shard[] out = new ShardGradientStep.Shard[shards];
        for (ShardResult r : results) {
            if (out[r.shard()] != null) throw new IllegalStateException("shard " + r.shard() + " came back twice");
            ShardTask t = tasks.get(r.shard());
            if (t.rows() > 0) {
                String mine = driverStep.bytecodeHash(t.rows());
                if (!mine.equals(r.bytecodeHash()))
                    throw new DlmException(tg.images.span(), "executor " + r.executorId() + " (" + r.executor() + ")" + " compiled a different gradient step for shards of " + t.rows()
                            + " rows than this driver (SHA-256 " + abbrev(r.bytecodeHash()) + " vs " + abbrev(mine) + "): the executors run another program,"
                            + " compiler or standard library; give every JVM the same dlm-spark jar and .dlm file");
            }
            out[r.shard()] = r.result();
            String pid = r.executor().substring(0, Math.max(0, r.executor().indexOf('@')));
            if (!pid.isEmpty() && pid.chars().allMatch(Character::isDigit)) {
                executorPids.add(Long.parseLong(pid));
                pidByExecutor.put(r.executorId(), Long.parseLong(pid));
            }
        }
        for (int k = 0; k < shards; k++) if (out[k] == null) throw new IllegalStateException("shard " + k + " did not come back");
        return out;
    }

    /** The process ids of the JVMs that have computed shards so far (the driver's own in local mode). */
    public java.util.Set<Long> executorPids() { return java.util.Collections.unmodifiableSet(executorPids); }

    /** The process id of the JVM of a Spark executor that has computed shards, or null. */
    public Long executorPid(String executorId) { return pidByExecutor.get(executorId); }

    /** The task function: a pure function of the task and the broadcast program (a re-run gives the same bits). */
    private static Function2<Integer, Iterator<ShardTask>, Iterator<ShardResult>> onExecutor(Broadcast<ProgramSource> program, Broadcast<Object[]> weights) {
        return (partition, tasks) -> {
            List<ShardResult> out = new ArrayList<>();
            while (tasks.hasNext()) out.add(ExecutorSteps.run(program.value(), tasks.next(), weights.value()));
            return out.iterator();
        };
    }

    private static String abbrev(String hash) { return hash.isEmpty() ? "(none)" : hash.substring(0, Math.min(12, hash.length())); }

    private static int[] rowShape(Tensor t, int rows) {
        int[] s = t.shape();
        s[0] = rows;
        return s;
    }

    private static Object rows(Tensor t, int lo, int rows) {
        int per = t.dim(0) == 0 ? 0 : t.size() / t.dim(0);
        Object src = t.storage();
        Object dst = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), rows * per);
        System.arraycopy(src, lo * per, dst, 0, rows * per);
        return dst;
    }

    static String describe(int[] shape) { return Arrays.toString(shape); }
}
