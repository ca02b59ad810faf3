package dlm.compiler.cli;

import dlm.compiler.ast.Ast;
import dlm.compiler.check.CheckedModel;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Checker;
import dlm.compiler.check.TrainConfig;
import dlm.compiler.diag.SourceReader;
import dlm.compiler.parse.Parser;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code dlmc check FILE}: parse and check; print each model's summary. */
final class CheckCommand implements Command {
    public String name() { return "check"; }

    public String summary() { return "parse and check a program; print a summary of each model's params"; }

    public String usage() { return "FILE.dlm [--timings]"; }

    public Options options() {
        return new Options().addOption(Option.builder().longOpt("timings")
                .desc("print where the time went on stderr: launcher, JVM start, parse, check (with the std modules it imports), output").get());
    }

    public int run(CommandLine cl, Console c) throws Exception {
        Timings t = cl.hasOption("timings") ? new Timings() : null;
        Path file = Args.file(cl);
        Ast.Program ast = Parser.parse(SourceReader.read(file));
        if (t != null) t.phase("parse");
        CheckedProgram p = new Checker().check(ast);
        if (t != null) t.phase("check");
        for (String w : p.ast().file().warnings()) c.err().println(w);
        for (CheckedModel m : p.models().values()) c.out().print(ModelSummary.render(m));
        for (TrainConfig tc : p.trains())
            c.out().println("train(" + tc.model().name() + "): " + tc.settings().entrySet().stream()
                    .map(e -> e.getKey() + " = " + dlm.compiler.check.Show.value(e.getValue())).reduce((a, b) -> a + ", " + b).orElse(""));
        c.out().println(file + ": ok (" + p.models().size() + " model" + (p.models().size() == 1 ? "" : "s") + ")");
        if (t != null) {
            c.out().flush();
            t.phase("output");
            t.print(c.err());
        }
        return 0;
    }
}
