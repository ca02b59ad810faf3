package dlm.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The .npy reader and writer, against files written by NumPy 2.4 (resources made by
 * {@code src/test/resources/dlm/runtime/io/make_reference.py}).
 */
class NpyTest {

    static final int[][] SHAPES = {{}, {5}, {2, 3}, {2, 3, 4}, {2, 1, 3, 2}, {0}, {2, 0, 3}};

    /** The values make_reference.py stores: the same formula per dtype. */
    static Tensor values(DType dt, int... shape) {
        Tensor t = Tensor.zeros(dt, shape);
        for (int i = 0; i < t.size(); i++) {
            switch (dt) {
                case BOOL -> t.setLong(i, i % 3 == 0 ? 1 : 0);
                case U8 -> t.setLong(i, (i * 37L) % 256);
                case I32 -> t.setLong(i, i * 1000L - 7);
                case I64 -> t.setLong(i, i * 1_000_000_000_000L - 5);
                case F16 -> t.setDouble(i, (i - 2.5) / 4);
                case F32, F64 -> t.setDouble(i, (i - 2.5) / 3);
            }
        }
        return t;
    }

    static String shapeName(int[] shape) {
        if (shape.length == 0) return "scalar";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) b.append(i > 0 ? "x" : "").append(shape[i]);
        return b.toString();
    }

    static byte[] resource(String name) {
        try (InputStream in = NpyTest.class.getResourceAsStream("/dlm/runtime/io/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(Tensor t) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(t, out);
        return out.toByteArray();
    }

    static Tensor read(byte[] b) throws IOException {
        return Npy.read(new ByteArrayInputStream(b), "x.npy");
    }

    static Stream<Arguments> everyDtypeAndShape() {
        List<Arguments> args = new ArrayList<>();
        for (DType dt : DType.values()) for (int[] s : SHAPES) args.add(Arguments.of(dt, s));
        return args.stream();
    }

    // ---- byte-exact agreement with NumPy -----------------------------------------------------

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyDtypeAndShape")
    void writesTheBytesNumpyWritesAndReadsThem(DType dt, int[] shape) throws IOException {
        byte[] numpy = resource("npy/" + dt.dlmName() + "_" + shapeName(shape) + ".npy");
        Tensor expected = values(dt, shape);
        assertArrayEquals(numpy, bytes(expected));
        assertEquals(expected, read(numpy));
    }

    /** headers.txt: descr|shape|hex, NumPy's header for shapes whose padding falls everywhere. */
    @Test
    void headersMatchNumpyForManyShapes() {
        String[] lines = new String(resource("headers.txt"), StandardCharsets.US_ASCII).split("\n");
        assertTrue(lines.length > 100);
        for (String line : lines) {
            String[] f = line.split("\\|", -1);
            String descr = f[0].isEmpty() ? "|" + f[1] : f[0]; // "|b1" splits into "", "b1"
            String shapeField = f[0].isEmpty() ? f[2] : f[1];
            String hex = f[0].isEmpty() ? f[3] : f[2];
            int[] shape = shapeField.isEmpty() ? new int[0] : Arrays.stream(shapeField.split(",")).mapToInt(Integer::parseInt).toArray();
            assertEquals(hex, HexFormat.of().formatHex(Npy.header(descr, shape)), line);
            assertEquals(0, Npy.header(descr, shape).length % Npy.ALIGNMENT);
        }
    }

    @Test
    void smallHeaderSpelledOut() throws IOException {
        byte[] b = bytes(Tensor.of(DType.I32, new int[] {3}, 1, 2, 3));
        assertEquals(128 + 12, b.length);
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0}, Arrays.copyOf(b, 10));
        // 20 of the 60 spaces are NumPy's room for the first dimension to grow to 21 digits.
        assertEquals("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }" + " ".repeat(60) + "\n",
                new String(b, 10, 118, StandardCharsets.ISO_8859_1));
        assertArrayEquals(new byte[] {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0}, Arrays.copyOfRange(b, 128, 140));
    }

    // ---- round trips -------------------------------------------------------------------------

    @Test
    void roundTripsEveryDtypeAtRanksZeroToFour() throws IOException {
        SplittableRandom rnd = new SplittableRandom(7);
        int[][] shapes = {{}, {7}, {3, 5}, {2, 3, 4}, {2, 3, 1, 5}, {4, 0}, {1}};
        for (DType dt : DType.values()) {
            for (int[] shape : shapes) {
                Tensor t = Tensor.zeros(dt, shape);
                for (int i = 0; i < t.size(); i++) {
                    if (dt.isFloating()) t.setDouble(i, rnd.nextGaussian() * 100);
                    else t.setLong(i, rnd.nextLong());
                }
                byte[] b = bytes(t);
                assertEquals(0, (b.length - t.size() * dt.bytes()) % 64, "data offset is 64-aligned");
                assertEquals(t, read(b), dt + Arrays.toString(shape));
            }
        }
    }

    @Test
    void keepsSpecialFloatBitsAndExtremeIntegers() throws IOException {
        float[] f = {Float.NaN, Float.intBitsToFloat(0x7fc00123), -0.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.MIN_VALUE, Float.MAX_VALUE};
        Tensor tf = Tensor.wrap(DType.F32, new int[] {f.length}, f);
        Tensor back = read(bytes(tf));
        for (int i = 0; i < f.length; i++)
            assertEquals(Float.floatToRawIntBits(f[i]), Float.floatToRawIntBits(back.f32Storage()[i]));
        double[] d = {Double.NaN, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.NEGATIVE_INFINITY};
        assertEquals(Tensor.wrap(DType.F64, new int[] {5}, d), read(bytes(Tensor.wrap(DType.F64, new int[] {5}, d))));
        short[] h = {(short) 0x7e01, (short) 0x8000, 1, (short) 0xfbff};
        assertEquals(Tensor.wrap(DType.F16, new int[] {4}, h), read(bytes(Tensor.wrap(DType.F16, new int[] {4}, h))));
        long[] l = {Long.MIN_VALUE, Long.MAX_VALUE, -1};
        assertEquals(Tensor.wrap(DType.I64, new int[] {3}, l), read(bytes(Tensor.wrap(DType.I64, new int[] {3}, l))));
        byte[] u = {0, (byte) 255, (byte) 128};
        assertEquals(Tensor.wrap(DType.U8, new int[] {3}, u), read(bytes(Tensor.wrap(DType.U8, new int[] {3}, u))));
    }

    @Test
    void largeArraysCrossChunkBoundaries() throws IOException {
        Tensor t = Tensor.zeros(DType.F64, 3, 100_003);
        for (int i = 0; i < t.size(); i++) t.setDouble(i, i * 0.5 - 7);
        assertEquals(t, read(bytes(t)));
        Tensor u = Tensor.zeros(DType.BOOL, 70_001);
        for (int i = 0; i < u.size(); i++) u.setLong(i, i % 7 == 0 ? 1 : 0);
        assertEquals(u, read(bytes(u)));
    }

    @Test
    void boolBytesAreNormalizedToZeroAndOne() throws IOException {
        Tensor t = Tensor.wrap(DType.BOOL, new int[] {3}, new byte[] {0, 2, (byte) 0xff});
        byte[] b = bytes(t);
        assertArrayEquals(new byte[] {0, 1, 1}, Arrays.copyOfRange(b, 128, 131));
        byte[] raw = b.clone();
        raw[129] = 5; // as a foreign writer might store True
        assertArrayEquals(new byte[] {0, 1, 1}, read(raw).byteStorage());
    }

    @Test
    void versionTwoWhenTheHeaderOutgrowsSixteenBits() throws IOException {
        int[] shape = new int[30_000];
        Arrays.fill(shape, 1);
        Tensor t = Tensor.scalar(DType.F32, 2.5).reshape(shape);
        byte[] b = bytes(t);
        assertEquals(2, b[6]);
        assertEquals(0, (b.length - 4) % 64);
        assertEquals(t, read(b));
        assertEquals(1, bytes(Tensor.zeros(DType.F32, 2, 3))[6]);
    }

    @Test
    void consumesExactlyOneArrayFromAStream() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Tensor a = values(DType.I32, 2, 3), b = values(DType.F16, 4);
        Npy.write(a, out);
        Npy.writeString("between", out);
        Npy.write(b, out);
        InputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(a, Npy.read(in, "s"));
        assertEquals("between", Npy.readValue(in, "s"));
        assertEquals(b, Npy.read(in, "s"));
        assertEquals(-1, in.read());
    }

    // ---- what NumPy writes but we never do ---------------------------------------------------

    @Test
    void readsBigEndianData() throws IOException {
        assertEquals(values(DType.F32, 2, 3), read(resource("npy/big_endian_f32_2x3.npy")));
        assertEquals(values(DType.I64, 5), read(resource("npy/big_endian_i64_5.npy")));
    }

    @Test
    void readsFortranOrderByTransposing() throws IOException {
        assertEquals(values(DType.F64, 2, 3), read(resource("npy/fortran_f64_2x3.npy")));
        assertEquals(values(DType.I32, 2, 3, 4), read(resource("npy/fortran_i32_2x3x4.npy")));
    }

    @Test
    void readsFormatVersionsTwoAndThree() throws IOException {
        assertEquals(values(DType.F32, 2, 3), read(resource("npy/v2_f32_2x3.npy")));
        assertEquals(values(DType.F32, 2, 3), read(resource("npy/v3_f32_2x3.npy")));
    }

    @Test
    void readsNativeOrderAndPythonTwoLongs() throws IOException {
        byte[] b = withDict("{'descr': '=i4', 'fortran_order': False, 'shape': (2L,), }", new byte[] {1, 0, 0, 0, 2, 0, 0, 0});
        Tensor t = read(b);
        assertEquals(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 1 : 0x01000000, t.getLong(0));
        assertEquals(DType.I32, t.dtype());
        assertArrayEquals(new int[] {2}, t.shape());
    }

    @Test
    void readsAndWritesTextScalars() throws IOException {
        assertEquals("héllo wörld 😀", Npy.readValue(new ByteArrayInputStream(resource("npy/text.npy")), "t"));
        for (String s : new String[] {"", "a", "{\"model\": \"Mnist\"}", "naïve ✓ 😀 \u0000inner"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Npy.writeString(s, out);
            assertEquals(0, (out.size() - 4 * Math.max(1, s.codePointCount(0, s.length()))) % 64);
            assertEquals(s, Npy.readValue(new ByteArrayInputStream(out.toByteArray()), "t"));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.writeString("abc", out);
        String header = new String(out.toByteArray(), 10, 118, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<U3', 'fortran_order': False, 'shape': (), }"), header);
    }

    // ---- errors ------------------------------------------------------------------------------

    private static String error(byte[] b) {
        return assertThrows(NpyFormatException.class, () -> read(b)).getMessage();
    }

    /** A v1 file with the given header dict (padded like NumPy) followed by {@code data}. */
    static byte[] withDict(String dict, byte[] data) {
        int hlen = dict.length() + 1;
        int pad = 64 - (10 + hlen) % 64;
        ByteBuffer b = ByteBuffer.allocate(10 + hlen + pad + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Npy.MAGIC).put((byte) 1).put((byte) 0).putShort((short) (hlen + pad));
        b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < pad; i++) b.put((byte) ' ');
        b.put((byte) '\n').put(data);
        return b.array();
    }

    @Test
    void reportsCorruptInputClearly() throws IOException {
        assertEquals("x.npy: bad magic: not a NumPy .npy file", error("hello world".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("x.npy: bad magic: not a NumPy .npy file (it is a zip archive: an .npz, not an .npy)",
                error(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0}));
        assertEquals("x.npy: empty file, not a .npy array", error(new byte[0]));
        assertEquals("x.npy: truncated magic: expected 6 bytes, got 3", error(new byte[] {(byte) 0x93, 'N', 'U'}));

        byte[] good = bytes(values(DType.F64, 2, 3)); // 128 + 48 bytes
        assertEquals("x.npy: truncated data: expected 48 bytes, got 10", error(Arrays.copyOf(good, 138)));
        assertEquals("x.npy: truncated data: expected 48 bytes, got 0", error(Arrays.copyOf(good, 128)));
        assertEquals("x.npy: truncated header: expected 118 bytes, got 20", error(Arrays.copyOf(good, 30)));

        byte[] v4 = good.clone();
        v4[6] = 4;
        assertEquals("x.npy: unsupported .npy format version 4.0 (this reader knows 1.0, 2.0 and 3.0)", error(v4));
    }

    @Test
    void reportsHeadersItCannotUse() {
        assertEquals("x.npy: unsupported dtype '<i2' (DLM reads bool |b1, uint8 |u1, int32 <i4, int64 <i8, "
                        + "float16 <f2, float32 <f4, float64 <f8)",
                error(withDict("{'descr': '<i2', 'fortran_order': False, 'shape': (1,), }", new byte[2])));
        assertEquals("x.npy: structured (record) arrays are not supported: {'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }",
                error(withDict("{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[8])));
        assertEquals("x.npy: header does not have exactly the keys descr, fortran_order and shape: {'descr': '<f4', 'shape': (1,), }",
                error(withDict("{'descr': '<f4', 'shape': (1,), }", new byte[4])));
        assertEquals("x.npy: shape is not a tuple of integers: {'descr': '<f4', 'fortran_order': False, 'shape': [1], }",
                error(withDict("{'descr': '<f4', 'fortran_order': False, 'shape': [1], }", new byte[4])));
        assertEquals("x.npy: shape (100000, 100000) has more than 2147483647 elements, the most a DLM tensor can hold",
                error(withDict("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }", new byte[0])));
        assertTrue(error(withDict("{'descr': '<f4', 'fortran_order': False, 'shape': (1,) ", new byte[4]))
                .startsWith("x.npy: cannot parse header {'descr': '<f4', 'fortran_order': False, 'shape': (1,): expected ',' or '}' at offset"));
        assertEquals("x.npy: unicode array <U3 of shape (2,) is not supported (only a single text value is)",
                error(withDict("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", new byte[24])));
        assertEquals("x.npy: holds text (a NumPy unicode array), not a tensor", error(resource("npy/text.npy")));
    }
}
