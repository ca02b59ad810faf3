package dlm.compiler.check;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;

/**
 * A learning rate given as a schedule: a DLM function of the step (std.optim's
 * {@code exponentialDecay}, {@code cosineDecay}, … or the user's own lambda). The train block's
 * checker applies it to a scratch step to refuse a bad schedule at the setting; the training
 * compiler applies it to the step of the train graph.
 */
public final class LearningRate {
    private LearningRate() {}

    /**
     * The schedule's learning rate for the train step {@code step} (counted from 1): the
     * schedule is applied to the iterations done before this update, step − 1, as Keras applies
     * it to {@code optimizer.iterations}, which counts from 0. It must give an f32 scalar.
     */
    public static Node at(Value.FunV schedule, Elaborator el, Node step, SourceSpan at) {
        Node iterations = el.op("sub", at, step, el.constant(Tensor.scalar(step.type().dtype(), 1), at));
        Value r = el.call(schedule, List.of(new Signature.ArgValue(null, new Value.TensorV(iterations), at)), at, new Elaborator.Frame("", "function"), "learningRate");
        if (!(r instanceof Value.TensorV || r instanceof Value.NumberV))
            throw new DlmException(at, "a learning-rate schedule must give a number for the step, got " + r.describe());
        Node n = el.tensor(r, at);
        if (n.type().rank() != 0 || n.type().dtype() != DType.F32)
            throw new DlmException(at, "a learning-rate schedule must give an f32 scalar for the step, got " + n.type());
        return n;
    }
}
