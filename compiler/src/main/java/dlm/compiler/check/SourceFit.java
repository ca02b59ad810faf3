package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import dlm.compiler.check.Value.FunV;
import dlm.compiler.data.NotedException;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import java.util.Map;

/**
 * The batches a file data source ({@code csv(…)}) gives a model: its rows converted to the
 * model's one input (any numeric dtype and rank, sizes after the batch fixed), and labels typed by
 * what the loss needs: i32 class indices {@code [batch]} when the loss indexes classes with them
 * (a sparse crossentropy, {@code oneHot(yTrue, k)}), else f32 values shaped as the model's output
 * ({@code [batch]} or {@code [batch, 1]}: one target column). The rows are checked against these
 * when they are read.
 */
final class SourceFit {
    private SourceFit() {}

    static TensorType[] batch(Ast.TrainDecl t, CheckedModel model, Map<String, Value> settings, Map<String, Ast.Setting> where) {
        SourceSpan dataAt = where.get("data").value().span();
        var inputs = model.graph().inputs();
        SourceSpan modelAt = model.decl().nameSpan();
        if (inputs.size() != 1)
            throw new NotedException(dataAt, "a data source feeds one model input, but model " + t.model() + " takes " + inputs.size() + ": "
                    + inputs.stream().map(n -> n.name() + ": " + n.type()).toList(), modelAt, "model " + t.model() + " is declared here");
        Node in = inputs.get(0);
        checkInput(t, in, dataAt);
        Node output = model.graph().output("output");
        if (output == null) throw new DlmException(t.modelSpan(), Checker.noTrainOutput(t.model(), model.graph()));
        return new TensorType[] {in.type(), labels(t, output, (FunV) settings.get("loss"), where, in.type().shape().dim(0))};
    }

    /** Refuses a model input a data source cannot give rows of: numbers, a symbolic batch first and fixed sizes after it. */
    static void checkInput(Ast.TrainDecl t, Node in, SourceSpan dataAt) {
        TensorType x = in.type();
        boolean fixed = x.rank() >= 1 && !x.shape().dim(0).isKnown();
        for (int a = 1; a < x.rank(); a++) fixed &= x.shape().dim(a).isKnown();
        if (!fixed || !(x.dtype().isFloating() || x.dtype().isInteger()))
            throw new NotedException(dataAt, "a data source gives rows of numbers, but model " + t.model() + "'s input " + in.name() + ": " + x
                    + " is not a batch of them (it needs a numeric dtype, a symbolic batch size first and fixed sizes after it, such as f32[batch, 13])",
                    in.span(), "model " + t.model() + "'s input " + in.name() + " is declared here");
    }

    /**
     * The labels a data source gives for an output: i32 class indices {@code [batch]} when {@code loss}
     * indexes classes with them, else f32 values shaped as the output ({@code [batch]} or {@code [batch, 1]}).
     */
    static TensorType labels(Ast.TrainDecl t, Node output, FunV loss, Map<String, Ast.Setting> where, dlm.compiler.ir.Dim batch) {
        SourceSpan dataAt = where.get("data").value().span();
        TensorType y = output.type();
        // Classification when the loss takes i32 labels and indexes classes with them.
        TensorType classes = new TensorType(DType.I32, Shape.of(batch));
        Elaborator scratch = new Elaborator(new Graph(), null);
        try {
            TrainBlock.applyLoss(scratch, loss, where.get("loss"), classes, y, new Elaborator.Frame("", "script"), true);
            if (TrainBlock.indexedClasses(scratch.graph) > 0) return classes;
        } catch (DlmException e) {
            // not a classification loss: the labels are values
        }
        if (y.rank() == 1 || (y.rank() == 2 && y.shape().dim(1).isKnown() && y.shape().dim(1).size() == 1))
            return new TensorType(DType.F32, y.shape());
        throw new NotedException(dataAt, "a data source's target is one column, so the loss needs class indices (::sparseCategoricalCrossentropy) "
                + "or one value a row, but model " + t.model() + "'s output is " + y, output.span(), "the output is computed here");
    }
}
