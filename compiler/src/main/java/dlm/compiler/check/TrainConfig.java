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
public record TrainConfig(Ast.TrainDecl decl, CheckedModel model, Map<String, Value> settings, TensorType labels, java.util.List<Head> heads) {
    /**
     * One output of a model trained by name (several inputs or outputs, or {@code lossWeights}:
     * Keras's functional fit): its graph output key ({@code output}, {@code output0}, …), the name
     * its losses and metrics are reported under (the value it returns, {@code price}), the labels
     * the data gives for it, its loss, loss weight and metrics. An ordinary train block has none.
     */
    public record Head(String key, String name, TensorType labels, Value.FunV loss, double weight, java.util.List<Value.FunV> metrics, int classes) {}

    /** A train block of one input and one output, trained as before (no heads). */
    public TrainConfig(Ast.TrainDecl decl, CheckedModel model, Map<String, Value> settings, TensorType labels) { this(decl, model, settings, labels, java.util.List.of()); }

    /** Whether the model takes several inputs or gives several outputs, so that the data feeds it by name (column by column). */
    public boolean byName() { return model.graph().inputs().size() > 1 || heads.size() > 1; }

    /** The labels of the built-in image datasets: u8 classes. */
    public static final TensorType U8_CLASSES = new TensorType(DType.U8, Shape.of(Dim.sym("batch")));

    public TrainConfig(Ast.TrainDecl decl, CheckedModel model, Map<String, Value> settings) { this(decl, model, settings, U8_CLASSES); }

    /** Every key a train block accepts (the checker's own list: each must take effect or be refused). */
    public static Set<String> acceptedKeys() { return java.util.Collections.unmodifiableSet(TrainBlock.SETTINGS.keySet()); }
}
