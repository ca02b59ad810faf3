package dlm.compiler.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.io.NpyMapped;
import dlm.runtime.io.Npz;
import dlm.runtime.io.NpzMembers;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * npz(…) maps members stored without compression (np.savez) as npy(…) maps files: an archive
 * whose float64 inputs are larger than a child JVM's whole heap (-Xmx64m) loads as the model's
 * u8 rows; a mapped member reads the same values as the archive read whole; a corrupt stored
 * member is caught by its CRC-32; a compressed archive is still read (whole).
 */
class NpzMemoryMapTest {
    @TempDir
    Path tmp;

    private static final int ROWS = 600_000, COLS = 16;

    /** The bytes of a little-endian float64 .npy of shape rows (× cols when cols > 0), element k = value(k), written to out. */
    private static void writeF64(OutputStream o, int rows, int cols, java.util.function.LongToDoubleFunction value) throws IOException {
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + rows + (cols > 0 ? ", " + cols + ")" : ",)") + ", }";
        int pad = 64 - (10 + header.length() + 1) % 64;
        String h = header + " ".repeat(pad) + "\n";
        o.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) (h.length() & 0xFF), (byte) (h.length() >> 8)});
        o.write(h.getBytes(StandardCharsets.ISO_8859_1));
        int per = Math.max(cols, 1);
        ByteBuffer row = ByteBuffer.allocate(8 * per).order(ByteOrder.LITTLE_ENDIAN);
        for (long r = 0; r < rows; r++) {
            row.clear();
            for (int c = 0; c < per; c++) row.putDouble(value.applyAsDouble(r * per + c));
            o.write(row.array());
        }
    }

    /** Counts and checksums what is written. */
    private static final class Crc extends OutputStream {
        final CRC32 crc = new CRC32();
        long n;

        @Override public void write(int b) { crc.update(b); n++; }

        @Override public void write(byte[] b, int off, int len) { crc.update(b, off, len); n += len; }
    }

    private interface Member {
        void write(OutputStream o) throws IOException;
    }

    /** An .npz of stored members, written without holding any member in memory. */
    private static void storedNpz(Path p, Map<String, Member> members) throws IOException {
        try (ZipOutputStream z = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(p), 1 << 16))) {
            for (var m : members.entrySet()) {
                Crc c = new Crc();
                m.getValue().write(c);
                ZipEntry e = new ZipEntry(m.getKey() + ".npy");
                e.setMethod(ZipEntry.STORED);
                e.setSize(c.n);
                e.setCompressedSize(c.n);
                e.setCrc(c.crc.getValue());
                z.putNextEntry(e);
                m.getValue().write(z);
                z.closeEntry();
            }
        }
    }

    @Test
    void anArchiveLargerThanTheHeapLoadsThroughAMap() throws Exception {
        Path npz = tmp.resolve("d.npz");
        Map<String, Member> members = new LinkedHashMap<>();
        members.put("x", o -> writeF64(o, ROWS, COLS, k -> k % 251));
        members.put("y", o -> writeF64(o, ROWS, 0, k -> k % 3));
        storedNpz(npz, members);
        Path f = Files.writeString(tmp.resolve("m.dlm"), """
                import std.nn.*
                model M(x: u8[batch, 16]) {
                    return dense(x.toF32(), units = 3, activation = ::softmax)
                }
                train(M) {
                    data = split(npz("d.npz", inputs = ["x"], target = "y"), test = 0.1, seed = 3)
                    loss = ::sparseCategoricalCrossentropy
                    optimizer = sgd()
                }
                """);
        long xsum = 0, ysum = 0;
        for (long k = 0; k < (long) ROWS * COLS; k++) xsum += k % 251;
        for (long k = 0; k < ROWS; k++) ysum += k % 3;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"), MappedLoadMain.class.getName(), f.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String[] w = out.strip().split(" ");
        assertTrue(Files.size(npz) > Long.parseLong(w[1]), "the archive (" + Files.size(npz) + " bytes) must be larger than the child's heap: " + out);
        assertEquals("rows 540000 60000 xsum " + xsum + " ysum " + ysum + " u8", out.strip().substring(out.indexOf("rows")), out);
    }

    @Test
    void aMappedMemberReadsWhatTheArchiveHolds() throws IOException {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("a", Tensor.of(DType.F32, new int[] {2, 3}, 1.5, -2, 3, 4, 5.25, 6));
        arrays.put("b", Tensor.of(DType.I64, new int[] {4}, 7, -8, 9, 1L << 40));
        Path npz = tmp.resolve("s.npz");
        Npz.write(arrays, npz);
        Map<String, NpzMembers.Member> members = NpzMembers.list(npz, "s.npz");
        assertEquals(List.of("a", "b"), List.copyOf(members.keySet()));
        for (var e : arrays.entrySet()) {
            assertTrue(members.get(e.getKey()).stored());
            try (NpyMapped m = NpyMapped.openMember(npz, members.get(e.getKey()), "s.npz[" + e.getKey() + "]")) {
                assertArrayEquals(e.getValue().shape(), m.shape());
                for (int i = 0; i < e.getValue().size(); i++) assertEquals(e.getValue().getDouble(i), m.getDouble(i), 0.0);
            }
        }
        // a flipped byte in a stored member: its CRC-32 no longer matches
        byte[] bytes = Files.readAllBytes(npz);
        NpzMembers.Member b = members.get("b");
        bytes[(int) (b.dataStart() + b.compressedSize() - 1)] ^= 1;
        Files.write(npz, bytes);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> NpyMapped.openMember(npz, NpzMembers.list(npz, "s.npz").get("b"), "s.npz[b]"));
        assertEquals("s.npz[b]: corrupt data: CRC-32 mismatch", e.getMessage());
    }
}
