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
        tg.checkLabels(labels);
        step++;
        Map<Node, Tensor> feeds = new HashMap<>();
        feeds.put(tg.images, images);
        feeds.put(tg.labels, labels);
        Trainer.feedWeights(tg, feeds, weights, labels.dim(0));
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
    public double[] evalStep(Tensor images, Tensor labels) {
        tg.checkLabels(labels);
        List<Node> targets = new ArrayList<>();
        targets.add(tg.loss);
        targets.addAll(tg.metrics);
        Map<Node, Tensor> feeds = new HashMap<>(Map.of(tg.images, images, tg.labels, labels));
        runtime.feed(feeds, false);
        return results(interp.run(feeds, targets), tg.loss, tg.metrics);
    }

    @Override
    public Tensor predict(Tensor images) {
        Map<Node, Tensor> feeds = new HashMap<>(Map.of(tg.images, images));
        runtime.feed(feeds, false);
        return interp.run(feeds, List.of(tg.output)).get(tg.output);
    }

    private static double[] results(Map<Node, Tensor> out, Node loss, List<Node> metrics) {
        double[] r = new double[1 + metrics.size()];
        r[0] = out.get(loss).getDouble(0);
        for (int i = 0; i < metrics.size(); i++) r[i + 1] = out.get(metrics.get(i)).getDouble(0);
        return r;
    }
}
