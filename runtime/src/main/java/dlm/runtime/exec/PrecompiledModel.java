package dlm.runtime.exec;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.io.Checkpoint;
import dlm.runtime.io.CheckpointException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A model's predict step compiled ahead of time (by {@code dlm-maven-plugin}: an ordinary class
 * file and its {@link StepLayout} resource), run with the runtime alone — no compiler, ANTLR or
 * ASM on the class path. The typed facade the plugin generates per model delegates here.
 *
 * <p>The step is compiled for one batch size {@code B}: {@link #predict(Tensor)} takes any number
 * of rows, runs them in chunks of {@code B} and pads the last chunk with zero rows (whose outputs
 * are dropped). That is exact when every row's output depends on that row only, as in any model
 * of std.nn's layers at prediction time; the plugin proves it from the graph. A model whose
 * predict step may mix rows (a statistic over the batch axis, say) is loaded with the place that
 * mixes them and then takes whole batches of {@code B} rows only: padding would change its output.
 *
 * <p>Safe to use from many threads at once: a call takes an idle instance of the step (each owns
 * its arrays; the weights are shared, read only) from a pool, or makes one.
 */
public final class PrecompiledModel {
    private final StepLayout layout;
    private final ClassLoader loader;
    private final String inputName, outputName;
    private final StepLayout.External input;
    private final StepLayout.Output output;
    private final Map<String, Tensor> weights;
    /** Where the predict step may mix batch rows ({@code file:line:col: what}), or null when it never does. */
    private final String rowsMixAt;
    private final ConcurrentLinkedDeque<StepLayout.Instance> idle = new ConcurrentLinkedDeque<>();

    private PrecompiledModel(StepLayout layout, ClassLoader loader, String inputName, String outputName, Map<String, Tensor> weights, String rowsMixAt) {
        this.rowsMixAt = rowsMixAt;
        this.layout = layout;
        this.loader = loader;
        this.inputName = inputName;
        this.outputName = outputName;
        this.input = layout.externals().get(inputName);
        if (input == null) throw new IllegalArgumentException(layout.className() + " has no input " + inputName);
        this.output = layout.outputs().stream().filter(o -> o.name().equals(outputName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(layout.className() + " has no output " + outputName));
        this.weights = Map.copyOf(weights);
    }

    /**
     * Loads the step whose layout is the resource {@code layoutResource} of {@code loader} (its
     * class from the same loader) and its weights from a checkpoint {@code dlmc train --save} (or
     * {@code DlmModel.save}) wrote: every weight the step reads must be there, of its dtype and
     * shape, and finite; other entries (optimizer state) are ignored.
     *
     * @throws NoSuchFileException   when the weights file or the layout resource is missing
     * @throws CheckpointException   when the weights do not fit the model (every problem listed)
     */
    public static PrecompiledModel load(ClassLoader loader, String layoutResource, String inputName, String outputName, Path weights) throws IOException {
        return load(loader, layoutResource, inputName, outputName, weights, null);
    }

    /**
     * {@link #load(ClassLoader, String, String, String, Path)} for a step that may mix batch rows
     * at {@code rowsMixAt} (a located description; null: it never does), which then predicts
     * whole batches only.
     */
    public static PrecompiledModel load(ClassLoader loader, String layoutResource, String inputName, String outputName, Path weights, String rowsMixAt) throws IOException {
        StepLayout layout;
        try (InputStream in = loader.getResourceAsStream(layoutResource)) {
            if (in == null) throw new NoSuchFileException(layoutResource, null, "no such resource: the plugin's compiled model is not on the class path");
            layout = StepLayout.read(in);
        }
        Checkpoint c = Checkpoint.load(weights);
        List<String> problems = new ArrayList<>();
        for (StepLayout.External e : layout.externals().values()) {
            if (e.name().equals(inputName)) continue;
            Tensor t = c.params().get(e.name());
            if (t == null) problems.add(e.name() + ": missing (expected " + e.dtype().dlmName() + Arrays.toString(e.shape()) + ")");
            else if (t.dtype() != e.dtype() || !Arrays.equals(t.shape(), e.shape()))
                problems.add(e.name() + ": " + t.dtype().dlmName() + Arrays.toString(t.shape()) + ", expected " + e.dtype().dlmName() + Arrays.toString(e.shape()));
            else if (t.dtype().isFloating()) {
                for (int i = 0; i < t.size(); i++) {
                    if (!Double.isFinite(t.getDouble(i))) {
                        problems.add(e.name() + ": holds non-finite values (NaN or ±inf)");
                        break;
                    }
                }
            }
        }
        if (!problems.isEmpty())
            throw new CheckpointException(weights + " does not fit " + layout.className() + ": " + String.join("; ", problems), problems);
        return new PrecompiledModel(layout, loader, inputName, outputName, c.params(), rowsMixAt);
    }

    /** The batch size the step was compiled for (calls take any number of rows, or multiples of it when {@link #rowsIndependent()} is false). */
    public int batchSize() { return input.shape()[0]; }

    /** Whether each output row depends on its own input row only (then any number of rows may be predicted). */
    public boolean rowsIndependent() { return rowsMixAt == null; }

    /** The input's dtype. */
    public DType inputType() { return input.dtype(); }

    /** The input's sizes after the rows. */
    public int[] rowShape() { return Arrays.copyOfRange(input.shape(), 1, input.shape().length); }

    /** The output's sizes after the rows. */
    public int[] outputRowShape() { return Arrays.copyOfRange(output.shape(), 1, output.shape().length); }

    /**
     * The model's output for {@code batch} (rows first, the input's dtype and sizes after the
     * rows), as a new tensor: rows first, the output's sizes after.
     *
     * @throws IllegalArgumentException when the batch does not fit the input, or when the model
     *     mixes rows and the batch is not a whole number of compiled batches
     */
    public Tensor predict(Tensor batch) {
        int[] row = rowShape();
        if (batch.dtype() != input.dtype() || batch.rank() != row.length + 1 || !Arrays.equals(Arrays.copyOfRange(batch.shape(), 1, batch.rank()), row))
            throw new IllegalArgumentException("input '" + inputName + "' takes " + input.dtype().dlmName() + "[n" + tail(row) + "], got "
                    + batch.dtype().dlmName() + Arrays.toString(batch.shape()));
        int n = batch.dim(0), b = batchSize();
        if (rowsMixAt != null && n % b != 0)
            throw new IllegalArgumentException("this model's predict step mixes the rows of a batch (" + rowsMixAt + "), so padding a short batch would change its output: it predicts whole batches of "
                    + b + " rows only, got " + n + " rows");
        int inRow = size(row), outRow = size(outputRowShape());
        int[] outShape = output.shape().clone();
        outShape[0] = n;
        Tensor result = Tensor.zeros(output.dtype(), outShape);
        StepLayout.Instance in = idle.pollFirst();
        if (in == null) in = layout.instantiate(loader, weights);
        try {
            Tensor x = in.externals().get(inputName), y = in.outputs().get(outputName);
            for (int from = 0; from < n; from += b) {
                int rows = Math.min(b, n - from);
                System.arraycopy(batch.storage(), from * inRow, x.storage(), 0, rows * inRow);
                if (rows < b) zero(x.storage(), rows * inRow, b * inRow);
                in.step().run();
                System.arraycopy(y.storage(), 0, result.storage(), from * outRow, rows * outRow);
            }
        } finally {
            idle.offerFirst(in);
        }
        return result;
    }

    /** Class scores of grayscale images {@code images[i][y][x]}, for an input {@code u8[batch, h, w]} and an output {@code f32[batch, k]}. */
    public float[][] predict(byte[][][] images) {
        int[] row = rowShape();
        if (input.dtype() != DType.U8 || row.length != 2) throw new IllegalArgumentException("predict(byte[][][]) needs an input u8[batch, h, w], not " + input.dtype().dlmName() + "[batch" + tail(row) + "]");
        int h = row[0], w = row[1];
        byte[] flat = new byte[Math.multiplyExact(images.length, h * w)];
        for (int i = 0; i < images.length; i++) {
            if (images[i] == null || images[i].length != h) throw new IllegalArgumentException("image " + i + " does not have " + h + " rows");
            for (int r = 0; r < h; r++) {
                if (images[i][r] == null || images[i][r].length != w) throw new IllegalArgumentException("row " + r + " of image " + i + " does not have " + w + " pixels");
                System.arraycopy(images[i][r], 0, flat, (i * h + r) * w, w);
            }
        }
        return rows(predict(Tensor.wrap(DType.U8, new int[] {images.length, h, w}, flat)));
    }

    /** Outputs of feature rows, for an input {@code f32[batch, n]} and an output {@code f32[batch, k]}. */
    public float[][] predict(float[][] features) {
        int[] row = rowShape();
        if (input.dtype() != DType.F32 || row.length != 1) throw new IllegalArgumentException("predict(float[][]) needs an input f32[batch, n], not " + input.dtype().dlmName() + "[batch" + tail(row) + "]");
        int k = row[0];
        float[] flat = new float[Math.multiplyExact(features.length, k)];
        for (int i = 0; i < features.length; i++) {
            if (features[i] == null || features[i].length != k) throw new IllegalArgumentException("row " + i + " does not have " + k + " values");
            System.arraycopy(features[i], 0, flat, i * k, k);
        }
        return rows(predict(Tensor.wrap(DType.F32, new int[] {features.length, k}, flat)));
    }

    private float[][] rows(Tensor out) {
        if (out.dtype() != DType.F32 || out.rank() != 2) throw new IllegalArgumentException("the output is " + out.dtype().dlmName() + Arrays.toString(out.shape()) + ", not f32[batch, k]: use predict(Tensor)");
        int n = out.dim(0), k = out.dim(1);
        float[] flat = out.f32Storage();
        float[][] r = new float[n][];
        for (int i = 0; i < n; i++) r[i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
        return r;
    }

    private static String tail(int[] row) {
        StringBuilder sb = new StringBuilder();
        for (int s : row) sb.append(", ").append(s);
        return sb.toString();
    }

    private static int size(int[] shape) {
        int n = 1;
        for (int s : shape) n = Math.multiplyExact(n, s);
        return n;
    }

    private static void zero(Object array, int from, int to) {
        switch (array) {
            case byte[] a -> Arrays.fill(a, from, to, (byte) 0);
            case short[] a -> Arrays.fill(a, from, to, (short) 0);
            case int[] a -> Arrays.fill(a, from, to, 0);
            case long[] a -> Arrays.fill(a, from, to, 0L);
            case float[] a -> Arrays.fill(a, from, to, 0f);
            case double[] a -> Arrays.fill(a, from, to, 0d);
            default -> throw new IllegalStateException("storage " + array.getClass());
        }
    }
}
