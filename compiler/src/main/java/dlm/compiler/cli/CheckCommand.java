package dlm.compiler.cli;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedModel;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.TrainConfig;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code dlmc check FILE}: parse and check; print each model's summary. */
final class CheckCommand implements Command {
    public String name() { return "check"; }

    public String summary() { return "parse and check a program; print a summary of each model's params"; }

    public String usage() { return "FILE.dlm"; }

    public Options options() { return new Options(); }

    public int run(CommandLine cl, Console c) throws Exception {
        CheckedProgram p = Programs.load(Args.file(cl), c);
        for (CheckedModel m : p.models().values()) c.out().print(ModelSummary.render(m));
        for (TrainConfig t : p.trains())
            c.out().println("train(" + t.model().name() + "): " + t.settings().entrySet().stream()
                    .map(e -> e.getKey() + " = " + dlm.compiler.check.Show.value(e.getValue())).reduce((a, b) -> a + ", " + b).orElse(""));
        c.out().println(Args.file(cl) + ": ok (" + p.models().size() + " model" + (p.models().size() == 1 ? "" : "s") + ")");
        return 0;
    }
}
