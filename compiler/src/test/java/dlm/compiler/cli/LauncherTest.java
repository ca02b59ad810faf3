package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code dlmc} launcher script's start-up handling, run for real (bash, this JDK) on a small
 * stand-in jar ({@code DLM_JAR}, main class {@link LauncherProbe}) with the caches in a temporary
 * folder ({@code DLM_AOT_DIR}): the JVM's AOT cache is made on first use, used afterwards, made
 * again when the jar is newer or the JDK or flags differ, ignored without a word when the JVM
 * refuses it; the front-end commands start without the Vector API module.
 */
class LauncherTest {
    @TempDir
    Path tmp;

    Path jar, aotDir;

    record Run(int status, String out, String err) {}

    @BeforeEach
    void probeJar() throws IOException {
        jar = tmp.resolve("probe.jar");
        aotDir = tmp.resolve("aot");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        String entry = LauncherProbe.class.getName().replace('.', '/') + ".class";
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os, mf);
             InputStream in = LauncherProbe.class.getClassLoader().getResourceAsStream(entry)) {
            jos.putNextEntry(new JarEntry(entry));
            in.transferTo(jos);
            jos.closeEntry();
        }
    }

    private Run dlmc(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", TestFiles.root().resolve("dlmc").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("DLM_JAR", jar.toString());
        pb.environment().put("DLM_AOT_DIR", aotDir.toString());
        pb.environment().remove("DLM_JAVA_OPTS");
        pb.environment().remove("DLM_AOT");
        pb.environment().putAll(env);
        Path out = tmp.resolve("out.txt"), err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher finished");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private Run dlmc(String... args) throws IOException, InterruptedException { return dlmc(Map.of(), args); }

    private static final String PREPARING = "dlmc: preparing the JVM's start-up cache";

    @Test
    void theCacheIsMadeOnFirstUseThenUsed() throws Exception {
        Run first = dlmc("train", "x.dlm");
        assertEquals(0, first.status(), first.err());
        assertTrue(first.err().contains(PREPARING), first.err());
        assertTrue(first.out().contains("args: train x.dlm"), first.out());
        Path cache = aotDir.resolve("dlmc-compute.aot");
        assertTrue(Files.size(cache) > 0, "the cache is written");
        assertTrue(Files.exists(aotDir.resolve("dlmc-compute.aot.key")));
        assertTrue(first.out().contains("aot cache: " + cache), first.out());

        Run second = dlmc("train", "x.dlm");
        assertEquals(0, second.status(), second.err());
        assertEquals("", second.err(), "nothing to prepare, nothing said");
        assertTrue(second.out().contains("aot cache: " + cache), second.out());
    }

    @Test
    void theJvmReallyLoadsClassesFromTheCache() throws Exception {
        Map<String, String> log = Map.of("DLM_JAVA_OPTS", "-Xlog:class+load=info");
        assertEquals(0, dlmc(log, "train", "x.dlm").status());
        Run r = dlmc(log, "train", "x.dlm");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains(LauncherProbe.class.getName() + " source: shared objects file"), r.out());
    }

    @Test
    void aStaleCacheIsMadeAgain() throws Exception {
        assertEquals(0, dlmc("train", "x.dlm").status());
        Path cache = aotDir.resolve("dlmc-compute.aot");
        // a rebuilt jar (another time stamp): the JVM would refuse the cache
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(cache).toMillis() + 5_000));
        Run r = dlmc("train", "x.dlm");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains(PREPARING), "made again: " + r.err());
        assertTrue(r.out().contains("aot cache: " + cache), r.out());
        Run again = dlmc("train", "x.dlm");
        assertEquals("", again.err(), "and used from then on");
        // made for another JDK (or other flags): its key differs
        Files.writeString(aotDir.resolve("dlmc-compute.aot.key"), "another JDK\n");
        Run other = dlmc("train", "x.dlm");
        assertTrue(other.err().contains(PREPARING), "made again: " + other.err());
        assertEquals(0, dlmc(Map.of("DLM_JAVA_OPTS", "-Xmx300m"), "train", "x.dlm").status());
        assertTrue(Files.readString(aotDir.resolve("dlmc-compute.aot.key")).contains("-Xmx300m"), "the flags are part of the key");
    }

    @Test
    void aCacheTheJvmRefusesIsIgnoredQuietly() throws Exception {
        assertEquals(0, dlmc("train", "x.dlm").status());
        Path cache = aotDir.resolve("dlmc-compute.aot");
        FileTime t = Files.getLastModifiedTime(cache);
        byte[] junk = new byte[4096];
        new java.util.Random(1).nextBytes(junk);
        Files.write(cache, junk);
        Files.setLastModifiedTime(cache, t);
        Run r = dlmc("train", "x.dlm");
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err(), "the JVM's complaints about the cache are not shown");
        assertTrue(r.out().contains("args: train x.dlm"), r.out());
    }

    @Test
    void frontEndCommandsStartWithoutTheVectorApiAndWithTheirOwnCache() throws Exception {
        Run check = dlmc("check", "x.dlm");
        assertEquals(0, check.status(), check.err());
        assertTrue(check.out().contains("vector module: false"), check.out());
        assertTrue(check.out().contains("aot cache: " + aotDir.resolve("dlmc-front.aot")), check.out());
        for (String cmd : List.of("graph", "grad")) assertTrue(dlmc(cmd, "x.dlm").out().contains("vector module: false"), cmd);
        Run train = dlmc("train", "x.dlm");
        assertTrue(train.out().contains("vector module: true"), train.out());
        assertTrue(train.out().contains("aot cache: " + aotDir.resolve("dlmc-compute.aot")), train.out());
    }

    @Test
    void theCacheCanBeTurnedOff() throws Exception {
        Run r = dlmc(Map.of("DLM_AOT", "off"), "train", "x.dlm");
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertFalse(r.out().contains("aot cache:"), r.out());
        assertFalse(Files.exists(aotDir), "nothing written");
    }

    @Test
    void aFailedTrainingRunIsNotRetriedForTheSameJarAndJdk() throws Exception {
        // the training run fails: the launcher says so once, runs without a cache, and does not try again
        Map<String, String> failing = Map.of("DLM_JAVA_OPTS", "-Ddlm.probe.failTraining=true");
        Run first = dlmc(failing, "train", "x.dlm");
        assertEquals(0, first.status(), first.err());
        assertTrue(first.err().contains("could not make the start-up cache"), first.err());
        assertTrue(first.out().contains("args: train x.dlm") && !first.out().contains("aot cache:"), first.out());
        Run second = dlmc(failing, "train", "x.dlm");
        assertEquals(0, second.status(), second.err());
        assertEquals("", second.err());
    }
}
