package dlm.runtime.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** MD5 and SHA-256 computed together in one pass (a download is read once, never re-read to verify). */
final class Checksums {
    private final MessageDigest md5 = digest("MD5");
    private final MessageDigest sha256 = digest("SHA-256");

    void update(byte[] buf, int off, int len) {
        md5.update(buf, off, len);
        sha256.update(buf, off, len);
    }

    /**
     * Finishes both digests and compares them with the file's official ones.
     *
     * @return null when both match, else what differs, e.g. {@code MD5 mismatch: expected …, found …}
     */
    String mismatch(DataFile file) {
        String m = HexFormat.of().formatHex(md5.digest());
        String s = HexFormat.of().formatHex(sha256.digest());
        // a checksum not published is null and not checked (DataFile guarantees one is known)
        if (file.md5() != null && !m.equals(file.md5())) return "MD5 mismatch: expected " + file.md5() + ", found " + m;
        if (file.sha256() != null && !s.equals(file.sha256())) return "SHA-256 mismatch: expected " + file.sha256() + ", found " + s;
        return null;
    }

    /** Checksums a local file; see {@link #mismatch}. */
    static String mismatch(Path path, DataFile file) throws IOException {
        Checksums c = new Checksums();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(path)) {
            for (int n; (n = in.read(buf)) != -1; ) c.update(buf, 0, n);
        }
        return c.mismatch(file);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK provides " + algorithm, e);
        }
    }
}
