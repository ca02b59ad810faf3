package dlm.runtime.io;

import static dlm.runtime.io.NpyTest.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {

    @TempDir
    Path dir;

    static Path resource(String name) {
        try {
            return Path.of(NpzTest.class.getResource("/dlm/runtime/io/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What make_reference.py puts in savez.npz and savez_compressed.npz, in its order. */
    static Map<String, Tensor> numpyArrays() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("hidden.W", values(DType.F32, 3, 4));
        m.put("hidden.b", values(DType.F32, 4));
        m.put("optimizer/hidden.W/m", values(DType.F64, 3, 4));
        m.put("labels", values(DType.U8, 7));
        m.put("step", Tensor.scalar(DType.I64, 1234));
        m.put("mask", values(DType.BOOL, 5));
        return m;
    }

    private List<String> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> members(Path p) throws IOException {
        try (ZipFile z = new ZipFile(p.toFile())) {
            return z.stream().map(e -> e.getName() + ":" + (e.getMethod() == ZipEntry.STORED ? "stored" : "deflated")).toList();
        }
    }

    // ---- round trips and NumPy compatibility -------------------------------------------------

    @Test
    void roundTripsInOrderWithDottedAndSlashedNames() throws IOException {
        Map<String, Tensor> m = numpyArrays();
        Path p = dir.resolve("a.npz");
        Npz.write(m, p);
        assertEquals(List.of("hidden.W.npy:stored", "hidden.b.npy:stored", "optimizer/hidden.W/m.npy:stored",
                "labels.npy:stored", "step.npy:stored", "mask.npy:stored"), members(p));
        LinkedHashMap<String, Tensor> back = Npz.read(p);
        assertEquals(List.copyOf(m.keySet()), List.copyOf(back.keySet()));
        assertEquals(m, back);

        Path c = dir.resolve("c.npz");
        Npz.writeCompressed(m, c);
        assertTrue(members(c).stream().allMatch(s -> s.endsWith(":deflated")));
        assertEquals(m, Npz.read(c));
        assertEquals(List.of("a.npz", "c.npz"), listDir());
    }

    @Test
    void membersAreByteForByteWhatNpySaveWrites() throws IOException {
        Path p = dir.resolve("a.npz");
        Npz.write(numpyArrays(), p);
        try (ZipFile z = new ZipFile(p.toFile())) {
            for (var e : numpyArrays().entrySet())
                assertArrayEquals(NpyTest.bytes(e.getValue()), z.getInputStream(z.getEntry(e.getKey() + ".npy")).readAllBytes());
        }
    }

    @Test
    void readsWhatNumpySavezWrites() throws IOException {
        for (String file : new String[] {"savez.npz", "savez_compressed.npz"}) {
            LinkedHashMap<String, Tensor> m = Npz.read(resource(file));
            assertEquals(List.copyOf(numpyArrays().keySet()), List.copyOf(m.keySet()), file);
            assertEquals(numpyArrays(), m, file);
        }
    }

    @Test
    void equalContentGivesIdenticalFiles() throws IOException {
        Npz.write(numpyArrays(), dir.resolve("1.npz"));
        Npz.write(numpyArrays(), dir.resolve("2.npz"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("1.npz")), Files.readAllBytes(dir.resolve("2.npz")));
    }

    @Test
    void textValuesRoundTripThroughReadValues() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("note", "ünïcode ✓");
        m.put("w", values(DType.F32, 2));
        Path p = dir.resolve("t.npz");
        Npz.writeValues(m, p, false);
        assertEquals(m, Npz.readValues(p));
        assertEquals(p + ": entry 'note' holds text, not a tensor",
                assertThrows(NpyFormatException.class, () -> Npz.read(p)).getMessage());
    }

    @Test
    void largeTensorsSurviveBothMethods() throws IOException {
        Tensor big = Tensor.zeros(DType.F32, 784, 512);
        for (int i = 0; i < big.size(); i++) big.setDouble(i, Math.sin(i));
        Map<String, Tensor> m = Map.of("hidden.W", big);
        Npz.write(m, dir.resolve("s.npz"));
        Npz.writeCompressed(m, dir.resolve("d.npz"));
        assertEquals(big, Npz.read(dir.resolve("s.npz")).get("hidden.W"));
        assertEquals(big, Npz.read(dir.resolve("d.npz")).get("hidden.W"));
    }

    // ---- atomicity ---------------------------------------------------------------------------

    /** A map whose second entry cannot be produced, after a first one big enough to reach the disk. */
    static Map<String, Tensor> failingMap() {
        Tensor big = values(DType.F32, 300_000);
        return new AbstractMap<>() {
            @Override
            public Set<Entry<String, Tensor>> entrySet() {
                return new AbstractSet<>() {
                    @Override public int size() { return 2; }

                    @Override
                    public Iterator<Entry<String, Tensor>> iterator() {
                        return new Iterator<>() {
                            int i;

                            @Override public boolean hasNext() { return i < 2; }

                            @Override
                            public Entry<String, Tensor> next() {
                                if (i++ == 1) throw new IllegalStateException("boom: the second tensor is unavailable");
                                return Map.entry("first", big);
                            }
                        };
                    }
                };
            }
        };
    }

    @Test
    void aFailureMidWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path p = dir.resolve("ckpt.npz");
        Npz.write(numpyArrays(), p);
        byte[] before = Files.readAllBytes(p);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Npz.write(failingMap(), p));
        assertEquals("boom: the second tensor is unavailable", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(List.of("ckpt.npz"), listDir());

        Map<String, Object> badValue = new LinkedHashMap<>(numpyArrays());
        badValue.put("oops", 42);
        assertEquals("npz entry 'oops': expected a Tensor or a String, got Integer",
                assertThrows(IllegalArgumentException.class, () -> Npz.writeValues(badValue, p, true)).getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(List.of("ckpt.npz"), listDir());
        assertEquals(numpyArrays(), Npz.read(p));
    }

    @Test
    void aFailedRenameLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("taken");
        Files.createDirectory(target);
        Files.writeString(target.resolve("inside"), "x"); // a non-empty directory cannot be replaced
        assertThrows(IOException.class, () -> Npz.write(numpyArrays(), target));
        assertEquals(List.of("taken"), listDir());
        assertThrows(IOException.class, () -> Npz.write(numpyArrays(), dir.resolve("missing/dir/x.npz")));
        assertEquals(List.of("taken"), listDir());
    }

    @Test
    void aReadOnlyDirectoryKeepsTheOldFile() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
        Path p = dir.resolve("ckpt.npz");
        Npz.write(numpyArrays(), p);
        byte[] before = Files.readAllBytes(p);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
        try {
            assumeFalse(Files.isWritable(dir), "permissions are not enforced (running as root)");
            assertThrows(IOException.class, () -> Npz.write(Map.of("w", values(DType.F32, 3)), p));
            assertArrayEquals(before, Files.readAllBytes(p));
            assertEquals(List.of("ckpt.npz"), listDir());
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void writesOrdinaryPermissionsNotTempFileOnes() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
        Path plain = dir.resolve("plain");
        Files.writeString(plain, "x");
        Path p = dir.resolve("a.npz");
        Npz.write(numpyArrays(), p);
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(p));
    }

    // ---- corrupt archives --------------------------------------------------------------------

    private String error(Path p) {
        return assertThrows(NpyFormatException.class, () -> Npz.read(p)).getMessage();
    }

    @Test
    void truncatedOrNonZipFilesAreReported() throws IOException {
        byte[] whole = Files.readAllBytes(resource("savez.npz"));
        Path cut = dir.resolve("cut.npz");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        assertTrue(error(cut).startsWith(cut + ": not a valid .npz (zip) file: "), error(cut));

        Path text = dir.resolve("text.npz");
        Files.writeString(text, "not a zip at all");
        assertTrue(error(text).startsWith(text + ": not a valid .npz (zip) file: "), error(text));

        Path empty = dir.resolve("empty.npz");
        Files.write(empty, new byte[0]);
        assertTrue(error(empty).startsWith(empty + ": not a valid .npz (zip) file: "), error(empty));
    }

    @Test
    void damagedDataIsCaughtByTheChecksum() throws IOException {
        Path p = dir.resolve("a.npz");
        Npz.write(Map.of("w", Tensor.of(DType.I32, new int[] {4}, 0x11223344, 2, 3, 4)), p);
        byte[] b = Files.readAllBytes(p);
        int at = indexOf(b, new byte[] {0x44, 0x33, 0x22, 0x11});
        b[at] ^= 1;
        Files.write(p, b);
        assertEquals(p + "[w]: corrupt data: CRC-32 mismatch", error(p));
    }

    @Test
    void damagedCompressedDataIsReported() throws IOException {
        Path p = dir.resolve("a.npz");
        Tensor t = Tensor.zeros(DType.F64, 1000);
        for (int i = 0; i < t.size(); i++) t.setDouble(i, i % 17);
        Npz.writeCompressed(Map.of("w", t), p);
        byte[] b = Files.readAllBytes(p);
        for (int i = 60; i < 120; i++) b[i] ^= (byte) 0x5a; // inside the deflate stream of the only member
        Files.write(p, b);
        assertTrue(error(p).startsWith(p + "[w]: corrupt "), error(p));
    }

    @Test
    void membersMustBeCompleteNpyArrays() throws IOException {
        byte[] npy = NpyTest.bytes(values(DType.F32, 10));
        Path p = dir.resolve("short.npz");
        writeZip(p, "x.npy", Arrays.copyOf(npy, npy.length - 8));
        assertEquals(p + "[x]: truncated data: expected 40 bytes, got 32", error(p));

        Path q = dir.resolve("readme.npz");
        writeZip(q, "README.txt", new byte[] {'h', 'i'});
        assertEquals(q + ": member 'README.txt' is not a .npy array", error(q));

        Path r = dir.resolve("garbage.npz");
        writeZip(r, "g.npy", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(r + "[g]: bad magic: not a NumPy .npy file", error(r));
    }

    private static void writeZip(Path p, String member, byte[] content) throws IOException {
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(member));
            z.write(content);
            z.closeEntry();
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        List<Integer> hits = new ArrayList<>();
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            hits.add(i);
        }
        assertEquals(1, hits.size(), "the pattern occurs once");
        return hits.get(0);
    }
}
