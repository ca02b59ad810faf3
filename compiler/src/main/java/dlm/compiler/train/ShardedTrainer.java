package dlm.compiler.train;

import dlm.compiler.codegen.Codegen;
import dlm.compiler.codegen.CompiledGraph;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.train.Batcher;
import dlm.runtime.train.TreeSum;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data-parallel training's train step ({@code dlmc train --shards K}): each batch is split into
 * K logical shards ({@link TreeSum#shardStart}; K does not depend on threads or machines), each
 * shard's gradient is computed by the compiled gradient step and scaled by its share of the batch
 * ({@link ShardGradientStep}), the K gradients are added in the fixed tree of {@link TreeSum},
 * and the compiled apply step ({@link ShardSteps#applyGraph}) updates params and slots in place.
 * Where the shard gradients come from is a {@link Gradients}: this JVM, one shard after another,
 * or a cluster (the dlm-spark module), which gives the same bits.
 *
 * <p>With one shard the result is bit for bit the one-step {@link CompiledTrainer}'s: the scale is
 * exactly 1, the tree is the leaf itself, and both halves are cut from the same optimized graph.
 * Evaluation and prediction are the {@link CompiledTrainer}'s own, on the same param arrays.
 */
public final class ShardedTrainer implements Trainer {
    /** The K shard results of one batch at one step, in shard order. */
    public interface Gradients {
        /**
         * The K shard results of one batch, in shard order. A source that computes only some
         * shards' gradients (a rank of a cluster) gives the others' loss and metrics with
         * {@code grads} null and sums the gradients in {@link #sum}.
         */
        ShardGradientStep.Shard[] compute(Tensor images, Tensor labels, int shards, long step);

        default void randomSeed(long seed) {}

        /**
         * Writes into {@code into[p]} (null for a param that shares an earlier one's gradient) the
         * sum of the K shards' gradients of param p in the fixed tree ({@link TreeSum}). The
         * shards' gradient arrays may be used as scratch.
         */
        default void sum(ShardGradientStep.Shard[] shards, float[][] into) {
            float[][] leaves = new float[shards.length][];
            for (int p = 0; p < into.length; p++) {
                if (into[p] == null) continue;
                for (int k = 0; k < shards.length; k++) leaves[k] = shards[k].grads()[p];
                TreeSum.sumInto(leaves, into[p]);
            }
        }

        /**
         * Local SGD ({@code --sync-every}): shard k's own gradient at the current weights, the mean
         * over its rows (not scaled by its share of the batch), for replica k's own step.
         */
        ShardGradientStep.Shard replica(Tensor images, Tensor labels, int k, int shards, long step);

        /** The shards (local-SGD replicas) this source holds: {@code [first, end)}; all of them but on a cluster's rank. */
        default int[] own(int shards) { return new int[] {0, shards}; }

        /** The K shards' loss and metrics, given those of {@link #own} (a rank gets the others' from the other ranks). */
        default ShardGradientStep.Shard[] share(ShardGradientStep.Shard[] shards) { return shards; }

        /** Writes into {@code out} the sum of the K replicas' states in the fixed tree, given those of {@link #own} (used as scratch). */
        default void sumStates(int shards, java.util.SortedMap<Integer, float[]> mine, float[] out) {
            TreeSum.sumInto(mine.values().toArray(float[][]::new), out);
        }
    }

    /**
     * A source of gradients that runs whole epochs itself (a cluster whose ranks exchange
     * gradients among themselves): from the trainer's state at the epoch's start, the steps of
     * the epoch whose row order is {@code order}, giving the state at its end and each step's K
     * shard results (loss and metrics; no gradients).
     */
    public interface Epochs {
        EpochRun trainEpoch(NonFiniteStep.Snapshot start, Tensor learningRate, Batcher batcher, int[] order, int epoch);
    }

    /** What {@link Epochs#trainEpoch} gives back: the state after the epoch's last step (with the learning rate, or null) and, per step, its K shards. */
    public record EpochRun(NonFiniteStep.Snapshot end, Tensor learningRate, ShardGradientStep.Shard[][] steps) {}

    private final TrainGraph tg;
    private final CompiledTrainer inner;
    private final int shards;
    private final Gradients gradients;
    private final List<String> paramNames, gradInputs;
    private final Tensor[] weights;
    private final String[] weightNames;
    private final Tensor[] gradTensors;
    /** Local SGD: steps between averages (0: off), the bound state's tensors (weights, then slots) and the replicas' states (null: all equal the bound state). */
    private final int syncEvery;
    private List<Tensor> stateTensors;
    private float[][] replicas;
    /** The storage of {@link #gradTensors} (null where a param shares an earlier one's gradient). */
    private final float[][] gradArrays;
    private final Tensor stepTensor = Tensor.zeros(DType.F32);
    private final CompiledGraph apply;
    private final double[] result;
    private long step;

    /** Shards computed here, one after another, by this JVM's compiled gradient step. */
    public ShardedTrainer(TrainGraph tg, ParamStore params, int shards) {
        this(tg, params, shards, local(tg, params));
    }

    public ShardedTrainer(TrainGraph tg, ParamStore params, int shards, Gradients gradients) { this(tg, params, shards, 0, gradients); }

    /**
     * With {@code syncEvery} &gt; 0, local SGD ({@code --sync-every}): K replicas of the weights and
     * optimizer slots, replica k stepping on shard k of each batch with its own gradient, and every
     * {@code syncEvery} steps (counted from the run's first) and at the end of every epoch all
     * replicas set to their mean (the fixed tree sum of the K states, times 1/K).
     */
    public ShardedTrainer(TrainGraph tg, ParamStore params, int shards, int syncEvery, Gradients gradients) {
        if (shards < 1) throw new IllegalArgumentException("shards must be at least 1, got " + shards);
        if (syncEvery < 0) throw new IllegalArgumentException("syncEvery must be 0 (off) or more, got " + syncEvery);
        this.syncEvery = syncEvery;
        ShardSteps.checkShardable(tg, shards);
        this.tg = tg;
        this.shards = shards;
        this.gradients = gradients;
        inner = new CompiledTrainer(tg, params);
        paramNames = ShardSteps.paramNames(tg);
        gradInputs = ShardSteps.gradInputs(tg);
        weightNames = tg.weights().stream().map(Node::name).toArray(String[]::new);
        weights = new Tensor[weightNames.length];
        for (int i = 0; i < weights.length; i++) weights[i] = params.get(weightNames[i]);
        Map<String, Tensor> bindings = new LinkedHashMap<>();
        for (int i = 0; i < weights.length; i++) bindings.put(weightNames[i], weights[i]);
        for (var e : inner.slots().entrySet())
            for (int k = 0; k < tg.slotNames.size(); k++) bindings.put(e.getKey() + "/" + tg.slotNames.get(k), e.getValue().get(k));
        bindings.put(tg.step.name(), stepTensor);
        if (inner.learningRate() != null) bindings.put(tg.learningRate.name(), inner.learningRate());
        gradTensors = new Tensor[paramNames.size()];
        for (int p = 0; p < gradTensors.length; p++) {
            if (!gradInputs.get(p).equals(ShardSteps.GRAD + paramNames.get(p))) continue; // shares an earlier param's gradient
            gradTensors[p] = Tensor.zeros(DType.F32, params.get(paramNames.get(p)).shape());
            bindings.put(gradInputs.get(p), gradTensors[p]);
        }
        String name = Codegen.className(tg, Codegen.StepKind.TRAIN, 0).replace("_train_b0", "_apply");
        gradArrays = new float[gradTensors.length][];
        for (int p = 0; p < gradTensors.length; p++) if (gradTensors[p] != null) gradArrays[p] = gradTensors[p].f32Storage();
        apply = Codegen.compile(ShardSteps.applyGraph(tg), Map.of(), ShardSteps.applyInPlace(tg), name, Codegen.Options.defaults().withRunPasses(false))
                .instantiate(bindings);
        result = new double[1 + tg.metricNames.size()];
    }

    /** The shards computed one after another by one compiled gradient step on {@code params}' arrays. */
    public static Gradients local(TrainGraph tg, ParamStore params) {
        ShardGradientStep step = new ShardGradientStep(tg, params, Codegen.Options.defaults());
        return new Gradients() {
            public ShardGradientStep.Shard[] compute(Tensor images, Tensor labels, int shards, long s) {
                ShardGradientStep.Shard[] out = new ShardGradientStep.Shard[shards];
                for (int k = 0; k < shards; k++) out[k] = step.compute(images, labels, k, shards, s);
                return out;
            }

            public void randomSeed(long seed) { step.randomSeed(seed); }

            public ShardGradientStep.Shard replica(Tensor images, Tensor labels, int k, int shards, long s) { return replicaStep(step, images, labels, k, shards, s); }
        };
    }

    /** Shard k's gradient over its own rows (a local-SGD replica's; scale exactly 1). */
    public static ShardGradientStep.Shard replicaStep(ShardGradientStep step, Tensor images, Tensor labels, int k, int shards, long s) {
        return step.computeOwn(images, labels, k, shards, s);
    }

    public int shards() { return shards; }

    @Override
    public TrainGraph graph() { return tg; }

    @Override
    public ParamStore params() { return inner.params(); }

    @Override
    public Map<String, List<Tensor>> slots() { return inner.slots(); }

    @Override
    public long step() { return step; }

    @Override
    public Tensor learningRate() { return inner.learningRate(); }

    @Override
    public void randomSeed(long seed) {
        inner.randomSeed(seed);
        gradients.randomSeed(seed);
    }

    @Override
    public void restore(long step, Map<String, List<Tensor>> state) {
        inner.restore(step, state);
        this.step = step;
        syncWeights();
        replicas = null;
    }

    @Override
    public List<String> metricNames() { return tg.metricNames; }

    @Override
    public double[] trainStep(Tensor images, Tensor labels) {
        tg.checkLabels(labels);
        syncWeights();
        step++;
        stepTensor.f32Storage()[0] = (float) step;
        if (syncEvery > 0) return localSgdStep(images, labels);
        ShardGradientStep.Shard[] s = gradients.compute(images, labels, shards, step);
        gradients.sum(s, gradArrays);
        apply.run();
        return combine(s, images.dim(0), result);
    }

    /** A local-SGD step: each replica this trainer holds steps on its shard (one with no rows does not step), then the replicas are averaged when due. */
    private double[] localSgdStep(Tensor images, Tensor labels) {
        int[] own = gradients.own(shards);
        if (stateTensors == null) {
            stateTensors = new ArrayList<>(List.of(weights));
            inner.slots().values().forEach(stateTensors::addAll);
        }
        if (replicas == null) {
            float[] now = flatState(null);
            replicas = new float[shards][];
            for (int k = own[0]; k < own[1]; k++) replicas[k] = now.clone();
        }
        ShardGradientStep.Shard[] s = new ShardGradientStep.Shard[shards];
        for (int k = own[0]; k < own[1]; k++) {
            loadState(replicas[k]);
            s[k] = gradients.replica(images, labels, k, shards, step);
            if (s[k].rows() == 0) continue;
            for (int p = 0; p < gradArrays.length; p++) if (gradArrays[p] != null) System.arraycopy(s[k].grads()[p], 0, gradArrays[p], 0, gradArrays[p].length);
            apply.run();
            flatState(replicas[k]);
        }
        s = gradients.share(s);
        if (step % syncEvery == 0) average();
        return combine(s, images.dim(0), result);
    }

    /** Local SGD: sets the state (and every replica) to the replicas' mean; nothing when they are equal already. */
    private void average() {
        if (replicas == null) return;
        int[] own = gradients.own(shards);
        java.util.SortedMap<Integer, float[]> mine = new java.util.TreeMap<>();
        for (int k = own[0]; k < own[1]; k++) mine.put(k, replicas[k]);
        float[] mean = new float[replicas[own[0]].length];
        gradients.sumStates(shards, mine, mean);
        float scale = (float) (1.0 / shards);
        for (int i = 0; i < mean.length; i++) mean[i] *= scale;
        loadState(mean);
        replicas = null;
    }

    /** The end of an epoch: local SGD's replicas are averaged, so that the epoch ends with one model (validation, checkpoints). */
    public void endEpoch() { if (syncEvery > 0) average(); }

    /** Whether the trainer holds one model (always, but between two averages of local SGD). */
    public boolean synced() { return replicas == null; }

    /** The bound state (weights, then slots) as one array: into {@code out}, or a new one when null. */
    private float[] flatState(float[] out) {
        if (out == null) {
            int n = 0;
            for (Tensor t : stateTensors) n += t.size();
            out = new float[n];
        }
        int at = 0;
        for (Tensor t : stateTensors) {
            System.arraycopy(t.f32Storage(), 0, out, at, t.size());
            at += t.size();
        }
        return out;
    }

    private void loadState(float[] flat) {
        int at = 0;
        for (Tensor t : stateTensors) {
            System.arraycopy(flat, at, t.f32Storage(), 0, t.size());
            at += t.size();
        }
    }

    /**
     * Runs the whole epoch on the gradient source when it runs epochs ({@link Epochs}), else
     * returns null (the loop then runs its steps one by one). The trainer ends in the state the
     * source gives back, and the steps' results are combined as {@link #trainStep} combines them.
     */
    @Override
    public double[][] trainEpoch(Batcher batcher, int[] order, int epoch) {
        if (!(gradients instanceof Epochs e)) {
            if (syncEvery == 0) return null;
            // local SGD here: the epoch's steps, then the replicas averaged
            double[][] out = new double[batcher.batches()][];
            for (int s = 0; s < out.length; s++) {
                Tensor[] b = batcher.batch(order, s);
                out[s] = trainStep(b[0], b[1], b[2]).clone();
            }
            endEpoch();
            return out;
        }
        syncWeights();
        EpochRun run = e.trainEpoch(NonFiniteStep.Snapshot.of(this), inner.learningRate(), batcher, order, epoch);
        run.end().restoreInto(this);
        if (run.learningRate() != null) inner.learningRate().f32Storage()[0] = run.learningRate().f32Storage()[0];
        double[][] out = new double[run.steps().length][];
        for (int s = 0; s < out.length; s++) {
            int rows = Math.min(batcher.batchSize(), batcher.size() - s * batcher.batchSize());
            out[s] = combine(run.steps()[s], rows, new double[result.length]);
        }
        return out;
    }

    /** The batch's loss and metrics from its K shards, into {@code result}: the shards' means weighted by their share (exactly the one mean for one shard). */
    private static double[] combine(ShardGradientStep.Shard[] s, int batch, double[] result) {
        double loss = 0, weight = 0;
        for (ShardGradientStep.Shard x : s) weight += x.metricWeight();
        java.util.Arrays.fill(result, 0);
        for (ShardGradientStep.Shard x : s) {
            if (x.rows() == 0) continue;
            loss += (double) x.rows() / batch * x.loss();
            for (int m = 0; m < x.metrics().length; m++) result[1 + m] += (weight == 0 ? (double) x.rows() / batch : x.metricWeight() / weight) * x.metrics()[m];
        }
        result[0] = loss;
        return result;
    }

    @Override
    public double[] evalStep(Tensor images, Tensor labels) { return inner.evalStep(images, labels); }

    @Override
    public Tensor predict(Tensor images) { return inner.predict(images); }

    /** Sharded training takes one input and one output's labels (a model trained by name is refused before: TrainSetup). */
    @Override
    public double[] trainStep(Tensor[] inputs, Tensor[] labels, Tensor weights) {
        if (inputs.length != 1 || labels.length != 1) throw new UnsupportedOperationException("sharded training takes one input and one output");
        return trainStep(inputs[0], labels[0], weights);
    }

    @Override
    public double[] evalStep(Tensor[] inputs, Tensor[] labels) { return inner.evalStep(inputs, labels); }

    @Override
    public Tensor[] predictAll(Tensor[] inputs) { return inner.predictAll(inputs); }

    /** As {@link CompiledTrainer}: weights someone put into the store (a checkpoint) are copied into the bound arrays, which go back in. */
    private void syncWeights() {
        ParamStore store = inner.params();
        for (int i = 0; i < weights.length; i++) {
            Tensor t = store.get(weightNames[i]);
            if (t == weights[i]) continue;
            System.arraycopy(t.storage(), 0, weights[i].storage(), 0, weights[i].size());
            store.set(weightNames[i], weights[i]);
        }
    }
}
