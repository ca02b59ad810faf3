package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.Nn;
import java.util.Arrays;
import java.util.List;

/**
 * {@code sparseSoftmaxCrossEntropy(logits, labels)}: the mean, over all label positions, of the
 * crossentropy between integer labels and the softmax of the logits along the last axis —
 * {@code mean(logSumExp(logits) − logits[label])} — fused so that it never takes the log of a
 * probability that underflowed (TensorFlow's {@code sparse_softmax_cross_entropy_with_logits}
 * followed by a mean). Logits are floating, of shape {@code [..., k]} (rank ≥ 1); labels are
 * integers (u8, i32, i64) of shape {@code [...]}, each in [0, k) (checked at eval). The result is
 * a scalar of the logits' dtype; no rows give NaN (0/0, as a mean of nothing).
 *
 * <p>VJP: logits get {@code g·(softmax(logits) − oneHot(labels)) / n} with n the number of label
 * positions (the batch size, read at run time when symbolic); labels get none.
 *
 * <p>Compiled as a call of {@link Nn#sparseSoftmaxCrossEntropy}, which returns the loss.
 */
final class SparseSoftmaxCrossEntropyOp implements KernelOp {
    @Override
    public String name() { return "sparseSoftmaxCrossEntropy"; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name(), inputs, 2);
        TensorType logits = inputs.get(0), labels = inputs.get(1);
        TypeRules.floating(name(), logits);
        if (logits.rank() == 0) throw new ShapeException("'" + name() + "' needs logits of rank 1 or more, got " + logits);
        if (!labels.dtype().isInteger()) throw new ShapeException("'" + name() + "' needs integer labels, got " + labels);
        Shape rows = new Shape(logits.shape().dims().subList(0, logits.rank() - 1));
        if (!labels.shape().equals(rows))
            throw new ShapeException("'" + name() + "' needs labels of shape " + rows + " for logits " + logits + ", got " + labels);
        if (!logits.shape().dim(logits.rank() - 1).isKnown())
            throw new ShapeException("'" + name() + "' needs a known number of classes, got logits " + logits);
        return TensorType.scalar(logits.dtype());
    }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    @Override
    public KernelCall kernel(Node node, List<int[]> inputShapes, int[] outputShape) {
        int[] logits = inputShapes.get(0), labels = inputShapes.get(1);
        int rows = 1;
        for (int d : labels) rows *= d;
        return KernelCall.of(Nn.class, "sparseSoftmaxCrossEntropy", KernelCall.input(0), KernelCall.input(1),
                KernelCall.constant(rows), KernelCall.constant(logits[logits.length - 1]));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor logits = inputs.get(0), labels = inputs.get(1);
        int k = logits.dim(logits.rank() - 1), rows = labels.size();
        double total = 0;
        for (int r = 0; r < rows; r++) {
            long label = labels.getLong(r);
            if (label < 0 || label >= k)
                throw new ShapeException(name() + ": label " + label + " is out of range for " + k + " classes");
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) max = Math.max(max, logits.getDouble(r * k + j));
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.exp(logits.getDouble(r * k + j) - max);
            total += Math.log(sum) + max - logits.getDouble(r * k + (int) label);
        }
        return Tensor.scalar(type.dtype(), total / rows);
    }

    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        Node logits = node.input(0), labels = node.input(1);
        return d.perInput(() -> {
            int last = logits.type().rank() - 1;
            int k = logits.type().shape().dim(last).size();
            Node p = d.op("softmax", Attrs.of("axis", last), logits);
            Node y = d.op("oneHot", Attrs.of("depth", k, "dtype", logits.type().dtype()), labels);
            boolean[] all = new boolean[labels.type().rank()];
            Arrays.fill(all, true);
            Node perRow = d.div(g, d.count(labels, all, logits.type().dtype()));
            return d.mul(d.sub(p, y), perRow);
        }, GradBuilder.none());
    }
}
