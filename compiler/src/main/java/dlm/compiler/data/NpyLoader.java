package dlm.compiler.data;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.runtime.Tensor;
import dlm.runtime.io.NpyMapped;
import dlm.runtime.io.Npz;
import dlm.runtime.io.NpzMembers;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link DataSource.Npz} and {@link DataSource.Npy} sources (every .npy variant the runtime
 * reads: versions 1–3, either byte order, C or Fortran order) into the model's types; .npy files
 * through a memory map ({@link NpyMapped}), element by element, so that only the converted rows
 * are ever in the heap, and so are an .npz's members stored without compression ({@code np.savez};
 * an archive with compressed members, {@code np.savez_compressed}, is read whole). The inputs
 * array must have the model's sizes after the rows ({@code [n, 8, 8]} for {@code u8[batch, 8, 8]});
 * the target array is {@code [n]} or {@code [n, 1]}. Values are converted to the model's dtypes
 * as NumPy's {@code astype} would, but only when exact: a fraction or an out-of-range value for
 * an integer dtype, a NaN or a class outside the model's classes is an error naming the array
 * and the element.
 */
final class NpyLoader {
    private NpyLoader() {}

    static Table load(DataSource.Npz z, ModelFeed feed) {
        String input = z.inputs() != null ? z.inputs().get(0) : feed.inputName();
        List<String> wanted = new ArrayList<>(List.of(input, target(z)));
        if (z.sampleWeight() != null) wanted.add(z.sampleWeight());
        return withArrays(z, wanted, arrays -> table(z, feed, input, arrays));
    }

    /** The one target array's name: {@code target}, or the one {@code targets} names. */
    private static String target(DataSource.Npz z) { return z.target() != null ? z.target() : z.targets().get(0); }

    private static SourceSpan targetAt(DataSource.Npz z) { return z.target() != null ? z.targetAt() : z.targetsAt(); }

    /**
     * {@code read} of the archive's arrays by name (null: an array not wanted, not read).
     * Members stored without compression (np.savez) are mapped in place, as .npy files are, and
     * closed after {@code read}; an archive with a compressed one (np.savez_compressed) is read whole.
     */
    private static <T> T withArrays(DataSource.Npz z, List<String> wanted, java.util.function.Function<Map<String, Elements>, T> read) {
        Map<String, NpzMembers.Member> members = members(z);
        if (members != null && wanted.stream().allMatch(w -> !members.containsKey(w) || members.get(w).stored())) {
            List<NpyMapped> open = new ArrayList<>();
            try {
                Map<String, Elements> arrays = new LinkedHashMap<>();
                for (NpzMembers.Member m : members.values())
                    if (wanted.contains(m.name())) {
                        NpyMapped a = mapMember(z, m);
                        open.add(a);
                        arrays.put(m.name(), Elements.of(a));
                    } else arrays.put(m.name(), null);
                return read.apply(arrays);
            } finally {
                open.forEach(NpyMapped::close);
            }
        }
        Map<String, Tensor> whole;
        try {
            whole = Npz.read(z.path());
        } catch (NoSuchFileException e) {
            throw new DlmException(z.at(), "no such file: " + z.shown());
        } catch (IOException e) {
            throw new DlmException(z.at(), "cannot read " + z.shown() + ": " + e.getMessage());
        }
        Map<String, Elements> arrays = new LinkedHashMap<>();
        whole.forEach((k, v) -> arrays.put(k, Elements.of(v)));
        return read.apply(arrays);
    }

