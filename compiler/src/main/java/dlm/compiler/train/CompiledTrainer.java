package dlm.compiler.train;

import dlm.compiler.codegen.Codegen;
import dlm.compiler.codegen.Codegen.StepKind;
import dlm.compiler.codegen.CompiledGraph;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link TrainGraph} as generated JVM code, with the semantics of
 * {@link InterpretedTrainer}: the same params (the {@link ParamStore}'s own tensors, which the
 * compiled steps update in place, so checkpoints and the interpreter see the same arrays), the
 * same optimizer slots (initialized as the interpreter does) and step counter.
 *
 * <p>Each step kind (train, eval, predict) is compiled per batch size actually used — typically
 * the full batch and the last, shorter one — on first use and cached. All instances share the
 * param and slot arrays; each has its own intermediates. A train step in steady state allocates
 * nothing: the batch is copied into the instance's input arrays, the step counter written into
 * its array, and the returned array is reused.
 */
public final class CompiledTrainer implements Trainer {
    private final TrainGraph tg;
    private final ParamStore params;
    private final Codegen.Options options;
    private final String[] paramNames;
    private final Tensor[] paramTensors;
    private final Map<String, List<Tensor>> slots = new LinkedHashMap<>();
    private final Tensor stepTensor = Tensor.zeros(DType.F32);
    private final Tensor learningRate;
    private final RuntimeFeeds runtime;
    private final Map<String, Tensor> bindings = new LinkedHashMap<>();
    private final double[] trainResult, evalResult;
    private final Inst[][] cache = new Inst[StepKind.values().length][];
    private long step;
    /** A one-input model's batch as the arrays the steps take, reused: a steady-state step allocates nothing. */
    private final Tensor[] oneInput = new Tensor[1], oneLabel = new Tensor[1];

    /** A compiled step for one batch size, with its input and output tensors looked up once. */
    private record Inst(int batch, CompiledGraph graph, Tensor[] inputs, Tensor[] labels, Tensor weights, Tensor loss, Tensor[] metrics, Tensor[] outputs) {}

    public CompiledTrainer(TrainGraph tg, ParamStore params) { this(tg, params, Codegen.Options.defaults()); }

    public CompiledTrainer(TrainGraph tg, ParamStore params, Codegen.Options options) {
        this.tg = tg;
        this.params = params;
        this.options = options;
        // the states are bound (and synced) like params; only params have optimizer slots
        paramNames = tg.weights().stream().map(Node::name).toArray(String[]::new);
        paramTensors = new Tensor[paramNames.length];
        // the slots' initial values, computed exactly as the interpreter computes them
        Map<String, List<Tensor>> initial = tg.initialSlots(params);
        for (int i = 0; i < paramNames.length; i++) {
            String p = paramNames[i];
            paramTensors[i] = params.get(p);
            bindings.put(p, paramTensors[i]);
            if (!initial.containsKey(p)) continue;
            List<Tensor> s = new ArrayList<>(initial.get(p));
            slots.put(p, s);
            for (int k = 0; k < tg.slotNames.size(); k++) bindings.put(p + "/" + tg.slotNames.get(k), s.get(k));
        }
        bindings.put(tg.step.name(), stepTensor);
        learningRate = Trainer.initialLearningRate(tg);
        if (learningRate != null) bindings.put(tg.learningRate.name(), learningRate);
        runtime = new RuntimeFeeds(tg.graph);
        runtime.bind(bindings);
        trainResult = new double[1 + tg.metrics.size()];
        evalResult = new double[1 + tg.metrics.size()];
        for (int k = 0; k < cache.length; k++) cache[k] = new Inst[0];
    }

    @Override
    public TrainGraph graph() { return tg; }

    @Override
    public ParamStore params() { return params; }

    @Override
    public Map<String, List<Tensor>> slots() { return slots; }

    @Override
    public long step() { return step; }

    @Override
    public Tensor learningRate() { return learningRate; }

    @Override
    public void randomSeed(long seed) { runtime.setSeed(seed); }

