package dlm.runtime.io;

import dlm.runtime.Tensor;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npz} archives: a zip with one {@code <name>.npy} member per array, exactly as
 * {@code numpy.savez} (members STORED) and {@code numpy.savez_compressed} (DEFLATED) write them,
 * so {@code numpy.load(path)[name]} reads what we write and we read both kinds.
 *
 * <p>Names are kept as they are, dots and slashes included ({@code hidden.W},
 * {@code optimizer/hidden.W/m} becomes the member {@code optimizer/hidden.W/m.npy}); nothing is
 * ever extracted to disk, so a slash is just a character. Members keep the map's order.
 *
 * <p>Writes are atomic ({@link AtomicFiles}) and reproducible: every member carries the same
 * fixed timestamp (1980-01-01, the zip epoch), so equal contents give byte-identical files.
 * Reads check every member's CRC-32, so a damaged checkpoint is reported rather than loaded.
 */
public final class Npz {
    private static final LocalDateTime ZIP_EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);
    private static final String SUFFIX = ".npy";

    private Npz() {}

    /** Writes tensors like {@code numpy.savez} (uncompressed), atomically replacing {@code target}. */
    public static void write(Map<String, Tensor> entries, Path target) throws IOException {
        writeValues(entries, target, false);
    }

    /** Writes tensors like {@code numpy.savez_compressed} (DEFLATED), atomically replacing {@code target}. */
    public static void writeCompressed(Map<String, Tensor> entries, Path target) throws IOException {
        writeValues(entries, target, true);
    }

    /**
     * Writes entries whose values are {@link Tensor}s or {@link String}s (stored as NumPy unicode
     * scalars, see {@link Npy#writeString}), in the map's iteration order, atomically replacing
     * {@code target}. If anything fails, including the map's own iteration, {@code target} keeps
     * its previous content.
     */
    public static void writeValues(Map<String, ?> entries, Path target, boolean compressed) throws IOException {
        AtomicFiles.write(target, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, ?> e : entries.entrySet()) {
                String name = checkName(e.getKey());
                Object value = e.getValue();
                if (!(value instanceof Tensor) && !(value instanceof String))
                    throw new IllegalArgumentException("npz entry '" + name + "': expected a Tensor or a String, got "
                            + (value == null ? "null" : value.getClass().getSimpleName()));
                ZipEntry z = new ZipEntry(name + SUFFIX);
                z.setTimeLocal(ZIP_EPOCH);
                if (compressed) {
                    z.setMethod(ZipEntry.DEFLATED);
                } else {
                    // A STORED member needs its size and CRC in the local header, before the data.
                    // Serializing twice (once into a checksum) beats buffering a large tensor.
                    CrcCounter sizing = new CrcCounter();
                    writeNpy(value, sizing);
                    z.setMethod(ZipEntry.STORED);
                    z.setSize(sizing.count);
                    z.setCompressedSize(sizing.count);
                    z.setCrc(sizing.crc.getValue());
                }
                zip.putNextEntry(z);
                writeNpy(value, zip);
                zip.closeEntry(); // for STORED this verifies the CRC: a tensor mutated mid-save fails here
            }
            zip.finish();
        });
    }

    /**
     * Reads every array of an {@code .npz} as tensors, in archive order. A member holding text
     * (such as a checkpoint's metadata) is an error naming it: use {@link #readValues} or
     * {@link Checkpoint#load} for those archives.
     */
    public static LinkedHashMap<String, Tensor> read(Path path) throws IOException {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : readValues(path).entrySet()) {
            if (!(e.getValue() instanceof Tensor t))
                throw new NpyFormatException(path + ": entry '" + e.getKey() + "' holds text, not a tensor");
            out.put(e.getKey(), t);
        }
        return out;
    }

    /**
     * Reads every array of an {@code .npz} in archive order: {@link Tensor}s, and {@link String}s
     * for NumPy unicode scalars. Keys are member names without {@code .npy}, as in NumPy.
     */
    public static LinkedHashMap<String, Object> readValues(Path path) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new NpyFormatException(path + ": not a valid .npz (zip) file: " + e.getMessage(), e);
        }
        try (zip) {
            LinkedHashMap<String, Object> out = new LinkedHashMap<>();
            Enumeration<? extends ZipEntry> members = zip.entries();
            while (members.hasMoreElements()) {
                ZipEntry z = members.nextElement();
                if (z.isDirectory()) continue;
                String member = z.getName();
                if (!member.endsWith(SUFFIX))
                    throw new NpyFormatException(path + ": member '" + member + "' is not a .npy array");
                String name = member.substring(0, member.length() - SUFFIX.length());
                if (out.containsKey(name)) throw new NpyFormatException(path + ": duplicate member '" + member + "'");
                out.put(name, readMember(zip, z, path + "[" + name + "]"));
            }
            return out;
        }
    }

    private static Object readMember(ZipFile zip, ZipEntry z, String where) throws IOException {
        try (InputStream raw = zip.getInputStream(z);
             CheckedInputStream in = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), new CRC32())) {
            Object value = Npy.readValue(in, where);
            in.transferTo(OutputStream.nullOutputStream()); // the checksum covers the whole member
            if (z.getCrc() != -1 && in.getChecksum().getValue() != z.getCrc())
                throw new NpyFormatException(where + ": corrupt data: CRC-32 mismatch");
            return value;
        } catch (ZipException | EOFException e) {
            // Inflater failures and members cut short inside the archive.
            throw new NpyFormatException(where + ": corrupt member: " + e.getMessage(), e);
        }
    }

    private static String checkName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("npz entry names must not be empty");
        if (name.indexOf('\0') >= 0) throw new IllegalArgumentException("npz entry name contains NUL: " + name);
        return name;
    }

    private static void writeNpy(Object value, OutputStream out) throws IOException {
        if (value instanceof Tensor t) Npy.write(t, out);
        else Npy.writeString((String) value, out);
    }

    /** Counts and checksums bytes without keeping them. */
    private static final class CrcCounter extends OutputStream {
        final CRC32 crc = new CRC32();
        long count;

        @Override public void write(int b) { crc.update(b); count++; }

        @Override public void write(byte[] b, int off, int len) { crc.update(b, off, len); count += len; }
    }
}
