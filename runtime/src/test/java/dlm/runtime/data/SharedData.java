package dlm.runtime.data;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The verified copies of MNIST and Fashion-MNIST the tests read, and options isolated from the machine. */
final class SharedData {
    private SharedData() {}

    /**
     * The folder holding {@code mnist/} and {@code fashion-mnist/}: {@code $DLM_DATA}, else
     * {@code ${dlm.root}/../shared/data}, else {@code /work/shared/data}. Fails (never skips) when
     * none exists: CI always has the data, and a silently skipped dataset test proves nothing.
     */
    static Path root() {
        List<Path> tried = new ArrayList<>();
        String env = System.getenv("DLM_DATA");
        if (env != null && !env.isBlank()) tried.add(Path.of(env));
        String root = System.getProperty("dlm.root");
        if (root != null && !root.isBlank()) tried.add(Path.of(root).resolve("../shared/data").normalize());
        tried.add(Path.of("/work/shared/data"));
        for (Path p : tried)
            if (Files.isDirectory(p.resolve("mnist")) && Files.isDirectory(p.resolve("fashion-mnist"))) return p;
        return fail("the MNIST/Fashion-MNIST test data is missing: none of " + tried
                + " holds mnist/ and fashion-mnist/ (see shared/data/README.md; set DLM_DATA to its folder)");
    }

    static Path file(DatasetSpec spec, DataFile file) {
        return root().resolve(spec.name()).resolve(file.fileName());
    }

    /** No environment, a temporary home, silent, short timeout: nothing of the real machine leaks in. */
    static DatasetOptions isolated(Path home) {
        return new DatasetOptions(null, Map.of(), home, null, null, Duration.ofSeconds(5), true, false, Progress.silent());
    }

    /** Symbolic links to the real files of a dataset in {@code dir} (cheap, and loadable). */
    static Path linkFiles(DatasetSpec spec, Path dir) {
        try {
            Files.createDirectories(dir);
            for (DataFile f : spec.files()) Files.createSymbolicLink(dir.resolve(f.fileName()), file(spec, f));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes the symbolic links under {@code root}, so that JUnit's clean-up of a temporary
     * folder does not warn about links pointing outside it.
     */
    static void unlinkAll(Path root) {
        if (!Files.isDirectory(root)) return;
        try (var s = Files.walk(root)) {
            for (Path p : s.filter(Files::isSymbolicLink).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The regular files and links in a folder, by name (empty when it does not exist). */
    static List<String> list(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