    @Override
    public void restore(long step, Map<String, List<Tensor>> state) {
        this.step = step;
        runtime.setStep(step);
        syncParams();
        for (var e : state.entrySet()) {
            List<Tensor> mine = slots.get(e.getKey());
            if (mine == null) throw new IllegalArgumentException("no param named " + e.getKey());
            for (int k = 0; k < mine.size(); k++) copyInto(e.getValue().get(k), mine.get(k), e.getKey() + "/" + tg.slotNames.get(k));
        }
    }

    @Override
    public List<String> metricNames() { return tg.metricNames; }

    @Override
    public double[] trainStep(Tensor images, Tensor labels) { return trainStep(images, labels, null); }

    /** A train step; without {@code weights} a step that takes sample weights weighs every sample 1. */
    @Override
    public double[] trainStep(Tensor images, Tensor labels, Tensor weights) {
        oneInput[0] = images;
        oneLabel[0] = labels;
        return trainStep(oneInput, oneLabel, weights);
    }

    @Override
    public double[] trainStep(Tensor[] inputs, Tensor[] labels) { return trainStep(inputs, labels, null); }

    private double[] trainStep(Tensor[] inputs, Tensor[] labels, Tensor weights) {
        tg.checkLabels(labels[0]);
        syncParams();
        Inst in = instance(StepKind.TRAIN, inputs[0]);
        feed(in, inputs, labels);
        feedWeights(in, weights);
        step++;
        stepTensor.f32Storage()[0] = (float) step;
        runtime.setStep(step);
        in.graph().run();
        return results(in, trainResult);
    }

    @Override
    public double[] evalStep(Tensor images, Tensor labels) {
        oneInput[0] = images;
        oneLabel[0] = labels;
        return evalStep(oneInput, oneLabel);
    }

    @Override
    public double[] evalStep(Tensor[] inputs, Tensor[] labels) {
        tg.checkLabels(labels[0]);
        syncParams();
        Inst in = instance(StepKind.EVAL, inputs[0]);
        feed(in, inputs, labels);
        in.graph().run();
        return results(in, evalResult);
    }

    @Override
    public Tensor predict(Tensor images) { return predictAll(new Tensor[] {images})[0]; }

    @Override
    public Tensor[] predictAll(Tensor[] inputs) {
        syncParams();
        Inst in = instance(StepKind.PREDICT, inputs[0]);
        feed(in, inputs, null);
        in.graph().run();
        Tensor[] out = new Tensor[in.outputs().length];
        for (int i = 0; i < out.length; i++) out[i] = in.outputs()[i].copy();
        return out;
    }

    /**
     * Feeds a batch to the compiled step of {@code kind} for its size (and, for a train step,
     * advances the step counter) without running it: for callers that run the step themselves,
     * method by method ({@code dlmc profile}). Returns the step.
     */
    public CompiledGraph prepare(StepKind kind, Tensor images, Tensor labels) {
        syncParams();
        Inst in = instance(kind, images);
        feed(in, new Tensor[] {images}, kind == StepKind.PREDICT ? null : new Tensor[] {labels});
        if (kind == StepKind.TRAIN) feedWeights(in, null);
        if (kind == StepKind.TRAIN) {
            step++;
            stepTensor.f32Storage()[0] = (float) step;
            runtime.setStep(step);
        }
        return in.graph();
    }

    /** The compiled instance of a step kind for a batch size (compiling it on first use). */
    public CompiledGraph compiled(StepKind kind, int batch) { return instance(kind, batch).graph(); }

    // ---- internals ----------------------------------------------------------------------------------

    private Inst instance(StepKind kind, Tensor images) {
        if (images.rank() == 0 || images.dtype() != tg.images.type().dtype() || images.rank() != tg.images.type().rank())
            throw new DlmException(tg.images.span(), "input '" + tg.images.name() + "' expects " + tg.images.type() + ", got "
                    + images.dtype() + Arrays.toString(images.shape()));
        return instance(kind, images.dim(0));
    }

