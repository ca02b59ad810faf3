package dlm.runtime.train;

/** Training produced a NaN or infinite loss: it names where, so the user can lower the learning rate. */
public final class NonFiniteLossException extends RuntimeException {
    public NonFiniteLossException(int epoch, int step, double loss) {
        super("the loss became " + (Double.isNaN(loss) ? "NaN" : loss > 0 ? "+inf" : "-inf") + " at epoch " + epoch + ", step " + step
                + "; training stopped (try a smaller learning rate)");
    }
}
