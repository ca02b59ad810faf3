package dlm.api;

import dlm.compiler.codegen.CompiledGraph;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.TensorType;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Runs a {@link DlmModel}'s predict step on batches of any size, from any number of threads at
 * once.
 *
 * <p><b>Threads.</b> A compiled step instance owns its input, intermediate and output arrays, so
 * one instance must not run on two threads at a time. The predictor keeps a pool of idle
 * instances per batch size: a call takes one (or instantiates one from the model's cached
 * compiled class when none is idle — cheap: it only allocates the arrays), copies the batch in,
 * runs, copies the result out and puts the instance back. So the pool grows to the number of
 * threads that predict at one size at the same time; in steady state a call allocates only the
 * returned copy (and, for the array overloads, the flattened batch and the rows). The weights are
 * shared, read only, by every instance.
 * Results do not depend on which instance or thread ran them: they are the same bits as a
 * single-threaded call.
 *
 * <p><b>Overloads.</b> {@link #predict(Tensor)} takes any input the model declares;
 * {@link #predict(byte[][][])} fits models of images {@code u8[batch, h, w]} and
 * {@link #predict(float[][])} models of rows {@code f32[batch, n]}; both return {@code float[][]}
 * and need an output {@code f32[batch, k]}. A batch of 0 rows gives 0 rows without running.
 *
 * <p>Closing releases the pooled instances; a closed predictor refuses further calls with an
 * {@link IllegalStateException}.
 */
public final class Predictor implements AutoCloseable {
    private final DlmModel model;
    private final TrainGraph tg;
    private final Map<Integer, ConcurrentLinkedDeque<Instance>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A compiled step for one batch size with its input and output tensors. */
    private record Instance(CompiledGraph graph, Tensor input, Tensor output) {}

    Predictor(DlmModel model) {
        this.model = model;
        this.tg = model.graph();
    }

    /**
     * The model's output for a batch of its input: {@code batch}'s dtype and rank are the input's,
     * its sizes after the first are the input's, and its first size is the batch size. The result
     * is a new tensor the caller owns.
     *
     * @throws InputException       when the batch does not fit the model's input
     * @throws DlmCompileException  when the step fails at a place in the source while it runs
     */
    public Tensor predict(Tensor batch) {
        if (closed) throw new IllegalStateException("this predictor is closed");
        check(batch);
        int n = batch.dim(0);
        if (n == 0) return Tensor.zeros(tg.output.type().dtype(), outputShape(0));
        ConcurrentLinkedDeque<Instance> pool = idle.computeIfAbsent(n, k -> new ConcurrentLinkedDeque<>());
        Instance in = pool.pollFirst();
        if (in == null) in = instantiate(n);
        try {
            System.arraycopy(batch.storage(), 0, in.input().storage(), 0, in.input().size());
            in.graph().run();
            return in.output().copy();
        } catch (DlmException e) {
            throw new DlmCompileException(e);
        } finally {
            // after close() the instance is dropped rather than pooled
            if (!closed) pool.offerFirst(in);
        }
    }

    /**
     * Class scores of a batch of grayscale images, {@code images[i][y][x]} (bytes read as 0..255),
     * for a model whose input is {@code u8[batch, h, w]} and output {@code f32[batch, k]}.
     */
    public float[][] predict(byte[][][] images) {
        TensorType in = tg.images.type();
        if (in.dtype() != DType.U8 || in.rank() != 3)
            throw new InputException("predict(byte[][][]) needs a model whose input is u8[batch, h, w]; " + model.inputs().get(0) + " (use predict(Tensor))");
        requireRowsOut("predict(byte[][][])");
        int h = in.shape().dim(1).size(), w = in.shape().dim(2).size();
        byte[] flat = new byte[Math.multiplyExact(Math.multiplyExact(images.length, h), w)];
        for (int i = 0; i < images.length; i++) {
            if (images[i] == null || images[i].length != h)
                throw new InputException("image " + i + " has " + (images[i] == null ? "no rows" : images[i].length + " rows") + "; the model takes " + h + "x" + w + " images");
            for (int y = 0; y < h; y++) {
                byte[] row = images[i][y];
                if (row == null || row.length != w)
                    throw new InputException("row " + y + " of image " + i + " has " + (row == null ? "no" : row.length) + " pixels; the model takes " + h + "x" + w + " images");
                System.arraycopy(row, 0, flat, (i * h + y) * w, w);
            }
        }
        return rows(predict(Tensor.wrap(DType.U8, new int[] {images.length, h, w}, flat)));
    }

    /** Outputs of a batch of feature rows, for a model whose input is {@code f32[batch, n]} and output {@code f32[batch, k]}. */
    public float[][] predict(float[][] rows) {
        TensorType in = tg.images.type();
        if (in.dtype() != DType.F32 || in.rank() != 2)
            throw new InputException("predict(float[][]) needs a model whose input is f32[batch, n]; " + model.inputs().get(0) + " (use predict(Tensor))");
        requireRowsOut("predict(float[][])");
        int n = in.shape().dim(1).size();
        float[] flat = new float[Math.multiplyExact(rows.length, n)];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != n)
                throw new InputException("row " + i + " has " + (rows[i] == null ? "no" : rows[i].length) + " values; the model takes " + n);
            System.arraycopy(rows[i], 0, flat, i * n, n);
        }
        return rows(predict(Tensor.wrap(DType.F32, new int[] {rows.length, n}, flat)));
    }

    /** Releases the pooled instances. Calls still running finish normally. */
    @Override
    public void close() {
        closed = true;
        idle.clear();
    }

    // ---- internals ----------------------------------------------------------------------------------

    private Instance instantiate(int batch) {
        CompiledGraph g = model.compiled(batch).instantiate(model.weights());
        return new Instance(g, g.external(tg.images.name()), g.output("output"));
    }

    private void check(Tensor batch) {
        TensorType in = tg.images.type();
        boolean fits = batch.dtype() == in.dtype() && batch.rank() == in.rank() && batch.rank() > 0;
        for (int a = 1; fits && a < in.rank(); a++) fits = batch.dim(a) == in.shape().dim(a).size();
        Dim lead = fits ? in.shape().dim(0) : null;
        if (fits && lead.isKnown()) fits = batch.dim(0) == lead.size();
        if (!fits)
            throw new InputException("input '" + tg.images.name() + "' of model " + model.name() + " expects " + in + ", got " + batch.dtype().dlmName()
                    + Arrays.toString(batch.shape()));
    }

    private int[] outputShape(int batch) {
        TensorType in = tg.images.type();
        Map<String, Dim> binding = in.shape().dim(0).isKnown() ? Map.of() : Map.of(in.shape().dim(0).symbols().get(0), Dim.of(batch));
        return tg.output.type().shape().substitute(binding).sizes();
    }

    private void requireRowsOut(String overload) {
        TensorType out = tg.output.type();
        if (out.dtype() != DType.F32 || out.rank() != 2)
            throw new InputException(overload + " needs a model whose output is f32[batch, k]; " + model.outputs().get(0) + " (use predict(Tensor))");
    }

    private static float[][] rows(Tensor out) {
        int n = out.dim(0), k = out.dim(1);
        float[] flat = out.f32Storage();
        float[][] r = new float[n][];
        for (int i = 0; i < n; i++) r[i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
        return r;
    }
}
