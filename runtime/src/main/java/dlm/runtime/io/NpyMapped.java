package dlm.runtime.io;

import dlm.runtime.DType;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@code .npy} array read through a memory map ({@link FileChannel#map}) instead of into the
 * heap: its header is parsed as {@link Npy#read} parses it (every variant it accepts), its
 * elements are read on demand, in C order whatever the file's order, as doubles or longs. An
 * array larger than the heap can so be converted element by element to a smaller dtype or cut
 * without ever being whole in memory. Close it to unmap the file.
 */
public final class NpyMapped implements AutoCloseable {
    private final DType dtype;
    private final int[] shape;
    private final long size;
    private final boolean fortran;
    private final Arena arena;
    private final MemorySegment data;
    private final ValueLayout.OfShort f16;
    private final ValueLayout.OfInt i32;
    private final ValueLayout.OfLong i64;
    private final ValueLayout.OfFloat f32;
    private final ValueLayout.OfDouble f64;

    private NpyMapped(Npy.Header h, Arena arena, MemorySegment data) {
        this.dtype = h.dtype();
        this.shape = h.shape();
        long n = 1;
        for (int s : shape) n *= s;
        this.size = n;
        this.fortran = h.fortranOrder() && shape.length > 1;
        this.arena = arena;
        this.data = data;
        ByteOrder o = h.order();
        f16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(o);
        i32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(o);
        i64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(o);
        f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(o);
        f64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(o);
    }

    /**
     * Maps the array at path; {@code name} is how messages name it. Errors are those of
     * {@link Npy#read} ({@link NpyFormatException} for a bad header, a text array or truncated data).
     */
    public static NpyMapped open(Path path, String name) throws IOException { return open(path, 0, -1, name); }

    /**
     * Maps a member of an {@code .npz} stored without compression, in place: its CRC-32 is
     * checked by reading it once through the map (nothing of it is kept in the heap), then its
     * array is mapped as {@link #open(Path, String)} maps an {@code .npy} file.
     */
    public static NpyMapped openMember(Path path, NpzMembers.Member m, String name) throws IOException {
        if (!m.stored()) throw new IllegalArgumentException(name + " is compressed: it cannot be mapped");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ); Arena a = Arena.ofConfined()) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, m.dataStart(), m.compressedSize(), a);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            for (long at = 0; at < all.byteSize(); at += 1 << 24) crc.update(all.asSlice(at, Math.min(1 << 24, all.byteSize() - at)).asByteBuffer());
            if (crc.getValue() != m.crc()) throw new NpyFormatException(name + ": corrupt data: CRC-32 mismatch");
        }
        return open(path, m.dataStart(), m.compressedSize(), name);
    }

    /** The array whose .npy bytes start at {@code start} of the file and run {@code length} bytes (-1: to the end). */
    private static NpyMapped open(Path path, long start, long length, String name) throws IOException {
        Npy.Header h;
        long offset;
        try (Counting in = new Counting(new BufferedInputStream(Files.newInputStream(path)))) {
            in.in.skipNBytes(start);
            h = Npy.readHeader(in, name);
            offset = start + in.count;
        }
        if (h.textChars() > 0) throw new NpyFormatException(name + ": holds text (a NumPy unicode array), not a tensor");
        long n = 1;
        for (int s : h.shape()) n *= s;
        long bytes = n * h.dtype().bytes();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long have = (length < 0 ? ch.size() : start + length) - offset;
            if (have < bytes) throw new NpyFormatException(name + ": truncated data: expected " + bytes + " bytes, got " + have);
            Arena arena = Arena.ofShared();
            try {
                return new NpyMapped(h, arena, ch.map(FileChannel.MapMode.READ_ONLY, offset, bytes, arena));
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    public DType dtype() { return dtype; }

    public int[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    public int dim(int axis) { return shape[axis]; }

    /** The number of elements. */
    public long size() { return size; }

    /** Element i in C (row-major) order, as a double (exact for every dtype but i64 beyond 2^53). */
    public double getDouble(long i) {
        long at = offset(i);
        return switch (dtype) {
            case BOOL -> data.get(ValueLayout.JAVA_BYTE, at) != 0 ? 1 : 0;
            case U8 -> Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, at));
            case I32 -> data.get(i32, at * 4);
            case I64 -> data.get(i64, at * 8);
            case F16 -> Float.float16ToFloat(data.get(f16, at * 2));
            case F32 -> data.get(f32, at * 4);
            case F64 -> data.get(f64, at * 8);
        };
    }

    /** Element i in C order as a long: exact for the integer dtypes, truncated toward zero for floats. */
    public long getLong(long i) {
        long at = offset(i);
        return switch (dtype) {
            case I32 -> data.get(i32, at * 4);
            case I64 -> data.get(i64, at * 8);
            case BOOL, U8, F16, F32, F64 -> (long) getDouble(i);
        };
    }

    /** The element index in the file of C-order index i (a Fortran-order file stores axis 0 fastest). */
    private long offset(long i) {
        if (!fortran) return i;
        long at = 0, stride = 1;
        long[] idx = new long[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) {
            idx[a] = i % shape[a];
            i /= shape[a];
        }
        for (int a = 0; a < shape.length; a++) {
            at += idx[a] * stride;
            stride *= shape[a];
        }
        return at;
    }

    @Override
    public void close() { arena.close(); }

    /** Counts the bytes read, to find where the header ends (InputStream's readNBytes reads through read(b, off, len)). */
    private static final class Counting extends InputStream {
        private final InputStream in;
        long count;

        Counting(InputStream in) { this.in = in; }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }

        @Override
        public void close() throws IOException { in.close(); }
    }
}
