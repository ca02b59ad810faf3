package dlm.compiler.train;

import dlm.compiler.interp.Interpreter;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-param L2 norms of the weights and of the training loss's gradient, recorded once per epoch
 * for the training report. Off the compiled step's hot path: the weights are read where they are
 * (the store's tensors, which the compiled steps update in place), and the gradient is evaluated
 * by the reference interpreter on a fixed probe batch with the train step's feeds (training mode,
 * the current step for random ops) — the symbolic gradients {@link TrainGraph#grads}, before any
 * clipping, without the optimizer update; nothing of the trainer changes, so the run's losses are
 * those of a run without the report. Recording costs one forward and backward pass of the probe
 * batch per epoch.
 */
public final class ParamNorms {
    private final Trainer trainer;
    private final Tensor probeImages, probeLabels;
    private final long seed;
    /** Per param, its norms so far (one per recorded epoch). */
    public final Map<String, List<Double>> weight = new LinkedHashMap<>(), gradient = new LinkedHashMap<>();
    public final List<Integer> epochs = new ArrayList<>();

    public ParamNorms(Trainer trainer, Tensor probeImages, Tensor probeLabels, long seed) {
        this.trainer = trainer;
        this.probeImages = probeImages;
        this.probeLabels = probeLabels;
        this.seed = seed;
        for (Node p : trainer.graph().params) {
            weight.put(p.name(), new ArrayList<>());
            gradient.put(p.name(), new ArrayList<>());
        }
    }

    /**
     * Norms with the first {@code rows} rows of the training data as the probe batch (fewer when
     * {@code --limit} or the data has fewer): rows that every epoch trains on, except when a
     * {@code validationSplit} leaves fewer training rows than that.
     */
    public static ParamNorms probing(Trainer trainer, Tensor images, Tensor labels, long limit, int rows, long seed) {
        int n = (int) Math.min(Math.min(rows, images.dim(0)), limit > 0 ? limit : Long.MAX_VALUE);
        return new ParamNorms(trainer, first(images, n), first(labels, n), seed);
    }

    private static Tensor first(Tensor t, int n) {
        int[] shape = t.shape();
        int row = t.size() / Math.max(1, shape[0]);
        shape[0] = n;
        Tensor r = Tensor.zeros(t.dtype(), shape);
        System.arraycopy(t.storage(), 0, r.storage(), 0, n * row);
        return r;
    }

    public int probeRows() { return probeImages.dim(0); }

    /** Records the norms at the end of {@code epoch}. */
    public void record(int epoch) {
        TrainGraph tg = trainer.graph();
        Map<Node, Tensor> feeds = new HashMap<>();
        feeds.put(tg.images, probeImages);
        feeds.put(tg.labels, probeLabels);
        feeds.put(tg.step, Tensor.scalar(DType.F32, trainer.step()));
        if (tg.learningRate != null) feeds.put(tg.learningRate, trainer.learningRate());
        RuntimeFeeds runtime = new RuntimeFeeds(tg.graph);
        runtime.setSeed(seed);
        runtime.setStep(trainer.step());
        runtime.feed(feeds, true);
        Map<Node, Tensor> out = new Interpreter(tg.graph, trainer.params()).run(feeds, tg.grads);
        for (int k = 0; k < tg.params.size(); k++) {
            String name = tg.params.get(k).name();
            weight.get(name).add(l2(trainer.params().get(name)));
            gradient.get(name).add(l2(out.get(tg.grads.get(k))));
        }
        epochs.add(epoch);
    }

    /** The L2 norm, summed in double. */
    static double l2(Tensor t) {
        double s = 0;
        for (int i = 0; i < t.size(); i++) {
            double v = t.getDouble(i);
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
