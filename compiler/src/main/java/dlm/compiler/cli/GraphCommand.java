package dlm.compiler.cli;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedModel;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.ir.GraphPrinter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code dlmc graph FILE [--format text|dot] [--model NAME]}: print the forward graph. */
final class GraphCommand implements Command {
    public String name() { return "graph"; }

    public String summary() { return "print the computation graph of each model (text or Graphviz DOT)"; }

    public String usage() { return "FILE.dlm [--format text|dot] [--model NAME]"; }

    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("format").hasArg().argName("text|dot").desc("output format (default text)").get())
                .addOption(Option.builder().longOpt("model").hasArg().argName("NAME").desc("only this model (default: every model, or the script)").get());
    }

    public int run(CommandLine cl, Console c) throws Exception {
        String format = Args.choice(cl, "format", "text", "text", "dot");
        CheckedProgram p = Frontend.load(Args.file(cl));
        String only = cl.getOptionValue("model");
        if (only != null && !p.models().containsKey(only))
            throw new UsageException("no model named '" + only + "' (models: " + String.join(", ", p.models().keySet()) + ")");
        boolean any = false;
        for (CheckedModel m : p.models().values()) {
            if (only != null && !only.equals(m.name())) continue;
            c.out().print(format.equals("dot") ? GraphPrinter.dot(m.name(), m.graph()) : GraphPrinter.text(m.name(), m.graph()));
            any = true;
        }
        if (!any && p.script().size() > 0)
            c.out().print(format.equals("dot") ? GraphPrinter.dot("script", p.script()) : GraphPrinter.text("script", p.script()));
        return 0;
    }
}
