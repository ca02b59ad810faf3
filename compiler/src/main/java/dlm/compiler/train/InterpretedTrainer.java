package dlm.compiler.train;

import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link TrainGraph} on the reference interpreter: the golden model of training.
 * Holds the params (a {@link ParamStore}), the optimizer slots and the step counter.
 */
public final class InterpretedTrainer implements Trainer {
    private final TrainGraph tg;
    private final ParamStore params;
    private final Map<String, List<Tensor>> slots = new LinkedHashMap<>();
    private final Interpreter interp;
    private final Tensor learningRate;
    private final RuntimeFeeds runtime;
    private long step;

    public InterpretedTrainer(TrainGraph tg, ParamStore params) {
        this.tg = tg;
        this.params = params;
        this.interp = new Interpreter(tg.graph, params);
        slots.putAll(tg.initialSlots(params));
        learningRate = Trainer.initialLearningRate(tg);
        runtime = new RuntimeFeeds(tg.graph);
    }

    @Override
    public Tensor learningRate() { return learningRate; }

    @Override
    public TrainGraph graph() { return tg; }

    @Override
    public ParamStore params() { return params; }

    @Override
    public Map<String, List<Tensor>> slots() { return slots; }

    @Override
    public long step() { return step; }

    @Override
    public void randomSeed(long seed) { runtime.setSeed(seed); }

    @Override
    public void restore(long step, Map<String, List<Tensor>> state) {
        this.step = step;
        runtime.setStep(step);
        slots.putAll(state);
    }

    @Override
    public List<String> metricNames() { return tg.metricNames; }

    @Override
    public double[] trainStep(Tensor images, Tensor labels) { return trainStep(images, labels, null); }

    /** A train step; without {@code weights} a step that takes sample weights weighs every sample 1. */
    @Override
    public double[] trainStep(Tensor images, Tensor labels, Tensor weights) {
        return trainStep(new Tensor[] {images}, new Tensor[] {labels}, weights);
    }

    @Override
    public double[] trainStep(Tensor[] inputs, Tensor[] labels) { return trainStep(inputs, labels, null); }

    private double[] trainStep(Tensor[] inputs, Tensor[] labels, Tensor weights) {
        tg.checkLabels(labels[0]);
        step++;
        Map<Node, Tensor> feeds = new HashMap<>();
        feed(feeds, inputs, labels);
        Trainer.feedWeights(tg, feeds, weights, labels[0].dim(0));
        feeds.put(tg.step, Tensor.scalar(DType.F32, step));
        if (learningRate != null) feeds.put(tg.learningRate, learningRate);
        runtime.setStep(step);
        runtime.feed(feeds, true);
        List<Node> targets = new ArrayList<>();
        targets.add(tg.trainLoss);
        targets.addAll(tg.trainMetrics);
        for (Node p : tg.params) {
            List<Node> ins = tg.slotInputs.get(p.name());
            List<Tensor> vals = slots.get(p.name());
            for (int i = 0; i < ins.size(); i++) feeds.put(ins.get(i), vals.get(i));
            targets.add(tg.newParams.get(p.name()));
            targets.addAll(tg.newSlots.get(p.name()));
        }
        targets.addAll(tg.stateUpdates.values());
        Map<Node, Tensor> out = interp.run(feeds, targets);
        double[] r = results(out, tg.trainLoss, tg.trainMetrics);
        for (Node p : tg.params) {
            params.set(p.name(), out.get(tg.newParams.get(p.name())));
            List<Tensor> s = new ArrayList<>();
            for (Node n : tg.newSlots.get(p.name())) s.add(out.get(n));
            slots.put(p.name(), s);
        }
        tg.stateUpdates.forEach((name, n) -> params.set(name, out.get(n)));
        return r;
    }

    @Override
    public double[] evalStep(Tensor images, Tensor labels) { return evalStep(new Tensor[] {images}, new Tensor[] {labels}); }

    @Override
    public double[] evalStep(Tensor[] inputs, Tensor[] labels) {
        tg.checkLabels(labels[0]);
        List<Node> targets = new ArrayList<>();
        targets.add(tg.loss);
        targets.addAll(tg.metrics);
        Map<Node, Tensor> feeds = new HashMap<>();
        feed(feeds, inputs, labels);
        runtime.feed(feeds, false);
        return results(interp.run(feeds, targets), tg.loss, tg.metrics);
    }

    @Override
    public Tensor predict(Tensor images) { return predictAll(new Tensor[] {images})[0]; }

    @Override
    public Tensor[] predictAll(Tensor[] inputs) {
        Map<Node, Tensor> feeds = new HashMap<>();
        feed(feeds, inputs, null);
        runtime.feed(feeds, false);
        Map<Node, Tensor> out = interp.run(feeds, tg.outputs);
        return tg.outputs.stream().map(out::get).toArray(Tensor[]::new);
    }

    /** The step's inputs (and, unless null, each output's labels), by position. */
    private void feed(Map<Node, Tensor> feeds, Tensor[] inputs, Tensor[] labels) {
        Trainer.checkCount("inputs", inputs, tg.inputs);
        for (int i = 0; i < inputs.length; i++) feeds.put(tg.inputs.get(i), inputs[i]);
        if (labels == null) return;
        Trainer.checkCount("labels", labels, tg.labelInputs);
        for (int i = 0; i < labels.length; i++) feeds.put(tg.labelInputs.get(i), labels[i]);
    }

    private static double[] results(Map<Node, Tensor> out, Node loss, List<Node> metrics) {
        double[] r = new double[1 + metrics.size()];
        r[0] = out.get(loss).getDouble(0);
        for (int i = 0; i < metrics.size(); i++) r[i + 1] = out.get(metrics.get(i)).getDouble(0);
        return r;
    }
}
