package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import java.util.Map;
import java.util.Set;

/** A checked {@code train(Model) { ... }} block: the model and each setting's value. */
public record TrainConfig(Ast.TrainDecl decl, CheckedModel model, Map<String, Value> settings) {
    /** Every key a train block accepts (the checker's own list: each must take effect or be refused). */
    public static Set<String> acceptedKeys() { return java.util.Collections.unmodifiableSet(TrainBlock.SETTINGS.keySet()); }
}
