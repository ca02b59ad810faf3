package dlm.compiler.cli;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedModel;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.TrainConfig;
import dlm.compiler.check.Value;
import dlm.compiler.codegen.Codegen;
import dlm.compiler.codegen.RuleFiring;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.GraphPrinter;
import dlm.compiler.passes.PassPipeline;
import dlm.compiler.passes.PipelineResult;
import dlm.compiler.train.TrainGraph;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code dlmc graph FILE [--format text|dot] [--model NAME]}: print the forward graph. */
final class GraphCommand implements Command {
    public String name() { return "graph"; }

    public String summary() { return "print the computation graph of each model (text or Graphviz DOT)"; }

    public String usage() { return "FILE.dlm [--format text|dot] [--model NAME] [--simplify] [--stats]"; }

    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("format").hasArg().argName("text|dot").desc("output format (default text)").get())
                .addOption(Option.builder().longOpt("model").hasArg().argName("NAME").desc("only this model (default: every model, or the script)").get())
                .addOption(Option.builder().longOpt("simplify").desc("run the graph passes (fold, simplify, CSE, DCE) before printing").get())
                .addOption(Option.builder().longOpt("stats").desc("print node counts before and after each pass, and its time (implies --simplify); for a trained model, how often each fusion rule fires in its train step").get());
    }

    /**
     * The planner's fusion rules on the train step of {@code t}'s model, at the train block's
     * batch size, with how many times each fired (the step is planned, not generated).
     */
    private static void printFusionRules(CheckedProgram p, TrainConfig t, Console c) {
        int batch = t.settings().get("batchSize") instanceof Value.NumberV n ? (int) n.asLong() : 32;
        String title = "fusion rules on the train step of " + t.model().name() + " (batch " + batch + ")";
        try {
            c.out().print(title + ":\n" + RuleFiring.render(Codegen.fusionRules(TrainGraph.build(p, t), Codegen.StepKind.TRAIN, batch)));
        } catch (DlmException e) {
            c.out().print(title + ": not compiled: " + e.getMessage() + "\n");
        }
    }

    public int run(CommandLine cl, Console c) throws Exception {
        String format = Args.choice(cl, "format", "text", "text", "dot");
        CheckedProgram p = Programs.load(Args.file(cl), c);
        String only = cl.getOptionValue("model");
        if (only != null && !p.models().containsKey(only))
            throw new UsageException("no model named '" + only + "' (models: " + String.join(", ", p.models().keySet()) + ")");
        boolean any = false;
        boolean simplify = cl.hasOption("simplify") || cl.hasOption("stats");
        for (CheckedModel m : p.models().values()) {
            if (only != null && !only.equals(m.name())) continue;
            Graph g = m.graph();
            if (simplify) {
                PipelineResult r = PassPipeline.standard().run(g);
                g = r.graph();
                if (cl.hasOption("stats")) {
                    c.out().print("passes on " + m.name() + ":\n" + r.render());
                    for (TrainConfig t : p.trains()) if (t.model().name().equals(m.name())) printFusionRules(p, t, c);
                }
            }
            c.out().print(format.equals("dot") ? GraphPrinter.dot(m.name(), g) : GraphPrinter.text(m.name(), g));
            any = true;
        }
        if (!any && p.script().size() > 0)
            c.out().print(format.equals("dot") ? GraphPrinter.dot("script", p.script()) : GraphPrinter.text("script", p.script()));
        return 0;
    }
}
