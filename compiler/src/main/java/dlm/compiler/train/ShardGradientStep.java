package dlm.compiler.train;

import dlm.compiler.codegen.Codegen;
import dlm.compiler.codegen.Compilation;
import dlm.compiler.codegen.CompiledGraph;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.Tensor;
import dlm.runtime.random.Rng;
import dlm.runtime.train.TreeSum;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JVM's compiled gradient step ({@link ShardSteps#gradientGraph}), bound to a
 * {@link ParamStore}'s tensors and compiled once per shard size on first use. It computes one
 * shard of a batch: the shard's rows are copied into the step's inputs, the step runs, and its
 * batch-mean gradients come out scaled by {@code shardRows / batchRows} ({@link TreeSum#shardScale}),
 * so that the K scaled gradients add up to the batch mean. The same class runs on the driver
 * ({@code --shards K}) and on Spark executors, so both compute the same bits.
 */
public final class ShardGradientStep {
    private final TrainGraph tg;
    private final Graph graph;
    private final Codegen.Options options;
    private final List<String> params;
    private final Map<String, Tensor> bindings = new LinkedHashMap<>();
    private final RuntimeFeeds runtime;
    private final Map<Integer, CompiledGraph> bySize = new LinkedHashMap<>();
    private final Map<Integer, String> hashes = new LinkedHashMap<>();
    private long seed;

    /**
     * One shard's result: per param (in {@link ShardSteps#paramNames} order) its scaled gradient,
     * and the shard's loss and metrics (its own batch means), their weight in the batch's metrics
     * ({@link TrainGraph#metricWeight}) and its row count.
     */
    public record Shard(float[][] grads, double loss, double[] metrics, double metricWeight, int rows) implements java.io.Serializable {}

    public ShardGradientStep(TrainGraph tg, ParamStore params, Codegen.Options options) {
        this.tg = tg;
        this.graph = ShardSteps.gradientGraph(tg);
        this.options = options;
        this.params = ShardSteps.paramNames(tg);
        for (Node w : tg.weights()) bindings.put(w.name(), params.get(w.name()));
        runtime = new RuntimeFeeds(tg.graph);
        runtime.bind(bindings);
    }

    public void randomSeed(long seed) {
        this.seed = seed;
        runtime.setSeed(seed);
    }

    /**
     * The random stream of shard k of K: the run's seed itself for one shard (so {@code --shards 1}
     * draws what the one-batch step draws), else a seed derived from (seed, k). Draws count by step
     * and row within the shard, so every (seed, step, shard, row) draws its own numbers, whatever
     * machine or rank computes the shard.
     */
    public static long shardSeed(long seed, int k, int shards) { return shards == 1 ? seed : new Rng(seed).split("shard " + k).nextLong(); }

    /**
     * Shard {@code k} of {@code shards} of the batch ({@link TreeSum#shardStart}), at train step
     * {@code step} (1 for the first; random draws count by it). A shard with no rows (a batch
     * shorter than the shard count) gives zero gradients and weighs nothing.
     */
    public Shard compute(Tensor images, Tensor labels, int k, int shards, long step) {
        int batch = images.dim(0);
        int lo = TreeSum.shardStart(batch, shards, k);
        runtime.setSeed(shardSeed(seed, k, shards));
        return compute(images, labels, lo, TreeSum.shardStart(batch, shards, k + 1) - lo, batch, step);
    }

    /** As {@link #compute(Tensor, Tensor, int, int, long)}, but the mean over the shard's own rows (scale 1): a local-SGD replica's gradient. */
    public Shard computeOwn(Tensor images, Tensor labels, int k, int shards, long step) {
        int batch = images.dim(0);
        int lo = TreeSum.shardStart(batch, shards, k), rows = TreeSum.shardStart(batch, shards, k + 1) - lo;
        runtime.setSeed(shardSeed(seed, k, shards));
        return compute(images, labels, lo, rows, rows, step);
    }

    /**
     * The shard of rows {@code [lo, lo + rows)} of {@code images} and {@code labels}, in a batch of
     * {@code batch} rows (the tensors may hold just the shard's rows, {@code lo} = 0, as on an executor).
     */
    public Shard compute(Tensor images, Tensor labels, int lo, int rows, int batch, long step) {
        float[][] grads = new float[params.size()][];
        if (rows == 0) {
            for (int p = 0; p < grads.length; p++) grads[p] = new float[bindings.get(params.get(p)).size()];
            return new Shard(grads, 0, new double[tg.metricNames.size()], 0, 0);
        }
        CompiledGraph g = instance(rows);
        Tensor in = g.external(tg.images.name()), lab = g.external(tg.labels.name());
        copyRows(images, lo, rows, in, tg.images);
        copyRows(labels, lo, rows, lab, tg.labels);
        runtime.setStep(step);
        g.run();
        float scale = TreeSum.shardScale(rows, batch);
        for (int p = 0; p < grads.length; p++) {
            float[] src = g.output(ShardSteps.GRAD + params.get(p)).f32Storage();
            float[] dst = new float[src.length];
            for (int i = 0; i < dst.length; i++) dst[i] = src[i] * scale;
            grads[p] = dst;
        }
        double[] metrics = new double[tg.metricNames.size()];
        for (int m = 0; m < metrics.length; m++) metrics[m] = g.output(tg.metricNames.get(m)).getDouble(0);
        return new Shard(grads, g.output("loss").getDouble(0), metrics, tg.metricWeight(lab), rows);
    }

    /** SHA-256 of the class generated for a shard of {@code rows} rows: equal on every JVM that compiled the same program with the same compiler. */
    public String bytecodeHash(int rows) {
        String known = hashes.get(rows);
        if (known != null) return known;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(instance(rows).compilation().classBytes());
            String hex = HexFormat.of().formatHex(h);
            hashes.put(rows, hex);
            return hex;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private CompiledGraph instance(int rows) {
        CompiledGraph g = bySize.get(rows);
        if (g != null) return g;
        Map<String, int[]> shapes = Map.of(tg.images.name(), leading(tg.images, rows), tg.labels.name(), leading(tg.labels, rows));
        String name = Codegen.className(tg, Codegen.StepKind.TRAIN, rows).replace("_train_b", "_grad_b");
        Compilation c = Codegen.compile(graph, shapes, ShardSteps.gradientInPlace(tg), name, options.withRunPasses(false));
        g = c.instantiate(bindings);
        bySize.put(rows, g);
        return g;
    }

    private static int[] leading(Node input, int rows) {
        var dims = input.type().shape().dims();
        int[] s = new int[dims.size()];
        for (int a = 0; a < s.length; a++) s[a] = a == 0 ? rows : dims.get(a).size();
        return s;
    }

    private static void copyRows(Tensor from, int lo, int rows, Tensor to, Node input) {
        int per = from.dim(0) == 0 ? 0 : from.size() / from.dim(0);
        if (from.dtype() != to.dtype() || per * rows != to.size())
            throw new DlmException(input.span(), "input '" + input.name() + "' expects " + input.type() + ", got " + from.dtype() + Arrays.toString(from.shape()));
        System.arraycopy(from.storage(), lo * per, to.storage(), 0, rows * per);
    }
}
