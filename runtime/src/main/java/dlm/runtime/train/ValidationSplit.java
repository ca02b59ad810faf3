package dlm.runtime.train;

import dlm.runtime.Tensor;

/**
 * Keras's {@code validation_split}: the LAST fraction of the training data, taken before any
 * shuffling, is held out and evaluated after every epoch; the model trains on the rest.
 * As in Keras 3 ({@code train_validation_split}) the training part is the first
 * {@code floor(n · (1 − fraction))} rows, and a split that leaves either part empty is refused.
 */
public record ValidationSplit(Tensor trainImages, Tensor trainLabels, Tensor valImages, Tensor valLabels) {

    /** The number of training rows {@code fraction} leaves of {@code n} (Keras's {@code split_at}). */
    public static int trainRows(int n, double fraction) {
        if (!(fraction > 0 && fraction < 1)) throw new IllegalArgumentException("the validation split must be greater than 0 and less than 1, got " + fraction);
        int at = (int) Math.floor(n * (1.0 - fraction));
        if (at == 0 || at == n)
            throw new IllegalArgumentException("the training data has " + n + (n == 1 ? " sample" : " samples") + ", too few to hold out a validation split of "
                    + fraction + ": it would leave " + (at == 0 ? "no training" : "no validation") + " sample; give more data or another split");
        return at;
    }

    /** Splits images and labels (rows along axis 0) into their first {@link #trainRows} rows and the rest (copies). */
    public static ValidationSplit of(Tensor images, Tensor labels, double fraction) {
        int n = images.dim(0);
        if (labels.dim(0) != n) throw new IllegalArgumentException(n + " images but " + labels.dim(0) + " labels");
        int at = trainRows(n, fraction);
        return new ValidationSplit(rows(images, 0, at), rows(labels, 0, at), rows(images, at, n), rows(labels, at, n));
    }

    /** The first {@link #trainRows} of one weight a sample (null: none), the training part's weights. */
    public static Tensor trainWeights(Tensor weights, double fraction) {
        return weights == null ? null : rows(weights, 0, trainRows(weights.dim(0), fraction));
    }

    /** Rows [from, to) of t, as a new tensor. */
    static Tensor rows(Tensor t, int from, int to) {
        int[] shape = t.shape();
        int row = shape[0] == 0 ? 0 : t.size() / shape[0];
        shape[0] = to - from;
        Tensor r = Tensor.zeros(t.dtype(), shape);
        System.arraycopy(t.storage(), from * row, r.storage(), 0, (to - from) * row);
        return r;
    }
}
