package dlm.compiler.train;

import dlm.compiler.codegen.Codegen;
import dlm.compiler.codegen.CompiledGraph;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.train.TreeSum;
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
        ShardGradientStep.Shard[] compute(Tensor images, Tensor labels, int shards, long step);

        default void randomSeed(long seed) {}
    }

    private final TrainGraph tg;
    private final CompiledTrainer inner;
    private final int shards;
    private final Gradients gradients;
    private final List<String> paramNames, gradInputs;
    private final Tensor[] weights;
    private final String[] weightNames;
    private final Tensor[] gradTensors;
    private final Tensor stepTensor = Tensor.zeros(DType.F32);
    private final CompiledGraph apply;
    private final double[] result;
    private long step;

    /** Shards computed here, one after another, by this JVM's compiled gradient step. */
    public ShardedTrainer(TrainGraph tg, ParamStore params, int shards) {
        this(tg, params, shards, local(tg, params));
    }

    public ShardedTrainer(TrainGraph tg, ParamStore params, int shards, Gradients gradients) {
        if (shards < 1) throw new IllegalArgumentException("shards must be at least 1, got " + shards);
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
        };
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
    }

    @Override
    public List<String> metricNames() { return tg.metricNames; }

    @Override
    public double[] trainStep(Tensor images, Tensor labels) {
        tg.checkLabels(labels);
        syncWeights();
        step++;
        stepTensor.f32Storage()[0] = (float) step;
        ShardGradientStep.Shard[] s = gradients.compute(images, labels, shards, step);
        float[][] leaves = new float[shards][];
        for (int p = 0; p < gradTensors.length; p++) {
            if (gradTensors[p] == null) continue;
            for (int k = 0; k < shards; k++) leaves[k] = s[k].grads()[p];
            TreeSum.sumInto(leaves, gradTensors[p].f32Storage());
        }
        apply.run();
        // the batch's loss and metrics: the shards' means weighted by their share (exactly the one mean for one shard)
        int batch = images.dim(0);
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
    public double[] trainStep(Tensor[] inputs, Tensor[] labels) {
        if (inputs.length != 1 || labels.length != 1) throw new UnsupportedOperationException("sharded training takes one input and one output");
        return trainStep(inputs[0], labels[0]);
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
