package dlm.runtime.train;

import dlm.runtime.Tensor;
import dlm.runtime.random.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code fit} and {@code evaluate}: shuffles every epoch with a seeded generator (so the
 * same seed gives the same batches), runs one train step per batch, keeps running means weighted
 * by batch size, evaluates a validation set after each epoch when given one, shows progress, and
 * stops on a non-finite loss.
 */
public final class TrainLoop {
    private TrainLoop() {}

    /** Called after every epoch (checkpoints, JSON reports). */
    public interface EpochListener {
        void epochEnded(EpochResult r);
    }

    public static List<EpochResult> fit(Trainable model, Tensor images, Tensor labels, int epochs, int batchSize, long seed,
                                        int firstEpoch, ProgressBar progress, EpochListener listener) {
        return fit(model, images, labels, null, null, epochs, batchSize, seed, firstEpoch, progress, listener);
    }

    /**
     * As above, and when {@code valImages} is not null, evaluates the model on the validation
     * set ({@link #evaluate}, in batches of {@code batchSize}, as Keras's default
     * {@code validation_batch_size}) after every epoch: {@link EpochResult#validation}.
     */
    public static List<EpochResult> fit(Trainable model, Tensor images, Tensor labels, Tensor valImages, Tensor valLabels, int epochs, int batchSize, long seed,
                                        int firstEpoch, ProgressBar progress, EpochListener listener) {
        return fit(model, images, labels, valImages, valLabels, epochs, batchSize, seed, firstEpoch, progress, listener, List.of(), null);
    }

    /**
     * As above, and after every epoch (before {@code listener}) runs the callbacks in order with the
     * epoch's logs ({@link Callback#logs}); when one asks to stop, the others still run for that
     * epoch (as in Keras) and training ends there. Their notes, why training stopped, and what
     * they did at its end go to {@code notes} (a line each; may be null).
     */
    public static List<EpochResult> fit(Trainable model, Tensor images, Tensor labels, Tensor valImages, Tensor valLabels, int epochs, int batchSize, long seed,
                                        int firstEpoch, ProgressBar progress, EpochListener listener, List<Callback> callbacks,
                                        java.util.function.Consumer<String> notes) {
        return fit(model, images, labels, null, valImages, valLabels, epochs, batchSize, seed, firstEpoch, progress, listener, callbacks, notes);
    }

    /**
     * As above, with one weight a training sample ({@code weights}, Keras's sample_weight; null:
     * none): each batch trains with its rows' weights ({@link Trainable#trainStep(Tensor, Tensor, Tensor)}),
     * and its metrics count by {@link Trainable#metricWeight(Tensor, Tensor)}. Validation is unweighted.
     */
    public static List<EpochResult> fit(Trainable model, Tensor images, Tensor labels, Tensor weights, Tensor valImages, Tensor valLabels, int epochs, int batchSize, long seed,
                                        int firstEpoch, ProgressBar progress, EpochListener listener, List<Callback> callbacks,
                                        java.util.function.Consumer<String> notes) {
        java.util.function.Consumer<String> say = notes != null ? notes : s -> {};
        Batcher batcher = new Batcher(images, labels, weights, batchSize);
        int steps = batcher.batches();
        List<String> names = model.metricNames();
        List<EpochResult> history = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int[] order = order(batcher, seed, firstEpoch + epoch - 1);
            double[] sums = new double[names.size() + 1];
            double[] means = new double[sums.length];
            long seen = 0;
            double weighed = 0;
            long start = System.nanoTime();
            // a model that runs the epoch elsewhere gives all its steps' results at once; the batches are then only weighed here
            double[][] ran = model.trainEpoch(batcher, order, firstEpoch + epoch - 1);
            for (int s = 0; s < steps; s++) {
                Tensor[] b = batcher.batch(order, s);
                double[] r = ran != null ? ran[s] : b[2] == null ? model.trainStep(b[0], b[1]) : model.trainStep(b[0], b[1], b[2]);
                if (!Double.isFinite(r[0])) throw new NonFiniteLossException(firstEpoch + epoch - 1, s + 1, r[0]);
                int n = b[1].size();
                double w = b[2] == null ? model.metricWeight(b[1]) : model.metricWeight(b[1], b[2]);
                seen += n;
                weighed += w;
                sums[0] += r[0] * n;
                means[0] = sums[0] / seen;
                for (int i = 1; i < sums.length; i++) {
                    sums[i] += r[i] * w;
                    means[i] = weighed > 0 ? sums[i] / weighed : 0;
                }
                if (progress != null) progress.update(firstEpoch + epoch - 1, firstEpoch + epochs - 1, s + 1, steps, (System.nanoTime() - start) / 1e9, names, means);
            }
            List<Double> validation = new ArrayList<>();
            if (valImages != null) for (double v : evaluate(model, valImages, valLabels, batchSize)) validation.add(v);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (progress != null) progress.finish(firstEpoch + epoch - 1, firstEpoch + epochs - 1, steps, seconds, names, means, validation);
            List<Double> metrics = new ArrayList<>();
            for (int i = 1; i < means.length; i++) metrics.add(means[i]);
            EpochResult er = new EpochResult(firstEpoch + epoch - 1, means[0], metrics, seconds, validation);
            history.add(er);
            String stop = null;
            Map<String, Double> logs = Callback.logs(er, names);
            for (Callback c : callbacks) {
                String why = c.onEpochEnd(firstEpoch + epoch - 1, logs);
                c.drainNotes().forEach(say);
                if (stop == null) stop = why;
            }
            // after the callbacks: a checkpoint then holds the learning rate they set for the next epoch
            if (listener != null) listener.epochEnded(er);
            if (stop != null) {
                say.accept(stop);
                break;
            }
        }
        for (Callback c : callbacks) c.onTrainEnd().forEach(say);
        return history;
    }

    /**
     * The order {@link #fit} visits the examples in during {@code epoch} (1-based, counted from
     * the first run, so a resumed run sees the same batches as an uninterrupted one): it depends
     * only on the seed and the epoch number.
     */
    public static int[] order(Batcher batcher, long seed, int epoch) {
        int[] order = new int[batcher.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        new Rng(seed).split("shuffle").split("epoch " + epoch).shuffle(order);
        return order;
    }

    /** Mean loss and metrics over a whole dataset, in batches, without updates: {@code [loss, metric…]}. */
    public static double[] evaluate(Trainable model, Tensor images, Tensor labels, int batchSize) {
        Batcher batcher = new Batcher(images, labels, batchSize);
        double[] sums = new double[model.metricNames().size() + 1];
        long seen = 0;
        for (int s = 0; s < batcher.batches(); s++) {
            Tensor[] b = batcher.batch(null, s);
            double[] r = model.evalStep(b[0], b[1]);
            int n = b[1].size();
            seen += n;
            for (int i = 0; i < sums.length; i++) sums[i] += r[i] * n;
        }
        for (int i = 0; i < sums.length; i++) sums[i] /= Math.max(1, seen);
        return sums;
    }
}
