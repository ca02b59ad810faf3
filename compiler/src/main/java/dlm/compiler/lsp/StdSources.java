package dlm.compiler.lsp;

import dlm.compiler.check.ModuleLoader;
import dlm.compiler.diag.SourceFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The standard library's sources as files an editor can open: the modules ({@code std/nn.dlm},
 * resources of the stdlib module inside dlmc's jar) are copied, on first need, to
 * {@code <cache>/std-<hash>/std/MODULE.dlm}, where the hash is of their contents, so that a
 * new dlmc never points at an older copy, and the copies are plain {@code file:} URIs.
 * The cache is {@code $XDG_CACHE_HOME/dlm} (else {@code ~/.cache/dlm}, else the temp folder).
 */
final class StdSources {
    private final Path cache;
    private Path root; // <cache>/std-<hash>, once extracted

    StdSources(Path cache) { this.cache = cache; }

    static StdSources inUserCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        String home = System.getProperty("user.home");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home != null ? Path.of(home, ".cache") : Path.of(System.getProperty("java.io.tmpdir"));
        return new StdSources(base.resolve("dlm"));
    }

    /** The module a std source file is named after ({@code <std.nn>} → {@code std.nn}), or null. */
    static String module(SourceFile f) {
        String n = f.name();
        return n.startsWith("<std.") && n.endsWith(">") ? n.substring(1, n.length() - 1) : null;
    }

    /** A {@code file:} URI for a std module's source, or null when it cannot be written anywhere. */
    synchronized String uri(String module) {
        try {
            if (root == null) root = extract();
            Path p = root.resolve(module.replace('.', '/') + ".dlm");
            return Files.isRegularFile(p) ? p.toUri().toString() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private Path extract() throws IOException {
        byte[][] texts = new byte[ModuleLoader.STD_MODULES.size()][];
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < texts.length; i++) {
            texts[i] = resource(ModuleLoader.STD_MODULES.get(i));
            sha.update(texts[i]);
        }
        Path dir = cache.resolve("std-" + HexFormat.of().formatHex(sha.digest()).substring(0, 16));
        for (int i = 0; i < texts.length; i++) {
            Path p = dir.resolve(ModuleLoader.STD_MODULES.get(i).replace('.', '/') + ".dlm");
            if (Files.isRegularFile(p) && Files.size(p) == texts[i].length) continue;
            Files.createDirectories(p.getParent());
            Path tmp = Files.createTempFile(p.getParent(), ".std", ".tmp");
            Files.write(tmp, texts[i]);
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return dir;
    }

    private static byte[] resource(String module) throws IOException {
        String name = module.replace('.', '/') + ".dlm";
        try (InputStream in = StdSources.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IOException("no resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        }
    }
}
