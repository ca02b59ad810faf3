package dlm.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each member of an {@code .npz} (a zip archive) lies in the file, from its central
 * directory (zip64 records included, which NumPy's {@code savez} always writes): so that a member
 * stored without compression can be mapped in place ({@link NpyMapped#open(Path, long, long, String)})
 * instead of read into the heap. Only the directory and the local headers are read.
 */
public final class NpzMembers {
    private NpzMembers() {}

    /** A member: its name without {@code .npy}, whether it is stored (not compressed), where its bytes start, their count in the file, its size and CRC-32. */
    public record Member(String name, boolean stored, long dataStart, long compressedSize, long size, long crc) {}

    private static final int EOCD = 0x06054b50, ZIP64_EOCD = 0x06064b50, ZIP64_LOCATOR = 0x07064b50, CENTRAL = 0x02014b50, LOCAL = 0x04034b50;

    /** The members by name, in directory order; an archive that is not a well-formed zip is an {@link NpyFormatException} naming it. */
    public static Map<String, Member> list(Path path, String name) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            int tail = (int) Math.min(size, 22 + 65535 + 20);
            ByteBuffer end = read(ch, size - tail, tail);
            int at = -1;
            for (int i = tail - 22; i >= 0; i--) if (end.getInt(i) == EOCD) { at = i; break; }
            if (at < 0) throw new NpyFormatException(name + ": not a valid .npz (zip) file: no end of central directory");
            long entries = Short.toUnsignedInt(end.getShort(at + 10));
            long dirSize = Integer.toUnsignedLong(end.getInt(at + 12));
            long dirStart = Integer.toUnsignedLong(end.getInt(at + 16));
            if (at >= 20 && end.getInt(at - 20) == ZIP64_LOCATOR) {
                ByteBuffer z = read(ch, end.getLong(at - 20 + 8), 56);
                if (z.getInt(0) != ZIP64_EOCD) throw new NpyFormatException(name + ": not a valid .npz (zip) file: bad zip64 directory");
                entries = z.getLong(32);
                dirSize = z.getLong(40);
                dirStart = z.getLong(48);
            }
            if (dirStart + dirSize > size || dirSize > Integer.MAX_VALUE) throw new NpyFormatException(name + ": not a valid .npz (zip) file: central directory out of the file");
            ByteBuffer dir = read(ch, dirStart, (int) dirSize);
            Map<String, Member> out = new LinkedHashMap<>();
            int p = 0;
            for (long e = 0; e < entries; e++) {
                if (p + 46 > dir.limit() || dir.getInt(p) != CENTRAL) throw new NpyFormatException(name + ": not a valid .npz (zip) file: bad central directory entry");
                int method = Short.toUnsignedInt(dir.getShort(p + 10));
                long crc = Integer.toUnsignedLong(dir.getInt(p + 16));
                long compressed = Integer.toUnsignedLong(dir.getInt(p + 20)), plain = Integer.toUnsignedLong(dir.getInt(p + 24));
                int nameLen = Short.toUnsignedInt(dir.getShort(p + 28)), extraLen = Short.toUnsignedInt(dir.getShort(p + 30)), commentLen = Short.toUnsignedInt(dir.getShort(p + 32));
                long local = Integer.toUnsignedLong(dir.getInt(p + 42));
                byte[] nb = new byte[nameLen];
                dir.get(p + 46, nb);
                // zip64: the fields that are 0xFFFFFFFF follow in the extra field 0x0001, in this order
                for (int x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen; ) {
                    int id = Short.toUnsignedInt(dir.getShort(x)), len = Short.toUnsignedInt(dir.getShort(x + 2));
                    if (id == 1) {
                        int q = x + 4;
                        if (plain == 0xFFFFFFFFL) { plain = dir.getLong(q); q += 8; }
                        if (compressed == 0xFFFFFFFFL) { compressed = dir.getLong(q); q += 8; }
                        if (local == 0xFFFFFFFFL) local = dir.getLong(q);
                    }
                    x += 4 + len;
                }
                p += 46 + nameLen + extraLen + commentLen;
                String member = new String(nb, StandardCharsets.UTF_8);
                if (member.endsWith("/")) continue;
                ByteBuffer lh = read(ch, local, 30);
                if (lh.getInt(0) != LOCAL) throw new NpyFormatException(name + ": not a valid .npz (zip) file: bad local header for '" + member + "'");
                long start = local + 30 + Short.toUnsignedInt(lh.getShort(26)) + Short.toUnsignedInt(lh.getShort(28));
                if (start + compressed > size) throw new NpyFormatException(name + "[" + member + "]: corrupt member: data beyond the end of the file");
                String key = member.endsWith(".npy") ? member.substring(0, member.length() - 4) : member;
                out.put(key, new Member(key, method == 0, start, compressed, plain, crc));
            }
            return out;
        }
    }

    private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
        if (at < 0) throw new NpyFormatException("not a valid .npz (zip) file: offset out of the file");
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) if (ch.read(b, at + b.position()) < 0) throw new NpyFormatException("not a valid .npz (zip) file: cut short");
        return b.flip();
    }
}
