package dlm.runtime.train;

import java.util.List;

/** One epoch's averages (loss first, then metrics) and its duration. */
public record EpochResult(int epoch, double loss, List<Double> metrics, double seconds) {}
