package dlm.compiler.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders a graph as text (one node a line) or as Graphviz DOT. */
public final class GraphPrinter {
    private GraphPrinter() {}

    /**
     * One node a line: {@code name = op(inputs) attrs : type  file:line}. Constants show their
     * value when small; outputs are listed at the end.
     */
    public static String text(String title, Graph g) {
        List<String[]> rows = new ArrayList<>();
        for (Node n : g.nodes()) {
            String ins = n.inputs().stream().map(Node::label).collect(Collectors.joining(", "));
            String attrs = attrText(n);
            String rhs = n.opName() + (ins.isEmpty() && !n.is("constant") ? "" : "(" + ins + ")") + (attrs.isEmpty() ? "" : " " + attrs);
            String where = n.span().isNone() ? "" : java.nio.file.Path.of(n.span().fileName()).getFileName() + ":" + n.span().line();
            rows.add(new String[] {n.label(), rhs, n.type().toString(), where});
        }
        int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        int w1 = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
        int w2 = rows.stream().mapToInt(r -> r[2].length()).max().orElse(0);
        StringBuilder sb = new StringBuilder("graph ").append(title).append(" (").append(g.size()).append(" nodes)\n");
        for (String[] r : rows)
            sb.append("  ").append(pad(r[0], w0)).append(" = ").append(pad(r[1], w1)).append("  : ").append(pad(r[2], w2)).append("  ").append(r[3]).append('\n');
        for (Map.Entry<String, Node> e : g.outputs().entrySet())
            sb.append("  ").append(e.getKey()).append(" -> ").append(e.getValue().label()).append('\n');
        return sb.toString();
    }

    private static String attrText(Node n) {
        if (n.is("constant")) {
            var t = n.attrs().getTensor("value");
            return t.size() <= 6 ? t.toString().replace("\n", " ").replaceAll(" +", " ") : "";
        }
        if (n.is("param")) return "init=" + n.attrs().get("init");
        if (n.is("input")) return n.attrs().has("default") ? "default=" + n.attrs().getTensor("default").toString().replace("\n", " ") : "";
        return n.attrs().isEmpty() ? "" : "{" + n.attrs() + "}";
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    /** Graphviz DOT: inputs as green boxes, params as blue boxes, outputs double-circled. */
    public static String dot(String title, Graph g) {
        StringBuilder sb = new StringBuilder("digraph \"").append(esc(title)).append("\" {\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n");
        for (Node n : g.nodes()) {
            String label = (n.name() != null ? n.name() + "\\n" : "") + n.opName() + "\\n" + n.type();
            String style = switch (n.opName()) {
                case "input" -> "shape=box, style=filled, fillcolor=\"#d5f5d5\"";
                case "param" -> "shape=box, style=filled, fillcolor=\"#d5e5ff\"";
                case "constant" -> "shape=box, style=dashed";
                default -> "shape=ellipse";
            };
            if (g.outputs().containsValue(n)) style += ", peripheries=2";
            sb.append("  n").append(n.id()).append(" [label=\"").append(esc(label)).append("\", ").append(style).append("];\n");
        }
        for (Node n : g.nodes())
            for (Node i : n.inputs()) sb.append("  n").append(i.id()).append(" -> n").append(n.id()).append(";\n");
        sb.append("}\n");
        return sb.toString();
    }

    private static String esc(String s) { return s.replace("\"", "\\\""); }
}
