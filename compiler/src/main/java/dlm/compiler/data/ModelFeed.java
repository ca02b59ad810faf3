package dlm.compiler.data;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.TensorType;

/**
 * What a model takes from a data source: its input (name, type with a symbolic batch first,
 * where it is declared), the labels its loss is computed against and where the output the loss
 * compares them with is made. A source converts its rows to these dtypes and shapes, or reports,
 * at the data and at the model (its input, or its output for the labels and sample weights), why it cannot.
 */
public record ModelFeed(String model, String inputName, TensorType input, SourceSpan inputAt, TensorType labels, int classes, SourceSpan outputAt) {
    /** Elements per sample of the input: the product of its sizes after the batch. */
    public int featuresPerRow() {
        long k = 1;
        for (int a = 1; a < input.rank(); a++) k *= input.shape().dim(a).size();
        return (int) k;
    }

    /** Elements per sample of the labels (1: one target column). */
    public int labelsPerRow() {
        long k = 1;
        for (int a = 1; a < labels.rank(); a++) k *= labels.shape().dim(a).size();
        return (int) k;
    }

    /** e, with a note at the model's input: a value of the data that the input's dtype cannot hold. */
    DlmException atInput(DlmException e) {
        return new NotedException(e.span(), e.getMessage(), inputAt, "model " + model + "'s input " + inputName + " is declared here");
    }

    /** e, with a note at the model's output: a target of the data that does not fit the labels the loss compares the output with. */
    DlmException atLabels(DlmException e) {
        return new NotedException(e.span(), e.getMessage(), output(), "model " + model + "'s output, which the loss compares the labels (" + labels + ") with, is made here");
    }

    /** e, with a note at the model's output: a sample weight of the data that does not fit the rows whose losses it scales. */
    DlmException atWeights(DlmException e) {
        return new NotedException(e.span(), e.getMessage(), output(), "model " + model + "'s output, each row of whose loss a sample weight scales, is made here");
    }

    /** Where the output is made; the input's declaration for an output with no place in the source (made by the compiler). */
    private SourceSpan output() { return outputAt == null || outputAt.isNone() ? inputAt : outputAt; }

    public String describeInput() { return "model " + model + "'s input " + inputName + ": " + input; }

    /** The sizes of n rows of t: n, then t's fixed sizes after its symbolic batch. */
    static int[] rows(TensorType t, int n) {
        int[] s = new int[t.rank()];
        s[0] = n;
        for (int a = 1; a < s.length; a++) s[a] = t.shape().dim(a).size();
        return s;
    }
}
