package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import java.util.Map;

/** A checked {@code train(Model) { ... }} block: the model and each setting's value. */
public record TrainConfig(Ast.TrainDecl decl, CheckedModel model, Map<String, Value> settings) {}
