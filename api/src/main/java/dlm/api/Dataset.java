package dlm.api;

import dlm.compiler.ir.TensorType;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Arrays;
import java.util.List;
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
    /** For a model of several inputs or outputs: its inputs by name and each output's labels by the output's name (else null). */
    private final java.util.Map<String, Tensor> inputsByName, labelsByName;

    private Dataset(Tensor x, Tensor y, Dataset test) { this(x, y, test, null, null); }

    private Dataset(Tensor x, Tensor y, Dataset test, java.util.Map<String, Tensor> inputsByName, java.util.Map<String, Tensor> labelsByName) {
        this.x = x;
        this.y = y;
        this.test = test;
        this.inputsByName = inputsByName;
        this.labelsByName = labelsByName;
    }

    /**
     * Data for a model of several inputs or outputs (Keras's {@code fit(x={…}, y={…})}): each input
     * by its name in the model ({@code a}, {@code b}) and each output's labels by the output's name
     * ({@code price}, {@code kind}: the value the model returns), tensors whose first axis counts
     * the rows (copied). Checked against the model when training starts, as {@link #of(Tensor, Tensor)} is.
     */
    public static Dataset of(java.util.Map<String, Tensor> inputs, java.util.Map<String, Tensor> labels) {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(labels, "labels");
        if (inputs.isEmpty() || labels.isEmpty()) throw new InputException("give at least one input and one output's labels");
        java.util.Map<String, Tensor> in = new java.util.LinkedHashMap<>(), lab = new java.util.LinkedHashMap<>();
        int n = -1;
        for (var part : List.of(inputs, labels))
            for (var e : part.entrySet()) {
                Tensor t = Objects.requireNonNull(e.getValue(), e.getKey());
                if (t.rank() == 0) throw new InputException("'" + e.getKey() + "' is a scalar; its first axis must count the rows");
                if (n >= 0 && t.dim(0) != n) throw new InputException("'" + e.getKey() + "' has " + t.dim(0) + " rows but the first array has " + n + ": every array gives one row a sample");
                n = t.dim(0);
                (part == inputs ? in : lab).put(e.getKey(), t.copy());
            }
        Tensor first = in.values().iterator().next();
        return new Dataset(first, lab.values().iterator().next(), null, in, lab);
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
        if ((test.inputsByName == null) != (inputsByName == null)) throw new IllegalArgumentException("a test part must give the model's inputs as the data does (by name, or not)");
        return new Dataset(x, y, test, inputsByName, labelsByName);
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
        if (tg.byName() || inputsByName != null) return byName(tg, model);
        Tensor[] train = checked(tg, model, "");
        Tensor[] t = test != null ? test.checked(tg, model, "test ") : new Tensor[] {Rows.none(train[0]), Rows.none(train[1])};
        return new dlm.runtime.data.Dataset("java", train[0], train[1], t[0], t[1]);
    }

    /**
     * A model of several inputs or outputs: every input and every output's labels, checked by
     * name, the test rows after the training rows in one tensor each; the training loop then
     * takes row numbers into them ({@link dlm.runtime.data.Dataset.ByName}).
     */
    private dlm.runtime.data.Dataset byName(TrainGraph tg, String model) {
        List<String> inNames = tg.inputs.stream().map(dlm.compiler.ir.Node::name).toList();
        if (inputsByName == null)
            throw new InputException("model " + model + " takes inputs " + inNames + " and returns " + tg.outputNames + ": give each by name with Dataset.of(inputs, labels)");
        List<Dataset> parts = test == null ? List.of(this) : List.of(this, test);
        List<Tensor> inputs = new java.util.ArrayList<>(), targets = new java.util.ArrayList<>();
        for (int i = 0; i < tg.inputs.size(); i++) {
            List<Tensor> ts = new java.util.ArrayList<>();
            for (Dataset d : parts) ts.add(d.named(d.inputsByName, inNames.get(i), "input", inNames, model, d == test ? "test " : ""));
            for (int k = 0; k < ts.size(); k++) ts.set(k, checkedInput(ts.get(k), tg.inputs.get(i), model, parts.get(k) == test ? "test " : ""));
            inputs.add(concat(ts));
        }
        for (int h = 0; h < tg.outputs.size(); h++) {
            List<Tensor> ts = new java.util.ArrayList<>();
            for (Dataset d : parts) {
                String part = d == test ? "test " : "";
                Tensor y = d.named(d.labelsByName, tg.outputNames.get(h), "output", tg.outputNames, model, part);
                ts.add(checkedLabels(y, tg.labelInputs.get(h).type(), tg.classes(h), model, part + "'" + tg.outputNames.get(h) + "' "));
            }
            targets.add(concat(ts));
        }
        for (Dataset d : parts)
            for (String k : d.inputsByName.keySet()) if (!inNames.contains(k)) throw new InputException("model " + model + " has no input '" + k + "'; its inputs are " + inNames);
        for (Dataset d : parts)
            for (String k : d.labelsByName.keySet()) if (!tg.outputNames.contains(k)) throw new InputException("model " + model + " has no output '" + k + "'; its outputs are " + tg.outputNames);
        int n = x.dim(0), m = test == null ? 0 : test.x.dim(0);
        Tensor train = rowNumbers(0, n), testRows = rowNumbers(n, m);
        return new dlm.runtime.data.Dataset("java", train, train, testRows, testRows, null, null, new dlm.runtime.data.Dataset.ByName(inputs, targets));
    }

    private Tensor named(java.util.Map<String, Tensor> m, String name, String what, List<String> names, String model, String part) {
        if (m == null) throw new InputException("the " + part + "data gives one input and one label array, but model " + model + " takes its data by name");
        Tensor t = m.get(name);
        if (t == null) throw new InputException("the " + part + "data has no " + (what.equals("input") ? "input" : "labels for output") + " '" + name + "' of model " + model + " (it needs " + names + ")");
        return t;
    }

    private static Tensor checkedInput(Tensor t, dlm.compiler.ir.Node input, String model, String part) {
        TensorType in = input.type();
        boolean fits = t.dtype() == in.dtype() && t.rank() == in.rank();
        for (int a = 1; fits && a < in.rank(); a++) fits = t.dim(a) == in.shape().dim(a).size();
        if (!fits)
            throw new InputException("the " + part + "input '" + input.name() + "' is " + t.dtype().dlmName() + Arrays.toString(t.shape()) + ", but model " + model + " takes " + in + " (rows first)");
        return t;
    }

    private static Tensor rowNumbers(int from, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = from + i;
        return Tensor.wrap(DType.I32, new int[] {n}, r);
    }

    private static Tensor concat(List<Tensor> ts) {
        if (ts.size() == 1) return ts.get(0);
        int[] shape = ts.get(0).shape();
        shape[0] = 0;
        for (Tensor t : ts) shape[0] += t.dim(0);
        Tensor out = Tensor.zeros(ts.get(0).dtype(), shape);
        int at = 0;
        for (Tensor t : ts) {
            System.arraycopy(t.storage(), 0, out.storage(), at, t.size());
            at += t.size();
        }
        return out;
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
        return new Tensor[] {x, checkedLabels(y, lt, tg.classes, model, part)};
    }

    /** Labels y for labels of type lt (classes > 0: class indices below it), converted to its dtype, or an InputException saying why they do not fit. */
    private static Tensor checkedLabels(Tensor y, TensorType lt, int classes, String model, String part) {
        Tensor labels = y;
        boolean shaped = y.rank() == lt.rank();
        for (int a = 1; shaped && a < lt.rank(); a++) shaped = y.dim(a) == lt.shape().dim(a).size();
        if (!shaped)
            throw new InputException("the " + part + "labels are " + y.dtype().dlmName() + Arrays.toString(y.shape()) + ", but model " + model + "'s loss takes labels "
                    + lt + (classes > 0 ? " (class indices)" : " (shaped like its output)"));
        if (y.dtype() != lt.dtype()) {
            if (lt.dtype().isFloating() != y.dtype().isFloating())
                throw new InputException("the " + part + "labels are " + y.dtype().dlmName() + ", but model " + model + "'s loss takes " + lt
                        + (classes > 0 ? " class indices" : " values shaped like its output"));
            labels = Tensor.zeros(lt.dtype(), y.shape());
            for (int i = 0; i < y.size(); i++) {
                labels.setDouble(i, y.getDouble(i));
                if (classes == 0 && labels.getDouble(i) != y.getDouble(i))
                    throw new InputException(part + "label " + fmt(y.getDouble(i)) + " (row " + i + ") does not fit model " + model + "'s labels " + lt);
            }
        }
        if (classes > 0) {
            for (int i = 0; i < y.size(); i++) {
                double v = y.getDouble(i);
                if (v < 0 || v >= classes || v != Math.rint(v))
                    throw new InputException(part + "label " + fmt(v) + " (row " + i + ") is not a class of model " + model + ": labels must be 0 to " + (classes - 1));
            }
        }
        return labels;
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
