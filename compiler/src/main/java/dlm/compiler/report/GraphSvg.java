package dlm.compiler.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The model graph (the nodes and edges {@code dlmc graph --format dot} prints) drawn as SVG with a
 * simple layered layout, since Graphviz is not a dependency: an op sits one layer below its
 * deepest input (longest path), a leaf (input, param, constant) one layer above its first
 * consumer; within a layer, nodes are ordered by the mean position of their inputs (one sweep
 * down, then by their consumers one sweep up), which removes most crossings of a feed-forward
 * network. Edges are curves from an input's bottom to its consumer's top.
 */
final class GraphSvg {
    /** A node: its id, the two text lines of its box, and its kind (input, param, constant, op), whether it is an output. */
    record GNode(int id, String line1, String line2, String kind, boolean output) {}

    private static final int BOX_H = 34, LAYER_GAP = 64, NODE_GAP = 18, MARGIN = 12;
    private static final double CHAR_W = 6.6;

    private GraphSvg() {}

    static String render(List<GNode> nodes, List<int[]> edges) {
        int n = nodes.size();
        int[] index = new int[n];
        var byId = new java.util.HashMap<Integer, Integer>();
        for (int k = 0; k < n; k++) byId.put(nodes.get(k).id(), k);
        List<List<Integer>> ins = new ArrayList<>(), outs = new ArrayList<>();
        for (int k = 0; k < n; k++) { ins.add(new ArrayList<>()); outs.add(new ArrayList<>()); }
        List<int[]> es = new ArrayList<>();
        for (int[] e : edges) {
            Integer a = byId.get(e[0]), b = byId.get(e[1]);
            if (a == null || b == null || a.equals(b)) continue;
            ins.get(b).add(a);
            outs.get(a).add(b);
            es.add(new int[] {a, b});
        }
        int[] layer = layers(n, ins, outs);
        int depth = Arrays.stream(layer).max().orElse(0) + 1;
        List<List<Integer>> rows = new ArrayList<>();
        for (int d = 0; d < depth; d++) rows.add(new ArrayList<>());
        for (int k = 0; k < n; k++) rows.get(layer[k]).add(k);
        double[] pos = new double[n];
        for (List<Integer> row : rows) for (int k = 0; k < row.size(); k++) pos[row.get(k)] = k;
        for (int d = 1; d < depth; d++) order(rows.get(d), ins, pos);
        for (int d = depth - 2; d >= 0; d--) order(rows.get(d), outs, pos);
        // x by row: boxes side by side, each row centred on the widest
        double[] width = new double[n], x = new double[n];
        double[] rowWidth = new double[depth];
        for (int k = 0; k < n; k++) width[k] = Math.max(nodes.get(k).line1().length(), nodes.get(k).line2().length()) * CHAR_W + 16;
        for (int d = 0; d < depth; d++) {
            double w = 0;
            for (int k : rows.get(d)) w += width[k] + NODE_GAP;
            rowWidth[d] = Math.max(0, w - NODE_GAP);
        }
        double total = Arrays.stream(rowWidth).max().orElse(0) + 2 * MARGIN;
        for (int d = 0; d < depth; d++) {
            double cx = (total - rowWidth[d]) / 2;
            for (int k : rows.get(d)) { x[k] = cx; cx += width[k] + NODE_GAP; }
        }
        double height = depth * (BOX_H + LAYER_GAP) - LAYER_GAP + 2 * MARGIN;
        StringBuilder sb = new StringBuilder();
        sb.append(f("<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" data-nodes=\"%d\" data-edges=\"%d\">%n",
                total, height, total, height, n, es.size()));
        sb.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#777\"/></marker></defs>\n");
        for (int[] e : es) {
            double x1 = x[e[0]] + width[e[0]] / 2, y1 = top(layer[e[0]]) + BOX_H, x2 = x[e[1]] + width[e[1]] / 2, y2 = top(layer[e[1]]);
            double mid = (y1 + y2) / 2;
            sb.append(f("<path class=\"edge\" d=\"M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"none\" stroke=\"#777\" marker-end=\"url(#arrow)\"/>%n", x1, y1, x1, mid, x2, mid, x2, y2));
        }
        for (int k = 0; k < n; k++) {
            GNode g = nodes.get(k);
            String fill = switch (g.kind()) {
                case "input" -> "#d5f5d5";
                case "param" -> "#d5e5ff";
                case "constant" -> "#f4f4f4";
                default -> "#fff8e0";
            };
            double y = top(layer[k]);
            sb.append(f("<g class=\"node\" data-id=\"%d\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"%d\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"%s/>",
                    g.id(), x[k], y, width[k], BOX_H, g.kind().equals("op") ? 12 : 2, fill, g.output() ? "#c03030" : "#888", g.output() ? "2" : "1",
                    g.kind().equals("constant") ? " stroke-dasharray=\"4 2\"" : ""));
            sb.append(f("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"n1\">%s</text>", x[k] + width[k] / 2, y + 14, Html.esc(g.line1())));
            sb.append(f("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"n2\">%s</text></g>%n", x[k] + width[k] / 2, y + 27, Html.esc(g.line2())));
        }
        return sb.append("</svg>\n").toString();
    }

    /** Longest-path layers for ops; leaves pulled down to just above their first consumer. */
    static int[] layers(int n, List<List<Integer>> ins, List<List<Integer>> outs) {
        int[] layer = new int[n];
        // relaxation in rounds: at most n rounds on a DAG (the graph's ids are already topological, so usually one)
        for (int round = 0; round < n; round++) {
            boolean changed = false;
            for (int k = 0; k < n; k++)
                for (int i : ins.get(k)) if (layer[k] < layer[i] + 1) { layer[k] = layer[i] + 1; changed = true; }
            if (!changed) break;
        }
        for (int k = 0; k < n; k++) {
            if (!ins.get(k).isEmpty() || outs.get(k).isEmpty()) continue;
            int min = Integer.MAX_VALUE;
            for (int o : outs.get(k)) min = Math.min(min, layer[o]);
            layer[k] = Math.max(0, min - 1);
        }
        return layer;
    }

    /** Orders a row by the mean position of each node's neighbours in {@code adj} (nodes without any keep theirs). */
    private static void order(List<Integer> row, List<List<Integer>> adj, double[] pos) {
        double[] key = new double[pos.length];
        for (int k : row) {
            List<Integer> a = adj.get(k);
            key[k] = a.isEmpty() ? pos[k] : a.stream().mapToDouble(i -> pos[i]).average().orElse(pos[k]);
        }
        row.sort(Comparator.comparingDouble((Integer k) -> key[k]).thenComparingDouble(k -> pos[k]));
        for (int k = 0; k < row.size(); k++) pos[row.get(k)] = k;
    }

    private static double top(int layer) { return MARGIN + layer * (BOX_H + LAYER_GAP); }

    private static String f(String fmt, Object... args) { return String.format(Locale.ROOT, fmt, args); }
}
