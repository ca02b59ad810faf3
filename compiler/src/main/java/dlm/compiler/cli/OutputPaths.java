package dlm.compiler.cli;

import dlm.runtime.io.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.ZipFile;

/**
 * Checks the files a command will write before it does any work, so that a mistake in an output
 * path is a usage error (exit 2) naming the path and the reason, not an internal error after an
 * epoch of training. An output may create a new file or replace a file of its own kind (a DLM
 * checkpoint for {@code --save}, a JSON report for {@code --json}, a PNG for {@code show --out},
 * a class file in {@code compile --out}); anything else — the program itself, a checkpoint given
 * to {@code --json}, a folder, a device — is refused, since replacing it would lose data.
 */
final class OutputPaths {
    private OutputPaths() {}

    /** What a command writes; each kind recognises its own files. */
    enum Kind {
        CHECKPOINT("a DLM checkpoint (.npz written by dlmc train --save)"),
        JSON_REPORT("a JSON report (written by dlmc train --json)"),
        PNG("a PNG image"),
        CLASS_FILE("a JVM class file"),
        ONNX("an ONNX model (.onnx)"),
        HTML_REPORT("a training report (.html written by dlmc train --report or dlmc report)");

        final String description;

        Kind(String description) { this.description = description; }

        /** True when the existing regular file {@code p} is of this kind. */
        boolean recognises(Path p) {
            try {
                return switch (this) {
                    case CHECKPOINT -> isCheckpoint(p);
                    case JSON_REPORT -> isJsonReport(p);
                    case PNG -> startsWith(p, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
                    case CLASS_FILE -> startsWith(p, new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
                    // a ModelProto starts with field 1 (ir_version), a varint: tag byte 0x08
                    case ONNX -> p.getFileName().toString().endsWith(".onnx") && startsWith(p, new byte[] {0x08});
                    case HTML_REPORT -> isHtmlReport(p);
                };
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
    }

    /**
     * The path given to {@code --option}, checked as an output of {@code kind}: not empty, not a
     * folder or a special file, not an existing file of another kind, in an existing folder this
     * process can create files in. Throws {@link UsageException} saying which path and why.
     */
    static Path file(String option, String value, Kind kind) {
        Path p = parse(option, value);
        replaceable(option, p, kind);
        checkWritableFolder(option, value, p.toAbsolutePath().getParent());
        return p;
    }

    /** Refuses {@code p} when it exists and is not a regular file of {@code kind}. */
    static void replaceable(String option, Path p, Kind kind) {
        if (Files.isDirectory(p)) throw new UsageException(option + " " + p + " is a folder; give a file path");
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) || Files.exists(p)) {
            if (!Files.isRegularFile(p)) throw new UsageException(option + " " + p + " exists and is not a regular file; refusing to replace it");
            if (!kind.recognises(p))
                throw new UsageException(option + " " + p + " exists and is not " + kind.description
                        + "; refusing to overwrite it (choose a new path, or delete the file first)");
        }
    }

    /**
     * A folder given to {@code --option}: a new path (created later, with any missing parents) or
     * an existing folder, not a file (the message says what goes there: {@code purpose}). The
     * nearest existing ancestor must be a folder this process can create files in.
     */
    static Path folder(String option, String value, String purpose) {
        Path p = parse(option, value);
        if (Files.exists(p) && !Files.isDirectory(p))
            throw new UsageException(option + " " + value + " is an existing file, not a folder: " + purpose);
        Path existing = p.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) throw new UsageException(option + " " + value + ": no part of the path exists");
        if (!Files.isDirectory(existing)) throw new UsageException(option + " " + value + ": " + existing + " is not a folder");
        checkWritableFolder(option, value, existing);
        return p;
    }

    /** Refuses two options naming the same file (one output would replace the other). */
    static void distinct(String option1, Path p1, String option2, Path p2) {
        if (p1 == null || p2 == null) return;
        if (p1.toAbsolutePath().normalize().equals(p2.toAbsolutePath().normalize()))
            throw new UsageException(option1 + " and " + option2 + " name the same file " + p1 + "; one would overwrite the other");
    }

    private static Path parse(String option, String value) {
        if (value == null || value.isBlank()) throw new UsageException(option + " needs a path, got an empty one");
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException(option + " '" + value + "' is not a valid path: " + e.getReason());
        }
    }

    /** Creates and deletes a probe file in {@code dir}: the only reliable test (permissions, read-only mounts, root). */
    private static void checkWritableFolder(String option, String value, Path dir) {
        if (dir == null) throw new UsageException(option + " " + value + " has no parent folder");
        if (!Files.exists(dir)) throw new UsageException(option + " " + value + ": folder " + dir + " does not exist");
        if (!Files.isDirectory(dir)) throw new UsageException(option + " " + value + ": " + dir + " is not a folder");
        Path probe = dir.resolve(".dlmc-write-test." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            Files.newByteChannel(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        } catch (AccessDeniedException e) {
            throw new UsageException(option + " " + value + ": cannot write in folder " + dir + " (permission denied)");
        } catch (FileSystemException e) {
            throw new UsageException(option + " " + value + ": cannot write in folder " + dir + " ("
                    + (e.getReason() != null ? e.getReason() : "the file system does not allow creating files there") + ")");
        } catch (IOException e) {
            throw new UsageException(option + " " + value + ": cannot write in folder " + dir + " (" + e.getMessage() + ")");
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // nothing was created, or it cannot be removed: the write test above decides
            }
        }
    }

    private static boolean startsWith(Path p, byte[] magic) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return java.util.Arrays.equals(in.readNBytes(magic.length), magic);
        }
    }

    /** A zip archive holding the checkpoint metadata member. */
    private static boolean isCheckpoint(Path p) throws IOException {
        if (!startsWith(p, new byte[] {'P', 'K', 3, 4})) return false;
        try (ZipFile z = new ZipFile(p.toFile())) {
            return z.getEntry(Checkpoint.METADATA_ENTRY + ".npy") != null;
        }
    }

    /** An HTML file whose head names dlmc's report as its generator ({@code HtmlReport.GENERATOR}). */
    private static boolean isHtmlReport(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return new String(in.readNBytes(1024), StandardCharsets.UTF_8).contains(dlm.compiler.report.HtmlReport.GENERATOR);
        }
    }

    /** UTF-8 text holding one JSON object with the report's {@code test_loss} key. */
    private static boolean isJsonReport(Path p) throws IOException {
        if (Files.size(p) > 64L << 20) return false;
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(p))).toString().strip();
        } catch (CharacterCodingException e) {
            return false;
        }
        return text.startsWith("{") && text.endsWith("}") && text.contains("\"test_loss\"");
    }
}