    /**
     * A model trained by name: one array per model input ({@code inputs}, else the arrays named as
     * the inputs) and one per output ({@code targets}, else the arrays named as the outputs), each
     * checked against its input or output, all with the same rows.
     */
    static Columns load(DataSource.Npz z, List<ModelFeed> inputFeeds, List<ModelFeed> targetFeeds, List<String> outputNames) {
        List<String> inputs = z.inputs() != null ? z.inputs() : inputFeeds.stream().map(ModelFeed::inputName).toList();
        List<String> targets = z.targets() != null ? z.targets() : z.target() != null ? List.of(z.target()) : outputNames;
        List<String> wanted = new ArrayList<>(inputs);
        wanted.addAll(targets);
        return withArrays(z, wanted, arrays -> {
            List<Tensor> xs = new ArrayList<>(), ys = new ArrayList<>();
            int n = -1;
            String first = null;
            for (int i = 0; i < inputs.size(); i++) {
                ModelFeed feed = inputFeeds.get(i);
                SourceSpan at = z.inputs() != null ? z.inputsAt() : z.at();
                if (!arrays.containsKey(inputs.get(i)))
                    throw new NotedException(at, z.shown() + " has no array \"" + inputs.get(i) + "\" for model " + feed.model() + "'s input " + feed.inputName() + "; it has "
                            + String.join(", ", arrays.keySet()) + (z.inputs() == null ? " (name the input arrays with inputs = [\"…\"], in the model's order)" : ""),
                            feed.inputAt(), "model " + feed.model() + "'s input " + feed.inputName() + " is declared here");
                Elements x = arrays.get(inputs.get(i));
                String name = z.shown() + "'s " + inputs.get(i);
                int[] want = checkInputShape(x, name, at, feed);
                if (n < 0) {
                    n = x.dim(0);
                    first = name;
                } else if (x.dim(0) != n) {
                    throw feed.atInput(new DlmException(at, name + " has " + x.dim(0) + " rows but " + first + " has " + n + ": every array gives one row a sample"));
                }
                xs.add(convertInput(x, name, at, want, feed));
            }
            for (int h = 0; h < targets.size(); h++) {
                ModelFeed feed = targetFeeds.get(h);
                SourceSpan at = z.targets() != null ? z.targetsAt() : z.target() != null ? z.targetAt() : z.at();
                if (!arrays.containsKey(targets.get(h)))
                    throw feed.atLabels(new DlmException(at, z.shown() + " has no array \"" + targets.get(h) + "\" for model " + feed.model() + "'s output " + outputNames.get(h)
                            + "; it has " + String.join(", ", arrays.keySet()) + (z.targets() == null ? " (name the target arrays with targets = [\"…\"], in the model's output order)" : "")));
                Elements y = arrays.get(targets.get(h));
                String name = z.shown() + "'s " + targets.get(h);
                checkLabelShape(y, name, at, n, first, feed);
                ys.add(convertLabels(y, name, at, n, feed));
            }
            return new Columns(xs, ys);
        });
    }

