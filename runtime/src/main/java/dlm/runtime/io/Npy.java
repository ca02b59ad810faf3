package dlm.runtime.io;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * NumPy's {@code .npy} format (numpy/lib/format.py), byte for byte as {@code numpy.save} writes it.
 *
 * <p>A file is the magic {@code \x93NUMPY}, a version (1.0, or 2.0 when the header is longer
 * than a 16-bit length can say), the header length, and a header that is the repr of a Python
 * dict such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (784, 256), }} padded
 * with spaces and a final {@code \n} so the data starts at a multiple of {@value #ALIGNMENT}
 * bytes. The data follows in C order.
 *
 * <p>Tensors are written little-endian with the descrs {@code |b1 |u1 <i4 <i8 <f2 <f4 <f8}.
 * Reading accepts every variant NumPy produces for these types: versions 1.0, 2.0 and 3.0,
 * the byte orders {@code < > | =} (big-endian data is converted), and {@code fortran_order: True}
 * (the data is transposed into C order). Besides tensors, a single text value can be stored as a
 * NumPy unicode scalar ({@code <U n}, UTF-32): {@code numpy.load} reads it without
 * {@code allow_pickle}, which is why checkpoints keep their metadata that way.
 */
public final class Npy {
    /** The data offset of every file is a multiple of this, as in NumPy ≥ 1.23 ({@code ARRAY_ALIGN}). */
    public static final int ALIGNMENT = 64;

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /**
     * NumPy leaves room after the dict for the first dimension to grow to 21 digits
     * ({@code GROWTH_AXIS_MAX_DIGITS}), so an appending writer can rewrite the header in place.
     * Reproduced because it decides the header length and so the exact bytes.
     */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;

    /** Bytes per I/O chunk: large enough to amortize the copy, small enough to stay in cache. */
    private static final int CHUNK = 1 << 16;

    /** A larger header is surely corrupt; NumPy's own limit is 10,000 characters. */
    private static final int MAX_HEADER = 1 << 24;

    private Npy() {}

    // ---- writing -----------------------------------------------------------------------------

    /** Writes a tensor as a complete {@code .npy} file (not closing the stream). */
    public static void write(Tensor t, OutputStream out) throws IOException {
        out.write(header(descr(t.dtype()), t.shape()));
        writeData(t, out);
    }

    /**
     * Writes a text value as a rank-0 NumPy unicode array ({@code <U n}, n code points in UTF-32LE),
     * what {@code numpy.save(f, numpy.array(text))} writes. NumPy has no zero-length unicode type,
     * so the empty string is stored as {@code <U1} holding one NUL, which NumPy also reads as {@code ''}.
     */
    public static void writeString(String text, OutputStream out) throws IOException {
        int[] cps = text.codePoints().toArray();
        int n = Math.max(1, cps.length);
        out.write(header("<U" + n, new int[0]));
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int cp : cps) b.putInt(cp);
        out.write(b.array());
    }

    /** The descr of a dtype as NumPy writes it on a little-endian machine, e.g. {@code <f4}. */
    public static String descr(DType t) {
        return switch (t) {
            case BOOL -> "|b1";
            case U8 -> "|u1";
            case I32 -> "<i4";
            case I64 -> "<i8";
            case F16 -> "<f2";
            case F32 -> "<f4";
            case F64 -> "<f8";
        };
    }

    /**
     * The complete header (magic, version, length, padded dict) for C-order data, as NumPy's
     * {@code _write_array_header} makes it: version 1.0 unless the header length does not fit
     * in 16 bits, then 2.0 (3.0 is only for non-Latin-1 headers, which these never are).
     */
    static byte[] header(String descr, int[] shape) {
        StringBuilder dict = new StringBuilder()
                .append("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': ")
                .append(shapeRepr(shape)).append(", }");
        if (shape.length > 0) dict.repeat(' ', GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length());
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int hlen = text.length + 1; // + the final '\n'
        for (int major = 1; major <= 2; major++) {
            int lengthBytes = major == 1 ? 2 : 4;
            int prefix = MAGIC.length + 2 + lengthBytes;
            int pad = ALIGNMENT - (prefix + hlen) % ALIGNMENT; // NumPy pads a full 64 when already aligned
            long total = (long) hlen + pad;
            if (major == 1 && total > 0xFFFF) continue;
            ByteBuffer b = ByteBuffer.allocate(prefix + (int) total).order(ByteOrder.LITTLE_ENDIAN);
            b.put(MAGIC).put((byte) major).put((byte) 0);
            if (major == 1) b.putShort((short) total);
            else b.putInt((int) total);
            b.put(text);
            for (int i = 0; i < pad; i++) b.put((byte) ' ');
            b.put((byte) '\n');
            return b.array();
        }
        throw new IllegalArgumentException("header of " + hlen + " bytes is too long"); // unreachable for int shapes
    }

    /** Python's repr of a shape tuple: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    static String shapeRepr(int[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) b.append(i > 0 ? ", " : "").append(shape[i]);
        return b.append(')').toString();
    }

    private static void writeData(Tensor t, OutputStream out) throws IOException {
        int n = t.size();
        Object s = t.storage();
        if (t.dtype() == DType.U8) {
            out.write((byte[]) s, 0, n);
            return;
        }
        int item = t.dtype().bytes();
        int per = CHUNK / item;
        ByteBuffer buf = ByteBuffer.allocate(Math.min(CHUNK, Math.max(item, n * item))).order(ByteOrder.LITTLE_ENDIAN);
        byte[] raw = buf.array();
        for (int off = 0; off < n; off += per) {
            int k = Math.min(per, n - off);
            buf.clear();
            switch (t.dtype()) {
                // Storage should hold 0/1, but Tensor.wrap can smuggle in other bytes; NumPy
                // would keep them and print True, so normalize to the canonical byte here.
                case BOOL -> { byte[] a = (byte[]) s; for (int i = 0; i < k; i++) raw[i] = (byte) (a[off + i] != 0 ? 1 : 0); }
                case I32 -> buf.asIntBuffer().put((int[]) s, off, k);
                case I64 -> buf.asLongBuffer().put((long[]) s, off, k);
                case F16 -> buf.asShortBuffer().put((short[]) s, off, k);
                case F32 -> buf.asFloatBuffer().put((float[]) s, off, k);
                case F64 -> buf.asDoubleBuffer().put((double[]) s, off, k);
                case U8 -> throw new AssertionError();
            }
            out.write(raw, 0, k * item);
        }
    }

    // ---- reading -----------------------------------------------------------------------------

    /**
     * Reads one {@code .npy} array as a tensor, consuming exactly the header and the data (so
     * several arrays can follow each other in one stream). {@code name} starts every error
     * message, e.g. {@code weights.npy: truncated data: expected 4096 bytes, got 100}.
     */
    public static Tensor read(InputStream in, String name) throws IOException {
        Object v = readValue(in, name);
        if (v instanceof String)
            throw new NpyFormatException(name + ": holds text (a NumPy unicode array), not a tensor");
        return (Tensor) v;
    }

    /**
     * Reads one {@code .npy} array: a {@link Tensor}, or a {@link String} for a one-element
     * NumPy unicode array ({@code <U n}, as {@link #writeString} writes; trailing NULs dropped,
     * as NumPy does).
     */
    public static Object readValue(InputStream in, String name) throws IOException {
        Header h = readHeader(in, name);
        if (h.textChars > 0) return readText(in, name, h);
        if (!h.fortranOrder || h.shape.length < 2) return readData(in, name, h.dtype, h.shape, h.order);
        // Column-major data of shape s is row-major data of reversed(s): read it so, then
        // transpose back, rather than refusing arrays that NumPy users easily make (e.g. a.T).
        int[] rev = new int[h.shape.length];
        for (int i = 0; i < rev.length; i++) rev[i] = h.shape[rev.length - 1 - i];
        return reverseAxes(readData(in, name, h.dtype, rev, h.order), h.shape);
    }

    /** What a header says. {@code dtype} is null and {@code textChars > 0} for a unicode array. */
    record Header(DType dtype, int textChars, ByteOrder order, boolean fortranOrder, int[] shape) {}

    static Header readHeader(InputStream in, String name) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            if (magic.length == 0) throw new NpyFormatException(name + ": empty file, not a .npy array");
            if (Arrays.equals(magic, 0, magic.length, MAGIC, 0, magic.length))
                throw truncated(name, "magic", MAGIC.length, magic.length);
            String hint = magic.length >= 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4
                    ? " (it is a zip archive: an .npz, not an .npy)" : "";
            throw new NpyFormatException(name + ": bad magic: not a NumPy .npy file" + hint);
        }
        byte[] version = readFully(in, 2, name, "version");
        int major = version[0], minor = version[1];
        if ((major != 1 && major != 2 && major != 3) || minor != 0)
            throw new NpyFormatException(name + ": unsupported .npy format version " + (major & 0xFF) + "." + (minor & 0xFF)
                    + " (this reader knows 1.0, 2.0 and 3.0)");
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer lb = ByteBuffer.wrap(readFully(in, lengthBytes, name, "header length")).order(ByteOrder.LITTLE_ENDIAN);
        long hlen = major == 1 ? Short.toUnsignedInt(lb.getShort()) : Integer.toUnsignedLong(lb.getInt());
        if (hlen > MAX_HEADER) throw new NpyFormatException(name + ": header length " + hlen + " is implausibly large");
        byte[] raw = readFully(in, (int) hlen, name, "header");
        String text = new String(raw, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parseHeader(text, name);
    }

    private static Header parseHeader(String text, String name) throws NpyFormatException {
        Object parsed;
        try {
            parsed = PyLiteral.parse(text);
        } catch (IllegalArgumentException e) {
            throw new NpyFormatException(name + ": cannot parse header " + quote(text) + ": " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> d))
            throw new NpyFormatException(name + ": header is not a dictionary: " + quote(text));
        if (!d.keySet().equals(Set.of("descr", "fortran_order", "shape")))
            throw new NpyFormatException(name + ": header does not have exactly the keys descr, fortran_order and shape: " + quote(text));
        if (!(d.get("fortran_order") instanceof Boolean fortran))
            throw new NpyFormatException(name + ": fortran_order is not a bool: " + quote(text));
        if (!(d.get("shape") instanceof PyLiteral.Tuple(List<Object> dims)))
            throw new NpyFormatException(name + ": shape is not a tuple of integers: " + quote(text));
        int[] shape = new int[dims.size()];
        long size = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long dim) || dim < 0)
                throw new NpyFormatException(name + ": shape is not a tuple of non-negative integers: " + quote(text));
            if (dim > Integer.MAX_VALUE || (size *= dim) > Integer.MAX_VALUE)
                throw new NpyFormatException(name + ": shape " + dims.toString().replace('[', '(').replace(']', ')')
                        + " has more than " + Integer.MAX_VALUE + " elements, the most a DLM tensor can hold");
            shape[i] = (int) (long) dim;
        }
        Object descr = d.get("descr");
        if (!(descr instanceof String ds))
            throw new NpyFormatException(name + ": structured (record) arrays are not supported: " + quote(text));
        return parseDescr(ds, fortran, shape, size, name);
    }

    private static Header parseDescr(String ds, boolean fortran, int[] shape, long size, String name) throws NpyFormatException {
        String body = ds;
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        if (!body.isEmpty() && "<>|=".indexOf(body.charAt(0)) >= 0) {
            char o = body.charAt(0);
            body = body.substring(1);
            // '|' means "not applicable" (one-byte types); '=' means the writer's native order,
            // which NumPy resolves to the reader's native order, and so do we.
            if (o == '>') order = ByteOrder.BIG_ENDIAN;
            else if (o == '=' || o == '|') order = ByteOrder.nativeOrder();
        }
        DType dtype = switch (body) {
            case "b1", "?" -> DType.BOOL;
            case "u1", "B" -> DType.U8;
            case "i4" -> DType.I32;
            case "i8" -> DType.I64;
            case "f2", "e" -> DType.F16;
            case "f4" -> DType.F32;
            case "f8" -> DType.F64;
            default -> null;
        };
        if (dtype != null) return new Header(dtype, 0, order, fortran, shape);
        if (body.matches("U[0-9]+")) {
            int chars = Integer.parseInt(body.substring(1));
            if (size != 1 || chars == 0)
                throw new NpyFormatException(name + ": unicode array " + ds + " of shape " + shapeRepr(shape)
                        + " is not supported (only a single text value is)");
            return new Header(null, chars, order, fortran, shape);
        }
        throw new NpyFormatException(name + ": unsupported dtype '" + ds
                + "' (DLM reads bool |b1, uint8 |u1, int32 <i4, int64 <i8, float16 <f2, float32 <f4, float64 <f8)");
    }

    private static Tensor readData(InputStream in, String name, DType dt, int[] shape, ByteOrder order) throws IOException {
        Tensor t = Tensor.zeros(dt, shape);
        int n = t.size();
        int item = dt.bytes();
        long expected = (long) n * item;
        Object s = t.storage();
        byte[] raw = new byte[(int) Math.min(CHUNK, expected)];
        long done = 0;
        int elem = 0;
        while (done < expected) {
            int len = (int) Math.min(raw.length, expected - done);
            int got = in.readNBytes(raw, 0, len);
            if (got < len) throw truncated(name, "data", expected, done + got);
            ByteBuffer b = ByteBuffer.wrap(raw, 0, len).order(order);
            int k = len / item;
            switch (dt) {
                case BOOL -> { byte[] a = (byte[]) s; for (int i = 0; i < k; i++) a[elem + i] = (byte) (raw[i] != 0 ? 1 : 0); }
                case U8 -> System.arraycopy(raw, 0, s, elem, k);
                case I32 -> b.asIntBuffer().get((int[]) s, elem, k);
                case I64 -> b.asLongBuffer().get((long[]) s, elem, k);
                case F16 -> b.asShortBuffer().get((short[]) s, elem, k);
                case F32 -> b.asFloatBuffer().get((float[]) s, elem, k);
                case F64 -> b.asDoubleBuffer().get((double[]) s, elem, k);
            }
            done += len;
            elem += k;
        }
        return t;
    }

    private static String readText(InputStream in, String name, Header h) throws IOException {
        byte[] raw = readFully(in, 4 * h.textChars, name, "data");
        ByteBuffer b = ByteBuffer.wrap(raw).order(h.order);
        int[] cps = new int[h.textChars];
        int n = 0;
        for (int i = 0; i < h.textChars; i++) {
            int cp = b.getInt();
            if (cp < 0 || cp > Character.MAX_CODE_POINT || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE))
                throw new NpyFormatException(name + ": invalid code point 0x" + Integer.toHexString(cp) + " in unicode data");
            cps[i] = cp;
            if (cp != 0) n = i + 1; // NumPy strips trailing NULs, not inner ones
        }
        return new String(cps, 0, n);
    }

    private static byte[] readFully(InputStream in, int n, String name, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) throw truncated(name, what, n, b.length);
        return b;
    }

    private static NpyFormatException truncated(String name, String what, long expected, long got) {
        return new NpyFormatException(name + ": truncated " + what + ": expected " + expected + " bytes, got " + got);
    }

    private static String quote(String header) {
        String h = header.strip();
        return h.length() > 200 ? h.substring(0, 200) + "…" : h;
    }

    /**
     * Transposes a C-order tensor of shape reversed({@code shape}) into one of {@code shape}:
     * the reading of a Fortran-order array. Output element (i0, …, ik) is input (ik, …, i0).
     */
    static Tensor reverseAxes(Tensor src, int[] shape) {
        int rank = shape.length, n = src.size();
        int[] srcStrides = Tensor.strides(src.shape());
        int[] step = new int[rank];
        for (int a = 0; a < rank; a++) step[a] = srcStrides[rank - 1 - a];
        int[] from = new int[n];
        int[] idx = new int[rank];
        int off = 0;
        for (int i = 0; i < n; i++) {
            from[i] = off;
            for (int a = rank - 1; a >= 0; a--) { // odometer over the output's row-major order
                off += step[a];
                if (++idx[a] < shape[a]) break;
                off -= step[a] * shape[a];
                idx[a] = 0;
            }
        }
        Tensor dst = Tensor.zeros(src.dtype(), shape);
        Object s = src.storage(), d = dst.storage();
        switch (src.dtype()) {
            case BOOL, U8 -> { byte[] x = (byte[]) s, y = (byte[]) d; for (int i = 0; i < n; i++) y[i] = x[from[i]]; }
            case I32 -> { int[] x = (int[]) s, y = (int[]) d; for (int i = 0; i < n; i++) y[i] = x[from[i]]; }
            case I64 -> { long[] x = (long[]) s, y = (long[]) d; for (int i = 0; i < n; i++) y[i] = x[from[i]]; }
            case F16 -> { short[] x = (short[]) s, y = (short[]) d; for (int i = 0; i < n; i++) y[i] = x[from[i]]; }
            case F32 -> { float[] x = (float[]) s, y = (float[]) d; for (int i = 0; i < n; i++) y[i] = x[from[i]]; }
            case F64 -> { double[] x = (double[]) s, y = (double[]) d; for (int i = 0; i < n; i++) y[i] = x[from[i]]; }
        }
        return dst;
    }
}
