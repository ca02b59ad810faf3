package dlm.runtime.data;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the format of MNIST and Fashion-MNIST), gzip-compressed or raw, into a
 * {@link Tensor}.
 *
 * <p>An IDX file is a 4-byte magic number {@code 00 00 TYPE RANK}, then RANK big-endian 32-bit
 * dimension sizes, then exactly the product of the sizes elements, big-endian, row-major.
 * Element types map to DLM dtypes without loss: {@code 0x08} unsigned byte → {@code u8} (kept as
 * bytes, no conversion), {@code 0x0B} i16 → {@code i32} (DLM has no i16, so it is widened),
 * {@code 0x0C} i32 → {@code i32}, {@code 0x0D} f32 → {@code f32}, {@code 0x0E} f64 →
 * {@code f64}. {@code 0x09} (signed byte) is rejected: DLM has no i8.
 *
 * <p>Compression is detected from the content (gzip magic {@code 1f 8b}), not the file name,
 * so a decompressed file keeps working under either name. The payload must be exactly as long
 * as the header says: a truncated file and trailing bytes are both errors, because either one
 * means the file is not the one its header describes.
 *
 * <p>Every failure is a {@link DatasetException} whose message starts with the file name.
 */
public final class IdxReader {
    private IdxReader() {}

    /** Large enough that inflating MNIST's 47 MB of images is not dominated by per-call overhead. */
    private static final int BUFFER = 1 << 16;

    /** The largest Java array we try to allocate (some VMs reserve a few header words). */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** The IDX element types: code, description for messages, element width, DLM dtype (null: unsupported). */
    private enum ElementType {
        U8(0x08, "unsigned byte", 1, DType.U8),
        I8(0x09, "signed byte", 1, null),
        I16(0x0B, "i16", 2, DType.I32),
        I32(0x0C, "i32", 4, DType.I32),
        F32(0x0D, "f32", 4, DType.F32),
        F64(0x0E, "f64", 8, DType.F64);

        final int code;
        final String description;
        final int bytes;
        final DType dtype;

        ElementType(int code, String description, int bytes, DType dtype) {
            this.code = code;
            this.description = description;
            this.bytes = bytes;
            this.dtype = dtype;
        }

        static ElementType of(int code) {
            for (ElementType t : values()) if (t.code == code) return t;
            return null;
        }
    }

    private static final String SUPPORTED = "0x08 u8, 0x0b i16, 0x0c i32, 0x0d f32 or 0x0e f64";

    /** Reads an IDX file (raw or gzipped); messages describe the payload as "data". */
    public static Tensor read(Path file) {
        return read(file, "data");
    }

    /**
     * Reads an IDX file (raw or gzipped).
     *
     * @param contents what the payload holds, for messages ("image data" gives
     *     {@code truncated: expected 47040000 bytes of image data, found 1000})
     */
    public static Tensor read(Path file, String contents) {
        String name = String.valueOf(file.getFileName());
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, name, contents);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": no such file");
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads one IDX file from a stream (raw or gzipped) to its end. The stream is not closed.
     *
     * @param name the file name that messages start with
     * @param contents what the payload holds, for messages, e.g. {@code "label data"}
     */
    public static Tensor read(InputStream in, String name, String contents) {
        BufferedInputStream buffered = new BufferedInputStream(in, BUFFER);
        boolean gzip;
        try {
            buffered.mark(2);
            gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
            buffered.reset();
        } catch (IOException e) {
            throw new DatasetException(name + ": cannot read: " + e.getMessage(), e);
        }
        try {
            // GZIPInputStream keeps its own input buffer, so it may read the buffered stream directly.
            InputStream data = gzip ? new GZIPInputStream(buffered, BUFFER) : buffered;
            return readIdx(data, name, contents);
        } catch (EOFException e) {
            // Only inflation throws EOFException here: readIdx reports short reads itself.
            throw new DatasetException(name + ": corrupt gzip stream: the file ends inside the compressed data (truncated?)", e);
        } catch (ZipException e) {
            throw new DatasetException(name + ": corrupt gzip stream: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DatasetException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static Tensor readIdx(InputStream in, String name, String contents) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4)
            throw new DatasetException(name + ": not an IDX file (" + (magic.length == 0 ? "empty" : "only " + magic.length + " bytes") + ")");
        if (magic[0] != 0 || magic[1] != 0)
            throw new DatasetException(name + ": not an IDX file (magic 0x" + hex(magic) + ")");
        int code = magic[2] & 0xFF;
        int rank = magic[3] & 0xFF;
        ElementType type = ElementType.of(code);
        if (type == null)
            throw new DatasetException(name + ": unknown IDX element type 0x%02x (expected %s)".formatted(code, SUPPORTED));
        if (type.dtype == null)
            throw new DatasetException(name + ": unsupported IDX element type 0x%02x (%s): DLM has no such dtype (supported: %s)"
                    .formatted(code, type.description, SUPPORTED));

        byte[] header = in.readNBytes(4 * rank);
        if (header.length < 4 * rank)
            throw new DatasetException(name + ": truncated header: expected %d bytes for %d dimension sizes, found %d"
                    .formatted(4 * rank, rank, header.length));
        ByteBuffer hb = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN);
        int[] shape = new int[rank];
        for (int a = 0; a < rank; a++) {
            long d = Integer.toUnsignedLong(hb.getInt());
            if (d > Integer.MAX_VALUE)
                throw new DatasetException(name + ": dimension %d has size %d, too large".formatted(a, d));
            shape[a] = (int) d;
        }
        long count = 1;
        for (int d : shape) count = Math.min(count * d, MAX_ARRAY + 1);   // saturate: no overflow
        if (count * type.bytes > MAX_ARRAY)
            throw new DatasetException(name + ": shape " + Arrays.toString(shape) + " of " + type.description + " is too large to load");

        int bytes = (int) (count * type.bytes);
        byte[] payload = new byte[bytes];
        int found = in.readNBytes(payload, 0, bytes);
        if (found < bytes)
            throw new DatasetException(name + ": truncated: expected %d bytes of %s, found %d".formatted(bytes, contents, found));
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (extra > 0)
            throw new DatasetException(name + ": unexpected trailing bytes: expected %d bytes of %s, found %d"
                    .formatted(bytes, contents, bytes + extra));
        return Tensor.wrap(type.dtype, shape, convert(type, payload, (int) count));
    }

    /** The payload in the dtype's storage array; u8 is used as is, wider types are big-endian. */
    private static Object convert(ElementType type, byte[] payload, int count) {
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.BIG_ENDIAN);
        return switch (type) {
            case U8 -> payload;
            case I16 -> {
                int[] out = new int[count];
                var s = b.asShortBuffer();
                for (int i = 0; i < count; i++) out[i] = s.get(i);
                yield out;
            }
            case I32 -> {
                int[] out = new int[count];
                b.asIntBuffer().get(out);
                yield out;
            }
            case F32 -> {
                float[] out = new float[count];
                b.asFloatBuffer().get(out);
                yield out;
            }
            case F64 -> {
                double[] out = new double[count];
                b.asDoubleBuffer().get(out);
                yield out;
            }
            case I8 -> throw new AssertionError("rejected above");
        };
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte x : bytes) sb.append("%02x".formatted(x & 0xFF));
        return sb.toString();
    }
}
