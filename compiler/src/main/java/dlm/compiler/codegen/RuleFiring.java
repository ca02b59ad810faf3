package dlm.compiler.codegen;

import dlm.compiler.passes.GraphPass;
import dlm.compiler.passes.KernelFusionPass;
import dlm.compiler.passes.PassPipeline;
import java.util.ArrayList;
import java.util.List;

/**
 * A fusion rule — a kernel fusion pass run before planning ({@link KernelFusionPass}) or a
 * peephole of the planner ({@link FusionRule}) — and how many times it fired in one plan.
 *
 * @param rule    its name, e.g. {@code gemm-bias-relu}
 * @param summary what it does, in a line
 * @param fired   how many times it applied (0 when it never did)
 */
public record RuleFiring(String rule, String summary, int fired) {

    /** Every rule, the graph's kernel fusions then the planner's in the order it tries them, with its count in {@code plan}. */
    static List<RuleFiring> of(Planner plan) {
        List<RuleFiring> out = new ArrayList<>();
        for (GraphPass pass : PassPipeline.beforeCodegen().passes())
            if (pass instanceof KernelFusionPass f) out.add(new RuleFiring(f.name(), f.summary(), f.fired(plan.graph)));
        for (var e : plan.fired.entrySet()) out.add(new RuleFiring(e.getKey().name(), e.getKey().summary(), e.getValue()));
        return out;
    }

    /**
     * A small table for {@code dlmc graph FILE --stats}, like the passes' ({@code PassStats}):
     * <pre>
     * rule            fired  what
     * gemm-bias-relu      3  a product's bias add and relu run in its epilogue
     * </pre>
     */
    public static String render(List<RuleFiring> rules) {
        int w = "rule".length(), f = "fired".length();
        for (RuleFiring r : rules) {
            w = Math.max(w, r.rule().length());
            f = Math.max(f, Integer.toString(r.fired()).length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(pad("rule", w)).append("  ").append(" ".repeat(f - 5)).append("fired  what\n");
        for (RuleFiring r : rules) {
            String n = Integer.toString(r.fired());
            sb.append(pad(r.rule(), w)).append("  ").append(" ".repeat(f - n.length())).append(n).append("  ").append(r.summary()).append('\n');
        }
        return sb.toString();
    }

    private static String pad(String s, int w) { return s + " ".repeat(w - s.length()); }
}
