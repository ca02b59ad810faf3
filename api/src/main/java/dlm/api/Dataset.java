package dlm.api;

import dlm.compiler.ir.TensorType;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * Training data for {@link DlmModel#fit}, built from Java arrays: the model's input rows and their
 * labels, and optionally a test part (evaluated after training, as {@code dlmc train}'s test split).
 *
 * <pre>{@code
 * Dataset d = Dataset.of(images, labels);              // byte[n][28][28], int[n]
 * Dataset d = Dataset.of(rows, targets);               // float[n][k], float[n][m] (regression)
 * Dataset d = Dataset.of(x, y).withTest(xTest, yTest); // Tensors of any dtype, first axis the rows
 * }</pre>
 *
 * <p>The arrays are copied when the dataset is made (rows of different lengths are refused then),
 * and checked against the model when training starts: the input's dtype, rank and sizes after the
 * batch, as many labels as rows, labels of the loss's kind (class indices within the model's
 * classes, or values shaped like the output). A mismatch is an {@link InputException} naming the
 * array, the row and what the model expects.
 */
public final class Dataset {
    private final Tensor x, y;
    private final Dataset test;

    private Dataset(Tensor x, Tensor y, Dataset test) {
        this.x = x;
        this.y = y;
        this.test = test;
    }

    /** Rows of any input and labels of any kind as tensors whose first axis counts the rows (copied). */
    public static Dataset of(Tensor inputs, Tensor labels) {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(labels, "labels");
        if (inputs.rank() == 0) throw new InputException("the inputs are a scalar; their first axis must count the rows");
        if (labels.rank() == 0) throw new InputException("the labels are a scalar; their first axis must count the rows");
        return new Dataset(inputs.copy(), labels.copy(), null);
    }

    /** Grayscale images {@code images[i][y][x]} (bytes read as 0..255) with class labels, for an input {@code u8[batch, h, w]}. */
    public static Dataset of(byte[][][] images, int[] labels) {
        Objects.requireNonNull(images, "images");
        int h = images.length == 0 || images[0] == null ? 0 : images[0].length;
        int w = h == 0 || images[0][0] == null ? 0 : images[0][0].length;
        byte[] flat = new byte[Math.multiplyExact(Math.multiplyExact(images.length, h), w)];
        for (int i = 0; i < images.length; i++) {
            if (images[i] == null || images[i].length != h)
                throw new InputException("image " + i + " has " + (images[i] == null ? "no rows" : images[i].length + " rows") + "; image 0 has " + h);
            for (int r = 0; r < h; r++) {
                byte[] row = images[i][r];
                if (row == null || row.length != w)
                    throw new InputException("row " + r + " of image " + i + " has " + (row == null ? "no" : row.length) + " pixels; image 0's rows have " + w);
                System.arraycopy(row, 0, flat, (i * h + r) * w, w);
            }
        }
        return new Dataset(Tensor.wrap(DType.U8, new int[] {images.length, h, w}, flat), labels(labels), null);
    }

    /** Feature rows with class labels, for an input {@code f32[batch, n]}. */
    public static Dataset of(float[][] rows, int[] labels) { return new Dataset(matrix(rows, "row"), labels(labels), null); }

    /** Feature rows with target rows (regression, or 0/1 targets of a sigmoid), for an input {@code f32[batch, n]} and an output {@code f32[batch, m]}. */
    public static Dataset of(float[][] rows, float[][] targets) { return new Dataset(matrix(rows, "row"), matrix(targets, "target"), null); }

    /** This data with a test part of the same kind: evaluated once after training ({@link FitResult#test()}). */
    public Dataset withTest(Dataset test) {
        Objects.requireNonNull(test, "test");
        if (test.test != null) throw new IllegalArgumentException("a test part cannot have a test part of its own");
        return new Dataset(x, y, test);
    }

    /** {@code withTest(Dataset.of(images, labels))}. */
    public Dataset withTest(byte[][][] images, int[] labels) { return withTest(of(images, labels)); }

    /** {@code withTest(Dataset.of(rows, labels))}. */
    public Dataset withTest(float[][] rows, int[] labels) { return withTest(of(rows, labels)); }

    /** The number of training rows. */
    public int size() { return x.dim(0); }

    /** The test part, or null. */
    public Dataset test() { return test; }

    // ---- for DlmModel.fit ---------------------------------------------------------------------------

    /** The runtime's dataset for the model: inputs and labels converted to its dtypes, checked (an empty test part when there is none). */
    dlm.runtime.data.Dataset forModel(TrainGraph tg, String model) {
        Tensor[] train = checked(tg, model, "");
        Tensor[] t = test != null ? test.checked(tg, model, "test ") : new Tensor[] {Rows.none(train[0]), Rows.none(train[1])};
        return new dlm.runtime.data.Dataset("java", train[0], train[1], t[0], t[1]);
    }

    private Tensor[] checked(TrainGraph tg, String model, String part) {
        TensorType in = tg.images.type(), lt = tg.labels.type();
        boolean fits = x.dtype() == in.dtype() && x.rank() == in.rank();
        for (int a = 1; fits && a < in.rank(); a++) fits = x.dim(a) == in.shape().dim(a).size();
        if (!fits)
            throw new InputException("the " + part + "inputs are " + x.dtype().dlmName() + Arrays.toString(x.shape()) + ", but input '" + tg.images.name()
                    + "' of model " + model + " takes " + in + " (rows first)");
        if (y.dim(0) != x.dim(0))
            throw new InputException("the " + part + "data has " + x.dim(0) + " input rows but " + y.dim(0) + " labels");
        Tensor labels = y;
        boolean shaped = y.rank() == lt.rank();
        for (int a = 1; shaped && a < lt.rank(); a++) shaped = y.dim(a) == lt.shape().dim(a).size();
        if (!shaped)
            throw new InputException("the " + part + "labels are " + y.dtype().dlmName() + Arrays.toString(y.shape()) + ", but model " + model + "'s loss takes labels "
                    + lt + (tg.classes > 0 ? " (class indices)" : " (shaped like its output)"));
        if (y.dtype() != lt.dtype()) {
            if (lt.dtype().isFloating() != y.dtype().isFloating())
                throw new InputException("the " + part + "labels are " + y.dtype().dlmName() + ", but model " + model + "'s loss takes " + lt
                        + (tg.classes > 0 ? " class indices" : " values shaped like its output"));
            labels = Tensor.zeros(lt.dtype(), y.shape());
            for (int i = 0; i < y.size(); i++) {
                labels.setDouble(i, y.getDouble(i));
                if (tg.classes == 0 && labels.getDouble(i) != y.getDouble(i))
                    throw new InputException(part + "label " + fmt(y.getDouble(i)) + " (row " + i + ") does not fit model " + model + "'s labels " + lt);
            }
        }
        if (tg.classes > 0) {
            for (int i = 0; i < y.size(); i++) {
                double v = y.getDouble(i);
                if (v < 0 || v >= tg.classes || v != Math.rint(v))
                    throw new InputException(part + "label " + fmt(v) + " (row " + i + ") is not a class of model " + model + ": labels must be 0 to " + (tg.classes - 1));
            }
        }
        return new Tensor[] {x, labels};
    }

    private static String fmt(double v) { return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v); }

    private static Tensor labels(int[] labels) {
        Objects.requireNonNull(labels, "labels");
        return Tensor.wrap(DType.I32, new int[] {labels.length}, labels.clone());
    }

    private static Tensor matrix(float[][] rows, String what) {
        Objects.requireNonNull(rows, what + "s");
        int n = rows.length == 0 || rows[0] == null ? 0 : rows[0].length;
        float[] flat = new float[Math.multiplyExact(rows.length, n)];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != n)
                throw new InputException(what + " " + i + " has " + (rows[i] == null ? "no" : rows[i].length) + " values; " + what + " 0 has " + n);
            System.arraycopy(rows[i], 0, flat, i * n, n);
        }
        return Tensor.wrap(DType.F32, new int[] {rows.length, n}, flat);
    }

    /** Zero rows of a tensor's kind. */
    private static final class Rows {
        static Tensor none(Tensor t) {
            int[] s = t.shape().clone();
            s[0] = 0;
            return Tensor.zeros(t.dtype(), s);
        }
    }
}
