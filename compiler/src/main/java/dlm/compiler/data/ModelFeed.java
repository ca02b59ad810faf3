package dlm.compiler.data;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.TensorType;

/**
 * What a model takes from a data source: its input (name, type with a symbolic batch first,
 * where it is declared) and the labels its loss is computed against. A source converts its rows
 * to these dtypes and shapes, or reports, at the data and at the model's input, why it cannot.
 */
public record ModelFeed(String model, String inputName, TensorType input, SourceSpan inputAt, TensorType labels, int classes) {
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

    public String describeInput() { return "model " + model + "'s input " + inputName + ": " + input; }

    /** The sizes of n rows of t: n, then t's fixed sizes after its symbolic batch. */
    static int[] rows(TensorType t, int n) {
        int[] s = new int[t.rank()];
        s[0] = n;
        for (int a = 1; a < s.length; a++) s[a] = t.shape().dim(a).size();
        return s;
    }
}
