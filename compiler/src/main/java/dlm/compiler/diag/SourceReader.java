package dlm.compiler.diag;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Reads a .dlm file as the compiler's input, refusing what is not a program before it can do
 * harm: a special file ({@code /dev/zero} would be read until memory runs out), a folder, a
 * file over {@link #MAX_BYTES}, and bytes that are not UTF-8 (located at the first bad byte).
 */
public final class SourceReader {
    private SourceReader() {}

    /** The largest source accepted: 16 MiB, far beyond any hand-written or generated model. */
    public static final int MAX_BYTES = 16 << 20;

    /** A source file that cannot be read as a program at all (exit status 2, like a missing file). */
    public static final class UnreadableSourceException extends IOException {
        public UnreadableSourceException(String message) { super(message); }
    }

    /** The file's text; throws {@link UnreadableSourceException} or a located {@link DlmException}. */
    public static SourceFile read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString());
        if (Files.isDirectory(file)) throw new UnreadableSourceException(file + " is a folder, not a .dlm file");
        if (!Files.isRegularFile(file)) throw new UnreadableSourceException(file + " is not a regular file (a device, pipe or socket); give a .dlm file");
        if (Files.size(file) > MAX_BYTES)
            throw new UnreadableSourceException(file + " is too large for a DLM source (" + Files.size(file) + " bytes; the limit is " + MAX_BYTES + ")");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1); // the file may have grown since its size was read
        }
        if (bytes.length > MAX_BYTES) throw new UnreadableSourceException(file + " is too large for a DLM source (over " + MAX_BYTES + " bytes)");
        return decode(file.toString(), bytes);
    }

    /** Decodes UTF-8, or throws a {@link DlmException} at the line and column of the first byte that is not. */
    public static SourceFile decode(String name, byte[] bytes) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) {
            dec.flush(out);
            return SourceFile.of(name, out.flip().toString());
        }
        int bad = in.position();
        String before = out.flip().toString();
        int line = 1, lineStart = 0;
        for (int i = 0; i < before.length(); i++) { // line breaks as SourceFile counts them: \n, \r\n, \r
            char ch = before.charAt(i);
            if (ch == '\n' || (ch == '\r' && (i + 1 >= before.length() || before.charAt(i + 1) != '\n'))) { line++; lineStart = i + 1; }
        }
        int column = before.length() - lineStart + 1;
        // The whole file, bad bytes replaced, so that the line can be shown with a caret under the first one.
        String shown = new String(bytes, StandardCharsets.UTF_8);
        SourceFile src = SourceFile.of(name, shown);
        String what = "byte 0x" + HexFormat.of().toHexDigits(bytes[bad]);
        String hint = "; save it as UTF-8";
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE) || (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)))
            hint = " (it looks like UTF-16 text); save it as UTF-8";
        else if (looksBinary(bytes)) hint = " (it looks like a binary file, not a program)";
        throw new DlmException(new SourceSpan(src, line, column, line, column + 1),
                "the file is not UTF-8 text: " + what + " at offset " + bad + " is not valid UTF-8" + hint);
    }

    private static boolean looksBinary(byte[] bytes) {
        int n = Math.min(bytes.length, 4096);
        for (int i = 0; i < n; i++) if (bytes[i] == 0) return true;
        return false;
    }
}
