package dlm.maven;

import dlm.compiler.diag.DlmException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * {@code dlm:compile}: compiles every {@code .dlm} file under {@code src/main/dlm} (at any depth)
 * at build time — the predict step of its train block's model into an ordinary class file and its
 * memory plan (in {@code target/classes}), and a typed facade per model ({@code MnistModel}, in
 * {@code target/generated-sources/dlm}, added to the compile sources) — so that the application
 * needs only {@code dlm-runtime} at run time. Errors fail the build, each reported in Maven's
 * format at its place in the {@code .dlm} file: {@code [ERROR] path/model.dlm:[line,col] message}.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class CompileMojo extends AbstractMojo {
    /** Where the .dlm files are. */
    @Parameter(defaultValue = "${project.basedir}/src/main/dlm", property = "dlm.sourceDirectory")
    private File sourceDirectory;

    /** Where the step classes and their layouts go (the classes folder, so they are packaged with the application). */
    @Parameter(defaultValue = "${project.build.outputDirectory}")
    private File outputDirectory;

    /** Where the facades' Java sources go (added to the compile source roots). */
    @Parameter(defaultValue = "${project.build.directory}/generated-sources/dlm")
    private File generatedSourcesDirectory;

    /** The facades' package. */
    @Parameter(defaultValue = "dlm.models", property = "dlm.package")
    private String packageName;

    /** The batch size the predict steps are compiled for (0: each train block's batchSize, else 32); calls take any number of rows. */
    @Parameter(defaultValue = "0", property = "dlm.batchSize")
    private int batchSize;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        Path src = sourceDirectory.toPath();
        if (!Files.isDirectory(src)) {
            getLog().info("No DLM sources in " + src);
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(src)) {
            files = s.filter(f -> f.toString().endsWith(".dlm") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            throw new MojoExecutionException("cannot list " + src + ": " + e.getMessage(), e);
        }
        List<String> errors = new ArrayList<>();
        Map<String, Path> facades = new HashMap<>();
        for (Path f : files) {
            try {
                ModelCompiler.Output out = ModelCompiler.compile(f, packageName, batchSize);
                Path before = facades.putIfAbsent(out.facade(), f);
                if (before != null) {
                    errors.add(f + ": model " + out.facade() + " is also compiled from " + before + "; rename one of the models");
                    continue;
                }
                write(outputDirectory.toPath(), out.classes());
                write(outputDirectory.toPath(), out.resources());
                for (var e : out.sources().entrySet()) write(generatedSourcesDirectory.toPath(), Map.of(e.getKey(), e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                getLog().info("Compiled " + src.relativize(f) + " to " + packageName + "." + out.facade());
                if (!out.rowsIndependent())
                    getLog().warn(src.relativize(f) + ": the model's predict step mixes the rows of a batch (" + out.rowsMixAt()
                            + "); " + out.facade() + ".predict takes whole batches only");
            } catch (DlmException e) {
                errors.add(ModelCompiler.mavenError(e));
            } catch (IOException e) {
                errors.add(f + ": " + e.getMessage());
            }
        }
        if (project != null) project.addCompileSourceRoot(generatedSourcesDirectory.getPath());
        if (!errors.isEmpty()) {
            for (String e : errors) getLog().error(e);
            throw new MojoFailureException("DLM compilation failed: " + errors.size() + " error" + (errors.size() == 1 ? "" : "s") + " (listed above)");
        }
    }

    private static void write(Path root, Map<String, byte[]> files) throws IOException {
        for (var e : files.entrySet()) {
            Path p = root.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
    }
}
