package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import dlm.compiler.ir.Graph;
import java.util.List;
import java.util.Map;

/**
 * A whole checked file: the graph of its top-level statements with their print actions
 * (a script), each model's graph, and its train blocks.
 */
public record CheckedProgram(Ast.Program ast, Graph script, List<PrintAction> prints,
                             Map<String, CheckedModel> models, List<TrainConfig> trains,
                             Scope scope, ModuleLoader loader) {

    /** The train block of a model, or null. */
    public TrainConfig trainFor(String model) {
        return trains.stream().filter(t -> t.model().name().equals(model)).findFirst().orElse(null);
    }
}
