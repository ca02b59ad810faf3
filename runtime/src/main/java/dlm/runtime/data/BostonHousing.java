package dlm.runtime.data;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The Boston housing prices as Keras's {@code boston_housing.load_data()} gives them: the
 * arrays x (506, 13) and y (506,) of {@code boston_housing.npz}, shuffled by NumPy's
 * {@code RandomState(113)} and cut at {@code int(n * (1 - 0.2))}: the first 404 rows train, the
 * last 102 test; the same rows, in the same order, as in Keras. x is returned as f32 [n, 13]
 * and y (the median value, in thousands of dollars) as f32 [n].
 */
public final class BostonHousing {
    private BostonHousing() {}

    public static final String FILE = "boston_housing.npz";
    /** Keras's defaults for load_data(). */
    static final long SEED = 113;
    static final double TEST_SPLIT = 0.2;
    public static final int FEATURES = 13;

    static Dataset load(DatasetSpec spec, Path npz) {
        Npy xs, ys;
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            xs = Npy.read(zip, "x");
            ys = Npy.read(zip, "y");
        } catch (IOException e) {
            throw new DatasetException(npz + ": not a readable npz file: " + e.getMessage() + " (delete it to download it again)", e);
        }
        int[] xShape = xs.shape(), yShape = ys.shape();
        if (xShape.length != 2 || xShape[1] != FEATURES || yShape.length != 1 || yShape[0] != xShape[0])
            throw new DatasetException(npz + ": expected x of shape (n, " + FEATURES + ") and y of shape (n,), found x " + Arrays.toString(xShape)
                    + " and y " + Arrays.toString(yShape));
        int n = xShape[0];
        int[] order = new NumpyLegacyRandom(SEED).permutation(n);
        int train = (int) (n * (1 - TEST_SPLIT));   // Python's int(len(x) * (1 - test_split))
        Tensor[] tr = rows(xs.values(), ys.values(), order, 0, train), te = rows(xs.values(), ys.values(), order, train, n);
        return new Dataset(spec.name(), tr[0], tr[1], te[0], te[1]);
    }

    /** Rows order[from … to) of x and y, as f32. */
    private static Tensor[] rows(double[] x, double[] y, int[] order, int from, int to) {
        float[] xs = new float[(to - from) * FEATURES];
        float[] ys = new float[to - from];
        for (int r = from; r < to; r++) {
            int src = order[r];
            for (int j = 0; j < FEATURES; j++) xs[(r - from) * FEATURES + j] = (float) x[src * FEATURES + j];
            ys[r - from] = (float) y[src];
        }
        return new Tensor[] {Tensor.wrap(DType.F32, new int[] {to - from, FEATURES}, xs), Tensor.wrap(DType.F32, new int[] {to - from}, ys)};
    }

    /** One array of an npz, as doubles in C order: little- or big-endian f8, f4, i8 or i4, C or Fortran order, rank at most 2. */
    record Npy(int[] shape, double[] values) {
        private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([fi])(\\d)'");
        private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
        private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

        static Npy read(ZipFile zip, String name) throws IOException {
            ZipEntry e = zip.getEntry(name + ".npy");
            if (e == null) throw new IOException("it has no array '" + name + "'");
            byte[] b;
            try (InputStream in = zip.getInputStream(e)) {
                b = in.readAllBytes();
            }
            String what = "array '" + name + "'";
            if (b.length < 10 || (b[0] & 0xFF) != 0x93 || !new String(b, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY"))
                throw new IOException(what + " is not in the .npy format");
            int major = b[6];
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            int headerLen = major == 1 ? Short.toUnsignedInt(bb.getShort(8)) : bb.getInt(8);
            int start = (major == 1 ? 10 : 12) + headerLen;
            if (start > b.length) throw new IOException(what + " is truncated");
            String header = new String(b, major == 1 ? 10 : 12, headerLen, StandardCharsets.ISO_8859_1);
            Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
            if (!d.find() || !f.find() || !s.find()) throw new IOException(what + ": unsupported header " + header.trim());
            int width = Integer.parseInt(d.group(3));
            boolean floating = d.group(2).equals("f");
            if (width != 4 && width != 8) throw new IOException(what + ": unsupported dtype " + d.group());
            String[] dims = s.group(1).split(",");
            int[] shape = Arrays.stream(dims).map(String::trim).filter(t -> !t.isEmpty()).mapToInt(Integer::parseInt).toArray();
            if (shape.length > 2) throw new IOException(what + " has rank " + shape.length + ", expected at most 2");
            long count = 1;
            for (int dim : shape) count *= dim;
            if (b.length - start != count * width)
                throw new IOException(what + " holds " + (b.length - start) + " data bytes, expected " + count * width + " for shape " + Arrays.toString(shape));
            bb.order(d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            double[] v = new double[(int) count];
            boolean fortran = f.group(1).equals("True") && shape.length == 2;
            for (int k = 0; k < count; k++) {
                int at = start + k * width;
                double value = floating ? (width == 8 ? bb.getDouble(at) : bb.getFloat(at)) : (width == 8 ? bb.getLong(at) : bb.getInt(at));
                // Fortran order stores column by column: element k is (k % rows, k / rows)
                int dst = fortran ? (k % shape[0]) * shape[1] + k / shape[0] : k;
                v[dst] = value;
            }
            return new Npy(shape, v);
        }
    }
}
