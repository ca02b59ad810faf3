package dlm.compiler;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
