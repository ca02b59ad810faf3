package dlm.compiler.cli;

import dlm.compiler.Frontend;
import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.check.CheckedModel;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.GraphPrinter;
import dlm.compiler.ir.Node;
import dlm.compiler.passes.DeadCodeElimination;
import dlm.compiler.passes.PassPipeline;
import dlm.compiler.print.DlmSourcePrinter;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code dlmc grad FILE}: the backward graph of each model's loss — as text, DOT or DLM source —
 * simplified by the graph passes, and, when every input has a value, the gradients' values.
 */
final class GradCommand implements Command {
    public String name() { return "grad"; }

    public boolean computes() { return true; }

    public String summary() { return "print the symbolic gradients of a model's loss (text, DOT or DLM source) and their values"; }

    public String usage() { return "FILE.dlm [--wrt NAME,…] [--format text|dot|dlm] [--no-simplify] [--model NAME] [--seed S]"; }

    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("wrt").hasArg().argName("NAME,…").desc("params or inputs to differentiate with respect to (default: every param)").get())
                .addOption(Option.builder().longOpt("format").hasArg().argName("text|dot|dlm").desc("output format (default text)").get())
                .addOption(Option.builder().longOpt("no-simplify").desc("print the graph as differentiation builds it, without the passes").get())
                .addOption(Option.builder().longOpt("model").hasArg().argName("NAME").desc("only this model").get())
                .addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("seed for initial param values (default 0)").get());
    }

    public int run(CommandLine cl, Console c) throws Exception {
        String format = Args.choice(cl, "format", "text", "text", "dot", "dlm");
        long seed = cl.hasOption("seed") ? Args.longValue(cl, "seed") : 0;
        List<String> wrtNames = cl.hasOption("wrt") ? Arrays.stream(cl.getOptionValue("wrt").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList() : null;
        CheckedProgram p = Programs.load(Args.file(cl), c);
        String only = cl.getOptionValue("model");
        if (only != null && !p.models().containsKey(only))
            throw new UsageException("no model named '" + only + "' (models: " + String.join(", ", p.models().keySet()) + ")");
        for (CheckedModel m : p.models().values()) {
            if (only != null && !only.equals(m.name())) continue;
            if (only == null && m.graph().output("loss") == null && p.trainFor(m.name()) == null) continue;
            Gradients g = Gradients.of(LossTarget.of(p, m), wrtNames, !cl.hasOption("no-simplify"));
            switch (format) {
                case "dot" -> c.out().print(GraphPrinter.dot(m.name() + " gradients", g.graph()));
                case "dlm" -> c.out().print(DlmSourcePrinter.print(m.name() + "Gradients", g.graph(), g.grads(),
                        List.of("The gradients of " + m.name() + "'s " + g.target().lossName() + " with respect to " + String.join(", ", g.wrtNames()) + ",",
                                "written by `dlmc grad --format dlm` from " + Args.file(cl).getFileName() + ". It returns "
                                        + (g.grads().size() == 1 ? "the gradient." : "them in that order."))));
                default -> c.out().print(GraphPrinter.text(m.name() + " gradients", g.graph()));
            }
            if (!format.equals("dlm") && g.target().evaluable()) {
                Interpreter in = new Interpreter(g.graph(), ParamStore.initialize(g.graph(), seed));
                Map<Node, Tensor> vals = in.run(Map.of(), g.grads());
                for (int i = 0; i < g.grads().size(); i++)
                    c.out().println("grad(" + g.target().lossName() + ", " + g.wrtNames().get(i) + ") = " + TensorText.value(vals.get(g.grads().get(i))));
            }
        }
        return 0;
    }

    /**
     * The graph without the inputs and params the gradients do not use (except those asked
     * for): a train block's graph also holds the optimizer's step and slot inputs
     * ({@code hidden.W/m}), which have nothing to do with the gradients.
     */
    static Graph usedOnly(Graph g, List<String> wrtNames) {
        java.util.Set<Node> live = Graph.dependencies(g.outputs().values());
        dlm.compiler.passes.Rewriter rw = new dlm.compiler.passes.Rewriter(g);
        for (Node n : g.nodes()) {
            boolean keep = live.contains(n) || ((n.is("input") || n.is("param")) && wrtNames.contains(n.name()));
            if (keep) rw.copy(n);
            else rw.drop(n);
        }
        return rw.finish().graph();
    }

    /** The gradient graph: outputs {@code grad(loss, w)} for each w, optionally simplified. */
    record Gradients(LossTarget target, Graph graph, List<Node> grads, List<String> wrtNames) {
        static Gradients of(LossTarget t, List<String> wrtNames, boolean simplify) {
            List<Node> wrt = t.wrt(wrtNames);
            List<Node> grads = Autodiff.grad(t.graph(), t.loss(), wrt, t.loss().span());
            Graph withOutputs = t.graph();
            // Outputs are only the gradients, so passes (and DCE) keep just what computes them.
            withOutputs.clearOutputs();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < wrt.size(); i++) {
                names.add(wrt.get(i).name());
                withOutputs.setOutput("grad(" + t.lossName() + ", " + wrt.get(i).name() + ")", grads.get(i));
            }
            Graph result = usedOnly(simplify ? PassPipeline.standard().apply(withOutputs) : PassPipeline.of(new DeadCodeElimination()).apply(withOutputs), names);
            List<Node> out = new ArrayList<>();
            for (String n : names) out.add(result.output("grad(" + t.lossName() + ", " + n + ")"));
            return new Gradients(t, result, out, names);
        }
    }
}
