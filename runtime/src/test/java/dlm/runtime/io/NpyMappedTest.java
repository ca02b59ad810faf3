package dlm.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mapped .npy gives the elements Npy.read gives, for every dtype and both orders; bad files fail as Npy.read fails. */
class NpyMappedTest {
    @TempDir
    Path tmp;

    private Path write(Tensor t) throws IOException {
        Path p = tmp.resolve(t.dtype() + ".npy");
        try (OutputStream o = Files.newOutputStream(p)) { Npy.write(t, o); }
        return p;
    }

    @Test
    void everyDtypeReadsAsNpyReadsIt() throws IOException {
        for (DType d : DType.values()) {
            Tensor t = Tensor.zeros(d, 3, 4);
            for (int i = 0; i < 12; i++) t.setLong(i, d == DType.BOOL ? i % 2 : i * 7 - (d == DType.U8 ? 0 : 30));
            try (NpyMapped m = NpyMapped.open(write(t), "a.npy")) {
                assertEquals(d, m.dtype());
                assertArrayEquals(new int[] {3, 4}, m.shape());
                assertEquals(12, m.size());
                for (int i = 0; i < 12; i++) {
                    assertEquals(t.getDouble(i), m.getDouble(i), d + " element " + i);
                    assertEquals(t.getLong(i), m.getLong(i), d + " element " + i);
                }
            }
        }
        Tensor big = Tensor.of(DType.I64, new int[] {1}, 0);
        big.setLong(0, (1L << 60) + 1);
        try (NpyMapped m = NpyMapped.open(write(big), "b.npy")) { assertEquals((1L << 60) + 1, m.getLong(0)); }
    }

    @Test
    void fortranOrderBigEndianVersion2() throws IOException {
        // [[1, 2, 3], [4, 5, 6]] column-major, big-endian i4, a version 2.0 header
        String header = "{'descr': '>i4', 'fortran_order': True, 'shape': (2, 3), }";
        int pad = 64 - (12 + header.length() + 1) % 64;
        String h = header + " ".repeat(pad) + "\n";
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) h.length(), 0, 0, 0});
        b.write(h.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        for (int v : new int[] {1, 4, 2, 5, 3, 6}) b.write(new byte[] {0, 0, 0, (byte) v});
        Path p = tmp.resolve("f.npy");
        Files.write(p, b.toByteArray());
        Tensor whole;
        try (var in = Files.newInputStream(p)) { whole = Npy.read(in, "f.npy"); }
        try (NpyMapped m = NpyMapped.open(p, "f.npy")) {
            for (int i = 0; i < 6; i++) {
                assertEquals(i + 1, m.getLong(i));
                assertEquals(whole.getDouble(i), m.getDouble(i));
            }
        }
    }

    @Test
    void badFilesFailAsNpyReadFails() throws IOException {
        Path p = write(Tensor.of(DType.F32, new int[] {4}, 1, 2, 3, 4));
        byte[] all = Files.readAllBytes(p);
        Files.write(p, java.util.Arrays.copyOf(all, all.length - 3));
        assertEquals("t.npy: truncated data: expected 16 bytes, got 13", assertThrows(NpyFormatException.class, () -> NpyMapped.open(p, "t.npy")).getMessage());
        Path text = tmp.resolve("s.npy");
        try (OutputStream o = Files.newOutputStream(text)) { Npy.writeString("hello", o); }
        assertEquals("s.npy: holds text (a NumPy unicode array), not a tensor", assertThrows(NpyFormatException.class, () -> NpyMapped.open(text, "s.npy")).getMessage());
        Files.writeString(tmp.resolve("x.npy"), "PK\3\4 not npy");
        assertThrows(NpyFormatException.class, () -> NpyMapped.open(tmp.resolve("x.npy"), "x.npy"));
    }
}
