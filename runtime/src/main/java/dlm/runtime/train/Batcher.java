package dlm.runtime.train;

import dlm.runtime.Tensor;

/**
 * Gathers mini-batches from a dataset held in memory as it was loaded (u8 images stay u8; labels
 * of any dtype and shape, one row a sample): rows
 * are copied, in the order of an index permutation, into two buffers allocated once — one for
 * full batches and one for the last, shorter batch. No per-epoch copy of the dataset.
 */
public final class Batcher {
    private final Tensor images, labels, weights;
    private final int n, batchSize, rowBytes, labelRow;
    private final Tensor fullImages, fullLabels, lastImages, lastLabels, fullWeights, lastWeights;

    public Batcher(Tensor images, Tensor labels, int batchSize) { this(images, labels, null, batchSize); }

    /** With {@code weights} (one per row, or null), each batch also has its rows' weights. */
    public Batcher(Tensor images, Tensor labels, Tensor weights, int batchSize) {
        if (images.dim(0) != labels.dim(0))
            throw new IllegalArgumentException(images.dim(0) + " images but " + labels.dim(0) + " labels");
        if (weights != null && (weights.rank() != 1 || weights.dim(0) != images.dim(0)))
            throw new IllegalArgumentException(images.dim(0) + " images but sample weights of shape " + java.util.Arrays.toString(weights.shape()));
        this.weights = weights;
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be 1 or more, got " + batchSize);
        this.images = images;
        this.labels = labels;
        this.n = images.dim(0);
        this.batchSize = Math.min(batchSize, Math.max(1, n));
        this.rowBytes = n == 0 ? 0 : images.size() / n;
        this.labelRow = n == 0 ? 0 : labels.size() / n;
        int[] shape = images.shape(), labelShape = labels.shape();
        shape[0] = labelShape[0] = this.batchSize;
        fullImages = Tensor.zeros(images.dtype(), shape);
        fullLabels = Tensor.zeros(labels.dtype(), labelShape);
        int last = n % this.batchSize;
        shape[0] = labelShape[0] = last;
        lastImages = last == 0 ? null : Tensor.zeros(images.dtype(), shape);
        lastLabels = last == 0 ? null : Tensor.zeros(labels.dtype(), labelShape);
        fullWeights = weights == null ? null : Tensor.zeros(weights.dtype(), this.batchSize);
        lastWeights = weights == null || last == 0 ? null : Tensor.zeros(weights.dtype(), last);
    }

    public int size() { return n; }

    /** The rows of a full batch (the last may be shorter). */
    public int batchSize() { return batchSize; }

    /** The whole dataset's images, labels and sample weights (null without them), as given. */
    public Tensor images() { return images; }

    public Tensor labels() { return labels; }

    public Tensor weights() { return weights; }

    /** Number of batches per epoch (the last may be shorter). */
    public int batches() { return (n + batchSize - 1) / batchSize; }

    /** Batch {@code b} of the epoch whose row order is {@code order}: images, labels and weights (null without them; shared buffers). */
    public Tensor[] batch(int[] order, int b) {
        int start = b * batchSize;
        int len = Math.min(batchSize, n - start);
        Tensor bi = len == batchSize ? fullImages : lastImages;
        Tensor bl = len == batchSize ? fullLabels : lastLabels;
        Tensor bw = len == batchSize ? fullWeights : lastWeights;
        Object src = images.storage(), dst = bi.storage();
        for (int i = 0; i < len; i++) {
            int row = order == null ? start + i : order[start + i];
            System.arraycopy(src, row * rowBytes, dst, i * rowBytes, rowBytes);
            // rows of any dtype and shape, copied as stored (u8 class labels: one byte each)
            System.arraycopy(labels.storage(), row * labelRow, bl.storage(), i * labelRow, labelRow);
            if (bw != null) System.arraycopy(weights.storage(), row, bw.storage(), i, 1);
        }
        return new Tensor[] {bi, bl, bw};
    }
}
