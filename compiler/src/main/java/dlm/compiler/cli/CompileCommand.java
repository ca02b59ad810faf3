package dlm.compiler.cli;

import dlm.compiler.codegen.Codegen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code dlmc compile FILE --out DIR}: writes the generated train, eval and predict classes. */
final class CompileCommand implements Command {
    public String name() { return "compile"; }

    public String summary() { return "write the generated JVM classes (train, eval and predict steps) to a folder"; }

    public String usage() { return "FILE.dlm --out DIR [--batch-size N]"; }

    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("out").hasArg().argName("DIR").desc("folder for the .class files").get())
                .addOption(Option.builder().longOpt("batch-size").hasArg().argName("N").desc("batch size to specialize for (default: the train block's)").get());
    }

    public int run(CommandLine cl, Console c) throws Exception {
        if (!cl.hasOption("out")) throw new UsageException("--out DIR is required");
        Path out = OutputPaths.folder("--out", cl.getOptionValue("out"),
                "compile writes one .class file per step into the folder --out names");
        TrainSetup setup = TrainSetup.load(cl, c);
        int batch = setup.intSetting(cl, "batch-size", "batchSize", 32);
        Map<String, byte[]> classes = Codegen.classFiles(setup.graph, batch);
        // Every file is checked before the first is written: only class files may be replaced.
        for (String name : classes.keySet()) OutputPaths.replaceable("--out", out.resolve(name), OutputPaths.Kind.CLASS_FILE);
        Files.createDirectories(out);
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            Files.write(out.resolve(e.getKey()), e.getValue());
            c.out().println("wrote " + out.resolve(e.getKey()) + " (" + e.getValue().length + " bytes)");
        }
        return 0;
    }
}
