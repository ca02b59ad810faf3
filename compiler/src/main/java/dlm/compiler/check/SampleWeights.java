package dlm.compiler.check;

import dlm.compiler.check.Value.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-sample weights in losses and metrics (Keras's sample_weight; train passes them when the
 * block has classWeight). std.nn's losses and metrics take {@code sampleWeight = 1}, which these
 * builtins treat as "no weights" without adding a node, so unweighted graphs stay as they were.
 * A weight vector f32[n] applies to the rows of values f32[n, …] (Keras's
 * squeeze_or_expand_to_same_rank).
 */
final class SampleWeights {
    private SampleWeights() {}

    static void register() {
        // values · w, row by row (a loss's per-sample terms; the loss then takes their mean, as Keras's sum_over_batch_size)
        Builtins.define("weighted", c -> {
            if (none(c.arg("sampleWeight"))) return c.arg("values");
            Node v = c.tensor("values");
            return new TensorV(c.op("mul", Attrs.EMPTY, v, perRow(c, v)));
        }, Builtins.req("values"), Builtins.req("sampleWeight"));
        // Σ v·w / Σ w (0 when every weight is 0: Keras's divide_no_nan): a metric's weighted mean; mean(v) without weights
        Builtins.define("weightedMean", c -> {
            Node v = c.tensor("values");
            if (none(c.arg("sampleWeight"))) return new TensorV(c.op("mean", Attrs.of("keepdims", false), v));
            Node w = perRow(c, v);
            Node wide = c.op("broadcastTo", Attrs.of("shape", v.type().shape()), w);
            Node num = c.op("sum", Attrs.of("keepdims", false), c.op("mul", Attrs.EMPTY, v, w));
            Node den = c.op("sum", Attrs.of("keepdims", false), wide);
            Node zero = c.el().constant(Tensor.scalar(den.type().dtype(), 0), c.span());
            Node safe = c.op("where", Attrs.EMPTY, c.op("greater", Attrs.EMPTY, den, zero), den, c.el().constant(Tensor.scalar(den.type().dtype(), 1), c.span()));
            return new TensorV(c.op("where", Attrs.EMPTY, c.op("greater", Attrs.EMPTY, den, zero), c.op("div", Attrs.EMPTY, num, safe), zero));
        }, Builtins.req("values"), Builtins.req("sampleWeight"));
    }

    /** The compile-time 1 that stands for "no weights". */
    private static boolean none(Value w) { return w instanceof NumberV n && n.value() == 1; }

    /** The weights, one per row of {@code v}, shaped to broadcast over its other axes and of its dtype. */
    private static Node perRow(Builtins.Call c, Node v) {
        Node w = c.tensor("sampleWeight");
        if (w.type().rank() != 1 || v.type().rank() == 0 || !w.type().shape().dim(0).equals(v.type().shape().dim(0)))
            throw new DlmException(c.spanOf("sampleWeight"), "sampleWeight must be one weight per sample, f32[" + (v.type().rank() == 0 ? "n" : v.type().shape().dim(0)) + "], got " + w.type());
        if (w.type().dtype() != v.type().dtype()) w = c.op("cast", Attrs.of("dtype", v.type().dtype()), w);
        if (v.type().rank() == 1) return w;
        List<dlm.compiler.ir.Dim> dims = new ArrayList<>(List.of(w.type().shape().dim(0)));
        for (int a = 1; a < v.type().rank(); a++) dims.add(dlm.compiler.ir.Dim.of(1));
        return c.op("reshape", Attrs.of("shape", new Shape(dims)), w);
    }
}
