package dlm.compiler.codegen;

import dlm.compiler.codegen.Planner.Info;
import java.util.List;

/**
 * A named peephole of the {@link Planner} around a kernel it has planned: it either absorbs an
 * element-wise node into the kernel while the graph is lowered ({@link #absorb}), or rewrites the
 * planned steps once lowering is done ({@link #rewrite}). Each run counts how often each rule
 * fired ({@link Compilation#fusionRules()}; {@code dlmc graph FILE --stats} lists them).
 */
interface FusionRule {
    /** Every rule, in the order the planner tries them. */
    List<FusionRule> ALL = List.of(new GemmEpilogueRule(), new GemmReluMaskRule(), new GemmByteTableRule());

    /** A short name, as in {@code dlmc graph --stats}. */
    String name();

    /** What it does, in a line. */
    String summary();

    /**
     * At the lowering of {@code in.node}, an element-wise op: makes it part of a kernel already
     * planned, setting {@code in}'s view or group; true when it did (the node then gets no step).
     */
    default boolean absorb(Planner p, Info in) { return false; }

    /** After lowering, before outputs are planned: rewrites the planned steps; how many times it fired. */
    default int rewrite(Planner p) { return 0; }
}
