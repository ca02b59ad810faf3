package dlm.compiler.data;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;

/**
 * The rule every sample weight read from data obeys (Keras's sample_weight): a finite number, 0 or
 * more, that stays finite as the f32 the train step multiplies the sample's loss by. A negative
 * weight would reward the loss it should punish, and a NaN or infinite one would make every loss
 * NaN, so each is an error at the cell or element.
 */
final class SampleWeightCheck {
    private SampleWeightCheck() {}

    /** v when it is a valid weight; else an error at {@code at} saying which value ({@code where}: "in column \"w\"", "at [3]"). */
    static double check(double v, SourceSpan at, String where) {
        if (Double.isNaN(v) || Double.isInfinite((float) v))
            throw new DlmException(at, "sample weight " + v + " " + where + " is not a finite number; each sample's weight must be a finite number, 0 or more");
        if (v < 0)
            throw new DlmException(at, "sample weight " + v + " " + where + " is negative; each sample's weight must be 0 or more");
        return v;
    }
}
