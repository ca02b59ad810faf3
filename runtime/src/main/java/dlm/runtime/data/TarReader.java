package dlm.runtime.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the entries of a POSIX (ustar) or GNU tar stream, just enough for a dataset archive:
 * names (with the ustar prefix), sizes and contents. Header checksums are verified; a stream that
 * ends inside an entry or before the end-of-archive blocks is an {@link EOFException}, so a
 * truncated archive is never taken for a complete one.
 */
final class TarReader {
    /** One entry: its path in the archive, its size and its type flag ('0' or NUL for a regular file). */
    record Entry(String name, long size, char type) {
        boolean isFile() {
            return type == '0' || type == 0;
        }
    }

    private static final int BLOCK = 512;
    private final InputStream in;
    /** Unread content bytes of the current entry, and the padding after them to the next block. */
    private long remaining, padding;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry (its contents are then {@link #contents()}), or null at the end-of-archive marker. */
    Entry next() throws IOException {
        skipFully(remaining + padding);
        remaining = padding = 0;
        byte[] h = new byte[BLOCK];
        readFully(h, "before its end-of-archive marker");
        boolean zero = true;
        for (byte b : h) zero &= b == 0;
        if (zero) return null;
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) sum += (i >= 148 && i < 156) ? ' ' : h[i] & 0xFF;
        if (sum != octal(h, 148, 8)) throw new IOException("corrupt tar header (checksum mismatch)");
        String name = string(h, 0, 100);
        if (string(h, 257, 5).equals("ustar") && !string(h, 345, 155).isEmpty()) name = string(h, 345, 155) + "/" + name;
        if ((h[124] & 0x80) != 0) throw new IOException(name + ": entry too large for this reader");
        long size = octal(h, 124, 12);
        remaining = size;
        padding = (BLOCK - size % BLOCK) % BLOCK;
        return new Entry(name, size, (char) h[156]);
    }

    /** The current entry's contents; it ends where the entry ends. */
    InputStream contents() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) return -1;
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) throw new EOFException("the archive ends inside an entry");
                remaining -= n;
                return n;
            }
        };
    }

    private void readFully(byte[] b, String where) throws IOException {
        int off = 0;
        while (off < b.length) {
            int n = in.read(b, off, b.length - off);
            if (n < 0) throw new EOFException("the archive ends " + where);
            off += n;
        }
    }

    private void skipFully(long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) throw new EOFException("the archive ends inside an entry");
            n -= r;
        }
    }

    private static String string(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) end++;
        return new String(h, off, end - off, StandardCharsets.US_ASCII);
    }

    private static long octal(byte[] h, int off, int len) throws IOException {
        String s = string(h, off, len).trim();
        if (s.isEmpty()) return 0;
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException("corrupt tar header (\"" + s + "\" is not an octal number)");
        }
    }
}