    private Inst instance(StepKind kind, int batch) {
        Inst[] list = cache[kind.ordinal()];
        for (Inst i : list) if (i.batch() == batch) return i;
        CompiledGraph g = Codegen.compile(tg, kind, batch, options).instantiate(bindings);
        Tensor[] metrics = new Tensor[tg.metricNames.size()];
        Tensor loss = null;
        Tensor[] outputs = null;
        if (kind != StepKind.PREDICT) {
            loss = g.output("loss");
            for (int k = 0; k < metrics.length; k++) metrics[k] = g.output(tg.metricNames.get(k));
        } else if (tg.outputs.size() == 1) {
            outputs = new Tensor[] {g.output("output")};
        } else {
            outputs = new Tensor[tg.outputs.size()];
            for (int k = 0; k < outputs.length; k++) outputs[k] = g.output("output" + k);
        }
        Tensor[] labels = kind == StepKind.PREDICT ? null : tg.labelInputs.stream().map(l -> g.external(l.name())).toArray(Tensor[]::new);
        Tensor weights = kind == StepKind.TRAIN && tg.sampleWeight != null ? g.external(tg.sampleWeight.name()) : null;
        Tensor[] inputs = tg.inputs.stream().map(x -> g.external(x.name())).toArray(Tensor[]::new);
        Inst in = new Inst(batch, g, inputs, labels, weights, loss, metrics, outputs);
        Inst[] more = Arrays.copyOf(list, list.length + 1);
        more[list.length] = in;
        cache[kind.ordinal()] = more;
        return in;
    }

    private void feed(Inst in, Tensor[] inputs, Tensor[] labels) {
        Trainer.checkCount("inputs", inputs, tg.inputs);
        for (int i = 0; i < inputs.length; i++) copyInto(inputs[i], in.inputs()[i], tg.inputs.get(i));
        if (labels == null) return;
        Trainer.checkCount("labels", labels, tg.labelInputs);
        for (int i = 0; i < labels.length; i++) copyInto(labels[i], in.labels()[i], tg.labelInputs.get(i));
    }

    /** A train step's sample weights: {@code weights}, or each 1 when none are given; a step that takes none refuses them. */
    private void feedWeights(Inst in, Tensor weights) {
        if (in.weights() == null) {
            if (weights != null) throw new IllegalArgumentException("this train step takes no sample weights");
            return;
        }
        if (weights != null) copyInto(weights, in.weights(), tg.sampleWeight);
        else Arrays.fill(in.weights().f32Storage(), 1f);
    }

    private static void copyInto(Tensor from, Tensor to, Node input) {
        if (!sameShape(from, to))
            throw new DlmException(input.span(), "input '" + input.name() + "' expects " + input.type() + ", got "
                    + from.dtype() + Arrays.toString(from.shape()));
        System.arraycopy(from.storage(), 0, to.storage(), 0, to.size());
    }

    private static void copyInto(Tensor from, Tensor to, String what) {
        if (!sameShape(from, to))
            throw new IllegalArgumentException(what + " expects " + to.dtype() + Arrays.toString(to.shape()) + ", got "
                    + from.dtype() + Arrays.toString(from.shape()));
        System.arraycopy(from.storage(), 0, to.storage(), 0, to.size());
    }

    private static boolean sameShape(Tensor a, Tensor b) {
        if (a.dtype() != b.dtype() || a.rank() != b.rank()) return false;
        for (int k = 0; k < a.rank(); k++) if (a.dim(k) != b.dim(k)) return false;
        return true;
    }

    /**
     * The compiled steps are bound to the param tensors the store held when this trainer was
     * made. If someone put other tensors into the store (a checkpoint restore), their values are
     * copied into the bound arrays, and the bound tensors put back.
     */
    private void syncParams() {
        for (int i = 0; i < paramNames.length; i++) {
            Tensor t = params.get(paramNames[i]);
            if (t == paramTensors[i]) continue;
            copyInto(t, paramTensors[i], "param " + paramNames[i]);
            params.set(paramNames[i], paramTensors[i]);
        }
    }

    private double[] results(Inst in, double[] r) {
        r[0] = in.loss().getDouble(0);
        for (int k = 0; k < in.metrics().length; k++) r[k + 1] = in.metrics()[k].getDouble(0);
        return r;
    }
}
