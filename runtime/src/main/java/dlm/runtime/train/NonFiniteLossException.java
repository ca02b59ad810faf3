package dlm.runtime.train;

/** Training produced a NaN or infinite loss: it names where, so the user can lower the learning rate. */
public final class NonFiniteLossException extends RuntimeException {
    private final int epoch, step;
    private final double loss;

    public NonFiniteLossException(int epoch, int step, double loss) {
        super("the loss became " + (Double.isNaN(loss) ? "NaN" : loss > 0 ? "+inf" : "-inf") + " at epoch " + epoch + ", step " + step
                + "; training stopped (try a smaller learning rate)");
        this.epoch = epoch;
        this.step = step;
        this.loss = loss;
    }

    /** The epoch (1-based, counted from the first run) of the step whose loss was not finite. */
    public int epoch() { return epoch; }

    /** The step within the epoch (1-based). */
    public int step() { return step; }

    public double loss() { return loss; }
}
