package dlm.compiler.train;

import dlm.compiler.check.Value.InitV;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adapts std.nn's {@code normalization()} layers to the training data before training (Keras's
 * {@code Normalization.adapt}): for each layer, the per-feature mean and population variance of
 * its input (over every axis but the last) across all training rows, written into its
 * {@code adaptedMean()} and {@code adaptedVariance()} states in place. Layers are adapted in the
 * order of the graph, so a layer fed by another sees it adapted. The input is computed by the
 * reference interpreter in chunks of rows; sums are kept in double.
 */
public final class Adaptation {
    private Adaptation() {}

    /** Rows per interpreter run: bounds the memory of computing a layer's input over a large dataset. */
    static final int CHUNK = 4096;

    /** One adapted layer: its input and its two statistics states. */
    public record Layer(Node input, Node mean, Node variance) {}

    /** Whether a param (a state) holds adapted statistics. */
    private static boolean isAdapted(Node param) {
        return param.attrs().get("init") instanceof InitV i && (i.name().equals("adaptedMean") || i.name().equals("adaptedVariance"));
    }

    /** The graph's adapted layers, in graph order: each adaptedMean state m read as {@code x - m}, with its variance state. */
    public static List<Layer> layers(Graph g) {
        List<Layer> out = new ArrayList<>();
        for (Node p : g.params()) {
            if (!(p.attrs().get("init") instanceof InitV i) || !i.name().equals("adaptedMean")) continue;
            String prefix = p.name().endsWith("mean") ? p.name().substring(0, p.name().length() - "mean".length()) : null;
            Node variance = prefix == null ? null : g.params().stream().filter(q -> q.name().equals(prefix + "variance") && isAdapted(q)).findFirst().orElse(null);
            Node input = null;
            for (Node sub : g.nodes()) if (sub.is("sub") && sub.inputs().size() == 2 && sub.input(1) == p) input = sub.input(0);
            boolean trainable = p.attrs().getBool("trainable", true);
            if (variance == null || input == null || trainable)
                throw new DlmException(p.span(), (trainable ? "param " : "state ") + p.name() + " is initialized by adaptedMean(), which only std.nn's normalization() may use");
            out.add(new Layer(input, p, variance));
        }
        return out;
    }

    /** Adapts every layer of {@code tg} to {@code images} (the training rows), writing into {@code params}. */
    public static void adapt(TrainGraph tg, ParamStore params, Tensor images) { adapt(tg, params, new Tensor[] {images}); }

    /** Adapts every layer of {@code tg} to {@code inputs} (the training rows of each of its inputs, in {@link TrainGraph#inputs} order). */
    public static void adapt(TrainGraph tg, ParamStore params, Tensor[] inputs) {
        Tensor images = inputs[0];
        for (Layer l : layers(tg.graph)) {
            int k = l.mean().type().shape().sizes()[0];
            double[] sum = new double[k], sumSq = new double[k];
            long count = 0;
            double[] mean = new double[k];
            // two passes (mean, then squared deviations): exact enough for features far from 0
            for (int pass = 0; pass < 2; pass++) {
                for (int start = 0; start < images.dim(0); start += CHUNK) {
                    int n = Math.min(CHUNK, images.dim(0) - start);
                    Map<Node, Tensor> feeds = new java.util.HashMap<>();
                    for (int i = 0; i < inputs.length; i++) feeds.put(tg.inputs.get(i), rows(inputs[i], start, n));
                    Tensor x = new Interpreter(tg.graph, params).run(feeds, List.of(l.input())).get(l.input());
                    for (int i = 0; i < x.size(); i++) {
                        double v = x.getDouble(i);
                        if (pass == 0) sum[i % k] += v;
                        else sumSq[i % k] += (v - mean[i % k]) * (v - mean[i % k]);
                    }
                    if (pass == 0) count += x.size() / k;
                }
                if (pass == 0) for (int j = 0; j < k; j++) mean[j] = count == 0 ? 0 : sum[j] / count;
            }
            Tensor m = params.get(l.mean().name()), v = params.get(l.variance().name());
            for (int j = 0; j < k; j++) {
                m.setDouble(j, mean[j]);
                v.setDouble(j, count == 0 ? 1 : sumSq[j] / count);
            }
        }
    }

    private static Tensor rows(Tensor t, int start, int n) {
        if (start == 0 && n == t.dim(0)) return t;
        int[] shape = t.shape();
        int row = t.size() / t.dim(0);
        shape[0] = n;
        Tensor out = Tensor.zeros(t.dtype(), shape);
        System.arraycopy(t.storage(), start * row, out.storage(), 0, n * row);
        return out;
    }
}