    /** The archive's members when it is a well-formed zip of .npy members only, else null (then {@link Npz#read} reports what is wrong, as before). */
    private static Map<String, NpzMembers.Member> members(DataSource.Npz z) {
        try {
            Map<String, NpzMembers.Member> m = NpzMembers.list(z.path(), z.shown());
            return m.size() > 0 && m.values().stream().allMatch(x -> x.size() >= 0) && allNpy(z) ? m : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether every member's name ends in .npy (Npz.read refuses others, and so must this). */
    private static boolean allNpy(DataSource.Npz z) {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(z.path().toFile())) {
            return zip.stream().allMatch(e -> e.isDirectory() || e.getName().endsWith(".npy"))
                    && zip.stream().filter(e -> !e.isDirectory()).map(java.util.zip.ZipEntry::getName).distinct().count() == zip.stream().filter(e -> !e.isDirectory()).count();
        } catch (IOException e) {
            return false;
        }
    }

    private static NpyMapped mapMember(DataSource.Npz z, NpzMembers.Member m) {
        try {
            return NpyMapped.openMember(z.path(), m, z.shown() + "[" + m.name() + "]");
        } catch (IOException e) {
            throw new DlmException(z.at(), "cannot read " + z.shown() + ": " + e.getMessage());
        }
    }

    /** The table of an npz's arrays by name (null: an array not needed here, not read). */
    private static Table table(DataSource.Npz z, ModelFeed feed, String input, Map<String, Elements> arrays) {
        if (z.inputs() == null && !arrays.containsKey(input))
            throw new NotedException(z.at(), z.shown() + " has no array \"" + input + "\" for model " + feed.model() + "'s input " + input + "; it has "
                    + String.join(", ", arrays.keySet()) + " (name the input array with inputs = [\"…\"])", feed.inputAt(), "model " + feed.model() + "'s input " + input + " is declared here");
        Elements x, y;
        try {
            x = array(arrays, input, z, z.inputsAt());
        } catch (DlmException e) {
            throw feed.atInput(e);
        }
        try {
            y = array(arrays, target(z), z, targetAt(z));
        } catch (DlmException e) {
            throw feed.atLabels(e);
        }
        Table t = table(x, z.shown() + "'s " + input, z.at(), y, z.shown() + "'s " + target(z), targetAt(z), feed);
        if (z.sampleWeight() == null) return t;
        try {
            return new Table(t.x(), t.y(), weights(array(arrays, z.sampleWeight(), z, z.sampleWeightAt()), z.shown() + "'s " + z.sampleWeight(), z.sampleWeightAt(),
                    t.rows(), z.shown() + "'s " + input));
        } catch (DlmException e) {
            throw feed.atWeights(e);
        }
    }

    /** One f32 weight a row from an array of shape (n,) or (n, 1), each checked ({@link SampleWeightCheck}). */
    private static Tensor weights(Elements a, String name, SourceSpan at, int n, String xName) {
        if (!(a.rank() == 1 || (a.rank() == 2 && a.dim(1) == 1)) || a.dim(0) != n)
            throw new DlmException(at, name + " has shape " + shape(a.shape()) + ", but the sample weights must be one value a row for the " + n + " rows of " + xName
                    + ": shape (" + n + ",) or (" + n + ", 1)");
        Tensor w = Tensor.zeros(dlm.runtime.DType.F32, n);
        for (int i = 0; i < n; i++) w.setDouble(i, SampleWeightCheck.check(a.getDouble(i), at, "at " + index(a.shape(), i) + " of " + name));
        return w;
    }

    static Table load(DataSource.Npy n, ModelFeed feed) {
        try (NpyMapped x = map(n.path(), n.shown(), n.at()); NpyMapped y = map(n.target(), n.targetShown(), n.targetAt())) {
            return table(Elements.of(x), n.shown(), n.at(), Elements.of(y), n.targetShown(), n.targetAt(), feed);
        }
    }

    /** The .npy file mapped, not read: its elements are converted one by one, so the file may be larger than the heap. */
    private static NpyMapped map(Path path, String shown, SourceSpan at) {
        try {
            return NpyMapped.open(path, shown);
        } catch (NoSuchFileException e) {
            throw new DlmException(at, "no such file: " + shown);
        } catch (IOException e) {
            throw new DlmException(at, "cannot read " + (e.getMessage() != null && e.getMessage().startsWith(shown) ? e.getMessage() : shown + ": " + e.getMessage()));
        }
    }

    private static Elements array(Map<String, Elements> arrays, String name, DataSource.Npz z, SourceSpan at) {
        Elements t = arrays.get(name);
        if (t == null) throw new DlmException(at, z.shown() + " has no array \"" + name + "\"; it has " + String.join(", ", arrays.keySet()));
        return t;
    }

    private static Table table(Elements x, String xName, SourceSpan xAt, Elements y, String yName, SourceSpan yAt, ModelFeed feed) {
        int[] want = checkInputShape(x, xName, xAt, feed);
        int n = x.dim(0);
        checkLabelShape(y, yName, yAt, n, xName, feed);
        return new Table(convertInput(x, xName, xAt, want, feed), convertLabels(y, yName, yAt, n, feed));
    }

    /** The rows' shape a model input takes (n, then its sizes), refusing an array of other sizes after its rows. */
    private static int[] checkInputShape(Elements x, String xName, SourceSpan xAt, ModelFeed feed) {
        int[] want = ModelFeed.rows(feed.input(), x.rank() == 0 ? 0 : x.dim(0));
        if (x.rank() != want.length || !Arrays.equals(Arrays.copyOfRange(x.shape(), 1, x.rank()), Arrays.copyOfRange(want, 1, want.length)))
            throw new NotedException(xAt, xName + " has shape " + shape(x.shape()) + ", but " + feed.describeInput() + " takes rows of shape "
                    + shape(Arrays.copyOfRange(want, 1, want.length)), feed.inputAt(), "model " + feed.model() + "'s input " + feed.inputName() + " is declared here");
        return want;
    }

    /** Refuses labels that are not one value a row for the n rows of {@code xName}. */
    private static void checkLabelShape(Elements y, String yName, SourceSpan yAt, int n, String xName, ModelFeed feed) {
        if (!(y.rank() == 1 || (y.rank() == 2 && y.dim(1) == 1)) || y.dim(0) != n)
            throw feed.atLabels(new DlmException(yAt, yName + " has shape " + shape(y.shape()) + ", but the labels must be one value a row for the " + n + " rows of " + xName
                    + ": shape (" + n + ",) or (" + n + ", 1)"));
    }

    private static Tensor convertInput(Elements x, String xName, SourceSpan xAt, int[] want, ModelFeed feed) {
        try {
            return convert(x, feed.input().dtype(), xName, xAt, feed.describeInput(), 0).reshape(want);
        } catch (DlmException e) {
            throw feed.atInput(e);
        }
    }

    private static Tensor convertLabels(Elements y, String yName, SourceSpan yAt, int n, ModelFeed feed) {
        try {
            return convert(y, feed.labels().dtype(), yName, yAt, "the labels (" + feed.labels() + ")", feed.classes()).reshape(ModelFeed.rows(feed.labels(), n));
        } catch (DlmException e) {
            throw feed.atLabels(e);
        }
    }

    /** t as dtype, exactly; classes > 0: each value must be a class index below it. */
    private static Tensor convert(Elements t, dlm.runtime.DType dtype, String name, SourceSpan at, String what, int classes) {
        boolean same = t.dtype() == dtype && t.tensor() != null;
        Tensor out = same ? t.tensor() : Tensor.zeros(dtype, t.shape());
        int n = t.size();
        for (int i = 0; i < n; i++) {
            double v = t.getDouble(i);
            if (Double.isNaN(v) || Double.isInfinite(v))
                throw new DlmException(at, where(name, t, i) + " is " + v + "; fill or drop missing values before training");
            if (dtype.isInteger() && !t.dtype().isInteger() && v != Math.rint(v))
                throw new DlmException(at, where(name, t, i) + " is " + v + ", not an integer, as " + what + " needs");
            if (classes > 0 && (v < 0 || v >= classes))
                throw new DlmException(at, where(name, t, i) + " is " + (long) v + ", outside the model's " + classes + " classes (0 to " + (classes - 1) + ")");
            if (same) continue;
            if (dtype.isInteger()) {
                long l = t.dtype().isInteger() ? t.getLong(i) : (long) v;
                out.setLong(i, l);
                if (out.getLong(i) != l) throw new DlmException(at, where(name, t, i) + " is " + l + ", which does not fit " + dtype.dlmName() + ", as " + what + " needs");
            } else {
                out.setDouble(i, v);
            }
        }
        return out;
    }

    /**
     * An array's elements in C order: a tensor read whole (from an .npz) or a mapped .npy file.
     * {@link #tensor} is the tensor itself, kept as it is when it has the model's dtype already.
     */
    private record Elements(dlm.runtime.DType dtype, int[] shape, Tensor tensor, NpyMapped mapped) {
        static Elements of(Tensor t) { return new Elements(t.dtype(), t.shape(), t, null); }

        static Elements of(NpyMapped m) { return new Elements(m.dtype(), m.shape(), null, m); }

        int rank() { return shape.length; }

        int dim(int axis) { return shape[axis]; }

        int size() {
            int n = 1;
            for (int s : shape) n *= s;
            return n;
        }

        double getDouble(int i) { return tensor != null ? tensor.getDouble(i) : mapped.getDouble(i); }

        long getLong(int i) { return tensor != null ? tensor.getLong(i) : mapped.getLong(i); }
    }

    /** How a message names element i of an array (built only for a message). */
    private static String where(String name, Elements t, int i) { return name + " at " + index(t.shape(), i); }

    private static String index(int[] shape, int flat) {
        int[] at = new int[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) { at[a] = flat % shape[a]; flat /= shape[a]; }
        return Arrays.toString(at);
    }

    private static String shape(int[] s) {
        return s.length == 1 ? "(" + s[0] + ",)" : Arrays.toString(s).replace('[', '(').replace(']', ')');
    }
}
