package dlm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.io.Checkpoint;
import dlm.runtime.io.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fit on a model of two inputs and two outputs, its data given by name (Keras's
 * {@code fit(x={…}, y={…})}): the same weights as dlmc train on an npz of the same arrays, bit
 * for bit; the test part evaluated per output; data that does not fit is an InputException.
 */
class MultiOutputFitTest {
    static final String MODEL = """
            import std.nn.*
            model Two(a: f32[batch, 3], b: f32[batch, 2]) {
                val h = dense(concat(a, b, axis = 1), units = 8, activation = ::relu)
                val price = dense(h, units = 1)
                val kind = dense(h, units = 3, activation = ::softmax)
                return [price, kind]
            }
            train(Two) {
                data = npz("data.npz")
                loss = [::meanSquaredError, ::sparseCategoricalCrossentropy]
                lossWeights = [1, 0.5]
                metrics = [[::meanAbsoluteError], [::accuracy]]
                optimizer = adam(learningRate = 1e-2)
                batchSize = 16
            }
            """;

    static Map<String, Tensor> arrays(int n, long seed) {
        Random r = new Random(seed);
        Tensor a = Tensor.zeros(DType.F32, n, 3), b = Tensor.zeros(DType.F32, n, 2), price = Tensor.zeros(DType.F32, n, 1), kind = Tensor.zeros(DType.I32, n);
        for (int i = 0; i < n; i++) {
            double[] x = new double[5];
            for (int k = 0; k < 5; k++) x[k] = r.nextGaussian();
            for (int k = 0; k < 3; k++) a.setDouble(i * 3 + k, x[k]);
            for (int k = 0; k < 2; k++) b.setDouble(i * 2 + k, x[3 + k]);
            price.setDouble(i, x[0] - 2 * x[1] + x[3]);
            kind.setLong(i, x[0] > x[4] ? 0 : x[2] > 0 ? 1 : 2);
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a", a);
        m.put("b", b);
        m.put("price", price);
        m.put("kind", kind);
        return m;
    }

    static Dataset dataset(Map<String, Tensor> m) {
        return Dataset.of(Map.of("a", m.get("a"), "b", m.get("b")), Map.of("price", m.get("price"), "kind", m.get("kind")));
    }

    @Test
    void fitByNameGivesTheWeightsOfDlmcTrain(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("two.dlm");
        Files.writeString(f, MODEL);
        Map<String, Tensor> train = arrays(100, 1);
        Npz.write(train, dir.resolve("data.npz"));
        Path w = dir.resolve("cli.npz");
        FitTest.dlmcTrain("train", f.toString(), "--epochs", "2", "--seed", "5", "--save", w.toString());
        DlmModel m = DlmModel.load(f);
        assertEquals(List.of("a", "b"), m.inputs().stream().map(TensorInfo::name).toList());
        assertEquals(List.of("price", "kind"), m.outputs().stream().map(TensorInfo::name).toList());
        FitResult r = m.fit(dataset(train).withTest(dataset(arrays(30, 2))), FitOptions.defaults().epochs(2).seed(5));
        FitTest.assertSameWeights(Checkpoint.load(w).params(), r.model().weightsCopy());
        assertEquals(List.of("loss", "price_loss", "kind_loss", "price_meanAbsoluteError", "kind_accuracy"), List.copyOf(r.test().keySet()));
        assertEquals(r.test().get("price_loss") + 0.5 * r.test().get("kind_loss"), r.test().get("loss"), 1e-5 * r.test().get("loss"));
        // one predictor predicts one output of one input: not such a model
        assertThrows(UnsupportedOperationException.class, () -> r.model().predictor());
    }

    @Test
    void dataThatDoesNotFitIsAnInputException(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("two.dlm");
        Files.writeString(f, MODEL);
        DlmModel m = DlmModel.load(f);
        Map<String, Tensor> d = arrays(10, 1);
        FitOptions o = FitOptions.defaults().epochs(1);
        assertEquals("model Two takes inputs [a, b] and returns [price, kind]: give each by name with Dataset.of(inputs, labels)",
                assertThrows(InputException.class, () -> m.fit(Dataset.of(d.get("a"), d.get("price")), o)).getMessage());
        assertEquals("the data has no input 'b' of model Two (it needs [a, b])",
                assertThrows(InputException.class, () -> m.fit(Dataset.of(Map.of("a", d.get("a")), Map.of("price", d.get("price"), "kind", d.get("kind"))), o)).getMessage());
        assertEquals("the input 'b' is f32[10, 3], but model Two takes f32[batch, 2] (rows first)",
                assertThrows(InputException.class, () -> m.fit(Dataset.of(Map.of("a", d.get("a"), "b", d.get("a")), Map.of("price", d.get("price"), "kind", d.get("kind"))), o)).getMessage());
        Tensor bad = d.get("kind").copy();
        bad.setLong(4, 3);
        assertEquals("'kind' label 3 (row 4) is not a class of model Two: labels must be 0 to 2",
                assertThrows(InputException.class, () -> m.fit(Dataset.of(Map.of("a", d.get("a"), "b", d.get("b")), Map.of("price", d.get("price"), "kind", bad)), o)).getMessage());
        assertTrue(assertThrows(InputException.class, () -> Dataset.of(Map.of("a", d.get("a"), "b", arrays(9, 1).get("b")), Map.of("price", d.get("price"))))
                .getMessage().endsWith(": every array gives one row a sample"));
    }
}
