package dlm.compiler.cli;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedModel;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.PrintAction;
import dlm.compiler.check.Show;
import dlm.compiler.check.Value;
import dlm.compiler.codegen.Codegen;
import dlm.compiler.codegen.CompiledGraph;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.NonFinite;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.MemoryEstimate;
import dlm.compiler.ir.Node;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code dlmc run FILE}: evaluate the top-level statements (printing what println asks for),
 * then every model whose inputs all have default values, printing its outputs.
 */
final class RunCommand implements Command {
    public String name() { return "run"; }

    public boolean computes() { return true; }

    public String summary() { return "evaluate a program's statements and the models whose inputs all have values"; }

    public String usage() { return "FILE.dlm [--seed S] [--backend jit|interp]"; }

    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("seed for param initialization (default 0)").get())
                .addOption(Option.builder().longOpt("backend").hasArg().argName("jit|interp").desc("models run compiled (jit, default) or on the reference interpreter").get());
    }

    public int run(CommandLine cl, Console c) throws Exception {
        long seed = cl.hasOption("seed") ? Args.longValue(cl, "seed") : 0;
        String backend = Args.choice(cl, "backend", "jit", "jit", "interp");
        CheckedProgram p = Programs.load(Args.file(cl), c);
        runScript(p, c);
        for (CheckedModel m : p.models().values()) {
            boolean allFed = m.graph().inputs().stream().allMatch(n -> n.attrs().has("default"));
            if (!allFed) continue;
            MemoryEstimate.allNodes(m.graph()).require(m.decl().nameSpan(), "running model " + m.name(), MemoryEstimate.available());
            ParamStore params = ParamStore.initialize(m.graph(), seed);
            if (backend.equals("jit")) {
                // Inputs keep their defaults (static shapes); params are bound to the store's arrays.
                Map<String, Tensor> bind = new java.util.HashMap<>(params.all());
                for (Node in : m.graph().inputs()) bind.put(in.name(), in.attrs().getTensor("default"));
                CompiledGraph cg = Codegen.compile(m.graph(), Map.of()).instantiate(bind);
                cg.run();
                // Compiled code keeps no intermediate values: where an output is not finite, the
                // interpreter finds the op that made the NaN or inf.
                if (m.graph().outputs().keySet().stream().anyMatch(k -> !NonFinite.finite(cg.output(k))))
                    warnNonFinite(m.graph(), new Interpreter(m.graph(), params).run(Map.of(), new ArrayList<>(m.graph().outputs().values())), c);
                for (String k : m.graph().outputs().keySet()) c.out().println(m.name() + "." + k + " = " + cg.output(k));
            } else {
                Interpreter in = new Interpreter(m.graph(), params);
                List<Node> outs = new ArrayList<>(m.graph().outputs().values());
                Map<Node, Tensor> vals = in.run(Map.of(), outs);
                warnNonFinite(m.graph(), vals, c);
                m.graph().outputs().forEach((k, n) -> c.out().println(m.name() + "." + k + " = " + vals.get(n)));
            }
        }
        return 0;
    }

    /**
     * Like NumPy's RuntimeWarning ({@code divide by zero encountered in divide}): each op that
     * made a NaN or inf from finite inputs keeps its IEEE result, and gets a located warning
     * ({@code file:line:col: warning: division by zero gives inf}).
     */
    static void warnNonFinite(dlm.compiler.ir.Graph g, Map<Node, Tensor> vals, Console c) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (NonFinite.Source s : NonFinite.sources(g, vals)) {
            String w = dlm.compiler.diag.Diagnostics.render(s.node().span(), "warning", s.message());
            if (seen.add(w)) c.err().println(w);
        }
    }

    /** The tensors a printed value holds (lists may hold tensors). */
    private static void collect(Value v, List<Node> out) {
        if (v instanceof Value.TensorV t) out.add(t.node());
        if (v instanceof Value.ListV l) for (Value i : l.items()) collect(i, out);
    }

    private static String show(Value v, Map<Node, Tensor> vals) {
        if (v instanceof Value.TensorV t) return vals.get(t.node()).toString();
        if (v instanceof Value.ListV l && l.items().stream().anyMatch(i -> i instanceof Value.TensorV)) {
            List<String> parts = new ArrayList<>();
            for (Value i : l.items()) parts.add(show(i, vals));
            return "[" + String.join(", ", parts) + "]";
        }
        return Show.value(v);
    }

    static void runScript(CheckedProgram p, Console c) {
        if (p.prints().isEmpty()) return;
        List<Node> targets = new ArrayList<>();
        for (PrintAction a : p.prints()) for (Value v : a.items()) collect(v, targets);
        MemoryEstimate.allNodes(p.script()).requireAtBiggest("running the top-level statements", MemoryEstimate.available());
        Map<Node, Tensor> vals = new Interpreter(p.script(), new ParamStore()).run(Map.of(), targets);
        warnNonFinite(p.script(), vals, c);
        for (PrintAction a : p.prints()) {
            StringBuilder sb = new StringBuilder();
            for (Value v : a.items()) {
                if (!sb.isEmpty()) sb.append(' ');
                sb.append(show(v, vals));
            }
            if (a.newline()) c.out().println(sb);
            else c.out().print(sb);
        }
    }
}
