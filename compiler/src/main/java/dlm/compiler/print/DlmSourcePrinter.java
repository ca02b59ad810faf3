package dlm.compiler.print;

import dlm.compiler.check.AttrCodec;
import dlm.compiler.check.Builtins;
import dlm.compiler.check.Show;
import dlm.compiler.check.TensorSource;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ops.OpRegistry;
import dlm.compiler.ops.Spelling;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a graph back as a DLM program: a model with the graph's inputs (and their defaults) as
 * arguments, its params with their initializers, one {@code val} per node and the requested
 * values returned. Ops with a DLM operator or function print that way; any other op prints as
 * {@code primitive("op", inputs…, attr = value…)}, so every graph — forward or backward — is a
 * program that {@code dlmc check} accepts and that computes the same values. How an op is written
 * is the op's own {@link Spelling}.
 */
public final class DlmSourcePrinter {
    private static final Set<String> KEYWORDS = Set.of("import", "fun", "model", "train", "val", "param", "state", "return", "true", "false", "loss");

    private final Map<Node, String> names = new HashMap<>();
    private final Set<String> used = new HashSet<>();
    private final Set<String> reserved;

    private DlmSourcePrinter() {
        reserved = new HashSet<>(KEYWORDS);
        reserved.addAll(Builtins.prelude().visibleNames());
    }

    /**
     * A program with one model, {@code modelName}, returning {@code results} (one value, or a
     * list of them); {@code header} lines become comments at the top.
     */
    public static String print(String modelName, Graph g, List<Node> results, List<String> header) {
        return new DlmSourcePrinter().render(modelName, g, results, header);
    }

    private String render(String modelName, Graph g, List<Node> results, List<String> header) {
        boolean[] needed = new boolean[g.size()];
        List<Node> stack = new ArrayList<>(results);
        while (!stack.isEmpty()) {
            Node n = stack.remove(stack.size() - 1);
            if (needed[n.id()]) continue;
            needed[n.id()] = true;
            stack.addAll(n.inputs());
        }
        StringBuilder sb = new StringBuilder();
        for (String h : header) sb.append("// ").append(h).append('\n');
        List<String> args = new ArrayList<>();
        // every input, the run-time leaves (training flag, random seed and step) included: the
        // printed program has them as ordinary arguments with their defaults
        for (Node in : g.nodesOf("input")) {
            String a = name(in) + ": " + in.type();
            if (in.attrs().has("default")) a += " = " + TensorSource.literal(in.attrs().getTensor("default"));
            args.add(a);
        }
        sb.append("model ").append(modelName).append('(').append(String.join(", ", args)).append(") {\n");
        for (Node p : g.params())
            sb.append(p.attrs().getBool("trainable", true) ? "    param " : "    state ").append(name(p)).append(": ").append(p.type()).append(" = ").append(Show.value((dlm.compiler.check.Value) p.attrs().get("init"))).append('\n');
        for (Node n : g.nodes()) {
            if (!needed[n.id()] || n.is("input") || n.is("param")) continue;
            sb.append("    val ").append(name(n)).append(" = ").append(expr(n)).append('\n');
        }
        if (results.size() == 1) sb.append("    return ").append(name(results.get(0))).append('\n');
        else sb.append("    return [").append(String.join(", ", results.stream().map(this::name).toList())).append("]\n");
        return sb.append("}\n").toString();
    }

    private String expr(Node n) {
        List<String> ins = n.inputs().stream().map(this::name).toList();
        String op = n.opName();
        if (op.equals("constant")) return TensorSource.literal(n.attrs().getTensor("value"));
        // The op's own spelling (from the registry), when it has one and no attributes to write.
        Spelling sp = OpRegistry.get(op).spelling();
        if (n.attrs().isEmpty()) {
            switch (sp.form()) {
                case INFIX -> { return ins.get(0) + " " + sp.text() + " " + ins.get(1); }
                case PREFIX -> { return sp.text() + ins.get(0); }
                case CALL -> { return sp.text() + "(" + String.join(", ", ins) + ")"; }
                case NONE -> { }
            }
        }
        StringBuilder sb = new StringBuilder("primitive(\"").append(op).append('"');
        for (String i : ins) sb.append(", ").append(i);
        for (var e : n.attrs().asMap().entrySet()) {
            if (AttrCodec.kind(e.getKey()) == null) throw new IllegalArgumentException("op " + op + " has attribute " + e.getKey() + " with no DLM form");
            sb.append(", ").append(e.getKey()).append(" = ").append(AttrCodec.encode(e.getValue()));
        }
        return sb.append(')').toString();
    }

    /** The identifier of a node: its own name when that is one, backticked for dotted param paths. */
    private String name(Node n) {
        String s = names.get(n);
        if (s != null) return s;
        String base = n.name();
        if (n.is("input") || n.is("param")) {
            s = base.matches("[A-Za-z_][A-Za-z0-9_]*") && !KEYWORDS.contains(base) ? base : "`" + base + "`";
        } else if (base != null && base.matches("[A-Za-z_][A-Za-z0-9_]*") && !reserved.contains(base) && !used.contains(base)) {
            s = base;
        } else {
            s = "t" + n.id();
        }
        while (used.contains(s)) s = s + "_";
        used.add(s);
        names.put(n, s);
        return s;
    }
}
