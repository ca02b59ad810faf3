package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the {@code dlmc} launcher shows while it builds itself: its sed program
 * ({@code scripts/maven-progress.sed}) run on a Maven log as Maven 3.8 writes it, colour codes
 * included, must leave one line a module, Maven's errors, and no escape code.
 */
class LauncherBuildOutputTest {
    private static final String MAVEN_LOG = """
            \u001b[0m\u001b[0m[INFO] Scanning for projects...
            [INFO] ------------------------------------------------------------------------
            [INFO] Building DLM 0.1.0-SNAPSHOT                                        [1/5]
            [INFO] --------------------------------[ pom ]---------------------------------
            \u001b[0m[INFO] Building DLM runtime 0.1.0-SNAPSHOT                                [3/5]
            [INFO] Building jar: /src/runtime/target/dlm-runtime-0.1.0-SNAPSHOT.jar
            [INFO] Building DLM compiler (dlmc) 0.1.0-SNAPSHOT                        [5/5]
            \u001b[1;31m[ERROR]\u001b[m Failed to execute goal on project dlm-compiler: Compilation failure
            \u001b[0m\u001b[0m""";

    @Test
    void oneLineAModuleMavensErrorsAndNoEscapeCodes() throws Exception {
        Path script = TestFiles.root().resolve("scripts/maven-progress.sed");
        Process p = new ProcessBuilder("sed", "-n", "-f", script.toString()).start();
        p.getOutputStream().write(MAVEN_LOG.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertEquals("""
                dlmc:   building DLM [1/5]
                dlmc:   building DLM runtime [3/5]
                dlmc:   building DLM compiler (dlmc) [5/5]
                dlmc: maven: Failed to execute goal on project dlm-compiler: Compilation failure
                """, out);
    }

    @Test
    void theLauncherShowsMavenThroughThatProgram() throws Exception {
        String launcher = Files.readString(TestFiles.root().resolve("dlmc"));
        assertTrue(launcher.contains("sed -u -n -f \"$here/scripts/maven-progress.sed\""), "dlmc no longer filters Maven's output");
        assertTrue(!launcher.contains("mvn -q"), "a quiet Maven build shows nothing for a minute or more");
    }
}
