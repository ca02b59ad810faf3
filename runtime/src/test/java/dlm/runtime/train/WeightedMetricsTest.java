package dlm.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With sample weights (classWeight), an epoch's training metric is Σ v·w / Σ w over all its
 * samples (Keras's weighted metrics): fit weights each batch's metric by the batch's weight sum,
 * while the loss stays averaged by batch size.
 */
class WeightedMetricsTest {
    /** Each sample weighs its label; its metric value is 1 for label 2, else 0; the loss is the batch's mean label. */
    static final class Weighted implements Trainable {
        public List<String> metricNames() { return List.of("m"); }

        public double[] trainStep(Tensor images, Tensor labels) {
            double num = 0, den = 0, mean = 0;
            for (int i = 0; i < labels.size(); i++) {
                double w = labels.getDouble(i), v = w == 2 ? 1 : 0;
                num += v * w;
                den += w;
                mean += w / labels.size();
            }
            return new double[] {mean, den > 0 ? num / den : 0};
        }

        public double[] evalStep(Tensor images, Tensor labels) { return trainStep(images, labels); }

        public Tensor predict(Tensor images) { return images; }

        @Override
        public double metricWeight(Tensor labels) {
            double s = 0;
            for (int i = 0; i < labels.size(); i++) s += labels.getDouble(i);
            return s;
        }
    }

    @Test
    void metricsAreWeightedOverTheEpochAndTheLossBySize() {
        Tensor images = Tensor.zeros(DType.F32, 5, 1), labels = Tensor.of(DType.F32, new int[] {5}, new double[] {2, 1, 1, 0, 2});
        EpochResult r = TrainLoop.fit(new Weighted(), images, labels, 1, 2, 7, 1, null, null).get(0);
        // Σ v·w / Σ w = (2 + 2) / 6, whatever the batches; the loss is the mean label 6 / 5
        assertEquals(4.0 / 6, r.metrics().get(0), 1e-15);
        assertEquals(6.0 / 5, r.loss(), 1e-15);
    }
}
