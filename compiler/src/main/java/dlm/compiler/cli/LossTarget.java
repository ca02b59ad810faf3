package dlm.compiler.cli;

import dlm.compiler.check.CheckedModel;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.TrainConfig;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.train.TrainGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * The scalar a model is trained on, in a graph that can be differentiated: when the model has a
 * train block, that block's loss applied to the model's output and a {@code labels} input (the
 * MNIST model), plus the loss the model assigns if it assigns one — what {@code train}
 * minimizes; else the model's own {@code loss} (figure 2.22).
 */
record LossTarget(String model, Graph graph, Node loss, String lossName) {

    static LossTarget of(CheckedProgram p, CheckedModel m) {
        TrainConfig t = p.trainFor(m.name());
        if (t != null) {
            // what train minimizes: the block's loss plus the loss the model assigns, if any
            TrainGraph tg = TrainGraph.build(p, t);
            return new LossTarget(m.name(), tg.graph, tg.trainLoss, "loss");
        }
        Node loss = m.graph().output("loss");
        if (loss != null) return new LossTarget(m.name(), m.graph(), loss, "loss");
        throw new DlmException(m.decl().nameSpan(), "model " + m.name() + " has no loss to differentiate: assign loss = … in it or give it a train block");
    }

    /** The nodes named by {@code --wrt} (params or inputs), or every param. */
    List<Node> wrt(List<String> names) {
        if (names == null || names.isEmpty()) return graph.params();
        List<Node> out = new ArrayList<>();
        for (String n : names) {
            Node found = null;
            for (Node c : graph.nodes()) if ((c.is("param") || c.is("input")) && n.equals(c.name())) found = c;
            if (found == null)
                throw new UsageException("model " + model + " has no param or input named '" + n + "' (params: "
                        + String.join(", ", graph.params().stream().map(Node::name).toList()) + ")");
            out.add(found);
        }
        return out;
    }

    /** Whether every input has a default value, so the graph can be evaluated as it stands. */
    boolean evaluable() {
        return graph.inputs().stream().allMatch(i -> i.attrs().has("default"));
    }
}
