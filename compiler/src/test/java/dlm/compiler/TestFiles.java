package dlm.compiler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Locates the repository's folders from tests (surefire passes the reactor root as dlm.root). */
public final class TestFiles {
    private TestFiles() {}

    public static Path root() {
        String r = System.getProperty("dlm.root");
        Path p = r != null && !r.isBlank() ? Path.of(r) : Path.of("..");
        if (!Files.isDirectory(p.resolve("examples"))) p = Path.of(".").toAbsolutePath().getParent();
        return p.toAbsolutePath().normalize();
    }

    public static Path examples() { return root().resolve("examples"); }

    public static Path example(String name) { return examples().resolve(name); }

    /**
     * The folder with the real MNIST and Fashion-MNIST files: $DLM_DATA, else the shared/data
     * folder beside the repository. Tests that need it fail (never skip) when it is missing.
     */
    public static Path dataDir() {
        String env = System.getenv("DLM_DATA");
        List<Path> candidates = new java.util.ArrayList<>();
        if (env != null && !env.isBlank()) candidates.add(Path.of(env));
        candidates.add(root().resolve("../shared/data").normalize());
        candidates.add(Path.of("/work/shared/data"));
        for (Path p : candidates) if (Files.isDirectory(p.resolve("mnist"))) return p;
        throw new AssertionError("no MNIST data: set DLM_DATA to a folder holding mnist/ and fashion-mnist/ (looked in " + candidates + ")");
    }
}
