package dlm.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One model and one predictor hammered from 8 threads: every answer is the single-threaded one, bit for bit. */
class ConcurrentPredictTest {
    private static final int THREADS = 8, ROUNDS = 25;
    private static final int[] SIZES = {1, 7, 32, 128};

    @Test
    void eightThreadsGetTheSingleThreadedAnswersBitForBit() throws Exception {
        DlmModel m = DlmModel.load(Mnist.dlm(), Mnist.weights());
        // the batches (distinct images per size and offset) and their single-threaded answers
        List<Tensor> batches = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        try (Predictor alone = m.predictor()) {
            for (int s = 0; s < SIZES.length; s++) {
                for (int k = 0; k < 3; k++) {
                    Tensor b = Mnist.testImages(1000 * s + 300 * k, SIZES[s]);
                    batches.add(b);
                    expected.add(alone.predict(b).f32Storage());
                }
            }
        }
        try (Predictor shared = m.predictor(); ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    int checked = 0;
                    for (int r = 0; r < ROUNDS; r++) {
                        // threads walk the batches in different orders, so sizes and instances interleave
                        for (int i = 0; i < batches.size(); i++) {
                            int j = (i * (2 * thread + 1) + r) % batches.size();
                            float[] got = shared.predict(batches.get(j)).f32Storage();
                            assertArrayEquals(expected.get(j), got, "thread " + thread + ", round " + r + ", batch " + j);
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            int total = 0;
            for (Future<Integer> f : done) total += f.get();
            assertEquals(THREADS * ROUNDS * batches.size(), total);
        }
    }
}
