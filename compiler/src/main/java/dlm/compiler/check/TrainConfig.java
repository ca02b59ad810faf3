package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import java.util.Map;
import java.util.Set;

/**
 * A checked {@code train(Model) { ... }} block: the model, each setting's value, and the type of
 * the labels its data gives (a symbolic batch first): u8 classes for the built-in datasets; for a
 * file source, i32 classes when the loss indexes classes, else f32 values shaped as the output.
 */
public record TrainConfig(Ast.TrainDecl decl, CheckedModel model, Map<String, Value> settings, TensorType labels) {
    /** The labels of the built-in image datasets: u8 classes. */
    public static final TensorType U8_CLASSES = new TensorType(DType.U8, Shape.of(Dim.sym("batch")));

    public TrainConfig(Ast.TrainDecl decl, CheckedModel model, Map<String, Value> settings) { this(decl, model, settings, U8_CLASSES); }

    /** Every key a train block accepts (the checker's own list: each must take effect or be refused). */
    public static Set<String> acceptedKeys() { return java.util.Collections.unmodifiableSet(TrainBlock.SETTINGS.keySet()); }
}
