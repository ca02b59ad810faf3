package dlm.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {

    @TempDir
    Path dir;

    /** An IDX file: magic 00 00 type rank, big-endian dims, then the payload as given. */
    static byte[] idx(int type, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        b.put(payload);
        return b.array();
    }

    static byte[] gzip(byte[] data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(data);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7);
        return b;
    }

    private DatasetException fails(Path file) {
        return assertThrows(DatasetException.class, () -> IdxReader.read(file, "image data"));
    }

    // ---- reading ----------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsU8ImagesAsBytesWithoutConversion(boolean gzipped) throws IOException {
        byte[] payload = ramp(2 * 3 * 4);
        byte[] file = idx(0x08, new int[] {2, 3, 4}, payload);
        Tensor t = IdxReader.read(write(gzipped ? "img.gz" : "img", gzipped ? gzip(file) : file));
        assertEquals(DType.U8, t.dtype());
        assertArrayEquals(new int[] {2, 3, 4}, t.shape());
        assertArrayEquals(payload, t.byteStorage());
        assertEquals(161, t.get(1, 2, 3));   // row-major: flat index 23, byte 23 * 7
        assertEquals(140, t.get(1, 2, 0));   // flat index 20: byte 0x8c reads unsigned
    }

    @Test
    void readsLabelsOfRankOne() throws IOException {
        Tensor t = IdxReader.read(write("labels.gz", gzip(idx(0x08, new int[] {5}, new byte[] {5, 0, 4, 1, 9}))));
        assertArrayEquals(new int[] {5}, t.shape());
        assertArrayEquals(new double[] {5, 0, 4, 1, 9}, t.toDoubles());
    }

    @Test
    void widensI16ToI32() throws IOException {
        ByteBuffer p = ByteBuffer.allocate(6).putShort((short) -2).putShort((short) 300).putShort(Short.MAX_VALUE);
        Tensor t = IdxReader.read(write("a", idx(0x0B, new int[] {3}, p.array())));
        assertEquals(DType.I32, t.dtype());
        assertArrayEquals(new int[] {-2, 300, 32767}, t.i32Storage());
    }

    @Test
    void readsBigEndianI32F32F64() throws IOException {
        ByteBuffer i = ByteBuffer.allocate(8).putInt(-7).putInt(1 << 20);
        assertArrayEquals(new int[] {-7, 1 << 20}, IdxReader.read(write("i", idx(0x0C, new int[] {2}, i.array()))).i32Storage());

        ByteBuffer f = ByteBuffer.allocate(16).putFloat(1.5f).putFloat(-0.25f).putFloat(Float.NaN).putFloat(3e38f);
        Tensor tf = IdxReader.read(write("f", idx(0x0D, new int[] {2, 2}, f.array())));
        assertEquals(DType.F32, tf.dtype());
        assertArrayEquals(new int[] {2, 2}, tf.shape());
        assertArrayEquals(new float[] {1.5f, -0.25f, Float.NaN, 3e38f}, tf.f32Storage());

        ByteBuffer d = ByteBuffer.allocate(8).putDouble(Math.PI);
        Tensor td = IdxReader.read(write("d", idx(0x0E, new int[] {1, 1}, d.array())));
        assertEquals(DType.F64, td.dtype());
        assertArrayEquals(new double[] {Math.PI}, td.f64Storage());
    }

    @Test
    void readsEmptyTensors() throws IOException {
        Tensor t = IdxReader.read(write("e", idx(0x08, new int[] {0, 28, 28}, new byte[0])));
        assertArrayEquals(new int[] {0, 28, 28}, t.shape());
        assertEquals(0, t.size());
    }

    @Test
    void readsFromAStream() {
        byte[] file = gzip(idx(0x08, new int[] {2, 2}, new byte[] {1, 2, 3, 4}));
        Tensor t = IdxReader.read(new ByteArrayInputStream(file), "mem", "data");
        assertEquals(Tensor.wrap(DType.U8, new int[] {2, 2}, new byte[] {1, 2, 3, 4}), t);
    }

    // ---- errors -----------------------------------------------------------------------------

    @Test
    void rejectsABadMagicNumber() throws IOException {
        Path f = write("x.idx", new byte[] {1, 2, 8, 1, 0, 0, 0, 0});
        assertEquals("x.idx: not an IDX file (magic 0x01020801)", fails(f).getMessage());
    }

    @Test
    void aDoublyGzippedFileIsNotAnIdxFile() throws IOException {
        // Decompressing once yields another gzip stream: its magic is what the message shows.
        Path f = write("train-images-idx3-ubyte.gz", gzip(gzip(idx(0x08, new int[] {1}, new byte[] {3}))));
        assertEquals("train-images-idx3-ubyte.gz: not an IDX file (magic 0x1f8b0800)", fails(f).getMessage());
    }

    @Test
    void rejectsEmptyAndTinyFiles() throws IOException {
        assertEquals("e: not an IDX file (empty)", fails(write("e", new byte[0])).getMessage());
        assertEquals("t: not an IDX file (only 3 bytes)", fails(write("t", new byte[] {0, 0, 8})).getMessage());
    }

    @Test
    void rejectsAnUnknownElementType() throws IOException {
        Path f = write("x", idx(0x0A, new int[] {1}, new byte[] {1}));
        assertEquals("x: unknown IDX element type 0x0a (expected 0x08 u8, 0x0b i16, 0x0c i32, 0x0d f32 or 0x0e f64)",
                fails(f).getMessage());
    }

    @Test
    void rejectsSignedBytesForWhichDlmHasNoDtype() throws IOException {
        Path f = write("x", idx(0x09, new int[] {1}, new byte[] {1}));
        assertEquals("x: unsupported IDX element type 0x09 (signed byte): DLM has no such dtype"
                + " (supported: 0x08 u8, 0x0b i16, 0x0c i32, 0x0d f32 or 0x0e f64)", fails(f).getMessage());
    }

    @Test
    void rejectsATruncatedHeader() throws IOException {
        Path f = write("x", new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0});
        assertEquals("x: truncated header: expected 12 bytes for 3 dimension sizes, found 6", fails(f).getMessage());
    }

    @Test
    void rejectsAnAbsurdShape() throws IOException {
        Path f = write("x", idx(0x08, new int[] {-1, 2}, new byte[0]));
        assertEquals("x: dimension 0 has size 4294967295, too large", fails(f).getMessage());
        Path g = write("g", idx(0x0E, new int[] {65536, 65536}, new byte[0]));
        assertEquals("g: shape [65536, 65536] of f64 is too large to load", fails(g).getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rejectsATruncatedPayload(boolean gzipped) throws IOException {
        byte[] file = idx(0x08, new int[] {60000, 28, 28}, ramp(1000));
        Path f = write("train-images-idx3-ubyte.gz", gzipped ? gzip(file) : file);
        assertEquals("train-images-idx3-ubyte.gz: truncated: expected 47040000 bytes of image data, found 1000", fails(f).getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rejectsTrailingBytes(boolean gzipped) throws IOException {
        byte[] file = idx(0x08, new int[] {2, 2}, ramp(9));
        Path f = write("labels", gzipped ? gzip(file) : file);
        DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(f, "label data"));
        assertEquals("labels: unexpected trailing bytes: expected 4 bytes of label data, found 9", e.getMessage());
    }

    @Test
    void rejectsATruncatedGzipStream() throws IOException {
        byte[] gz = gzip(idx(0x08, new int[] {100, 10}, ramp(1000)));
        Path f = write("t10k-images-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length / 2));
        assertEquals("t10k-images-idx3-ubyte.gz: corrupt gzip stream: the file ends inside the compressed data (truncated?)",
                fails(f).getMessage());
    }

    @Test
    void rejectsAGzipStreamWithABadChecksum() throws IOException {
        byte[] gz = gzip(idx(0x08, new int[] {4}, new byte[] {1, 2, 3, 4}));
        gz[gz.length - 8] ^= 1;   // the CRC-32 in the trailer
        assertEquals("x.gz: corrupt gzip stream: Corrupt GZIP trailer", fails(write("x.gz", gz)).getMessage());
    }

    @Test
    void namesAMissingFile() {
        Path f = dir.resolve("nope.gz");
        assertEquals(f + ": no such file", fails(f).getMessage());
    }

    @Test
    void theDefaultContentsWordIsData() throws IOException {
        Path f = write("x", idx(0x08, new int[] {3}, new byte[] {1}));
        DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(f));
        assertEquals("x: truncated: expected 3 bytes of data, found 1", e.getMessage());
        assertSame(DatasetException.class, e.getClass());
    }
}
