package dlm.compiler.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Value;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.io.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data sources for a model of two inputs and two outputs, loaded as dlmc train loads them: each
 * input's columns (a categorical one one-hot) and each output's target (a categorical one as codes)
 * from a csv; arrays by name from an npz, converted to the inputs' dtypes; rows aligned through
 * shuffle and split (the row numbers the loop batches index every column alike).
 */
class ByNameSourceTest {
    @TempDir
    Path tmp;

    static final String MODEL = """
            import std.nn.*
            model M(p: f32[batch, 1], q: f32[batch, 3]) {
                val h = concat(p, q, axis = 1)
                return [dense(h, units = 1), dense(h, units = 3, activation = ::softmax)]
            }
            train(M) {
                data = DATA
                loss = [::meanSquaredError, ::sparseCategoricalCrossentropy]
                optimizer = sgd()
            }
            """;

    private Dataset load(String data) throws IOException {
        Path f = tmp.resolve("m.dlm");
        Files.writeString(f, MODEL.replace("DATA", data));
        CheckedProgram p = Frontend.load(f);
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        DataSource src = (DataSource) ((Value.ConfigV) p.trains().get(0).settings().get("data")).args().get("source");
        return DataSources.load(src, List.of(tg.feed(0, 0), tg.feed(1, 0)), List.of(tg.feed(0, 0), tg.feed(0, 1)), tg.outputNames);
    }

    private static void assertValues(double[] want, Tensor t) { assertArrayEquals(want, t.toDoubles(), 0); }

    @Test
    void csvColumnGroupsPerInputAndATargetPerOutput() throws IOException {
        Files.writeString(tmp.resolve("t.csv"), "x1,c,y,k\n1,b,0.5,cat\n2,a,1.5,dog\n3,b,2.5,cat\n4,c,3.5,bird\n");
        Dataset d = load("csv(\"t.csv\", features = [[\"x1\"], [\"c\"]], targets = [\"y\", \"k\"], categories = [\"c\", \"k\"], oneHot = true)");
        Dataset.ByName b = d.byName();
        assertArrayEquals(new int[] {4, 1}, b.inputs().get(0).shape());
        assertValues(new double[] {1, 2, 3, 4}, b.inputs().get(0));
        assertValues(new double[] {0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}, b.inputs().get(1)); // a, b, c one-hot
        assertEquals(DType.F32, b.targets().get(0).dtype());
        assertArrayEquals(new int[] {4, 1}, b.targets().get(0).shape());
        assertValues(new double[] {0.5, 1.5, 2.5, 3.5}, b.targets().get(0));
        assertEquals(DType.I32, b.targets().get(1).dtype());
        assertValues(new double[] {1, 2, 1, 0}, b.targets().get(1)); // bird, cat, dog
        // not split: every row trains, by number
        assertValues(new double[] {0, 1, 2, 3}, d.trainImages());
        assertEquals(0, d.testImages().dim(0));
    }

    @Test
    void npzArraysByNameStayAlignedThroughShuffleAndSplit() throws IOException {
        int n = 10;
        Tensor p = Tensor.zeros(DType.F64, n, 1), q = Tensor.zeros(DType.I64, n, 3), y = Tensor.zeros(DType.F32, n), k = Tensor.zeros(DType.U8, n);
        for (int i = 0; i < n; i++) {
            p.setDouble(i, i);
            for (int c = 0; c < 3; c++) q.setLong(3 * i + c, 10 * i + c);
            y.setDouble(i, 100 + i);
            k.setLong(i, i % 3);
        }
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("q", q);
        arrays.put("p", p);
        arrays.put("y", y);
        arrays.put("k", k);
        Npz.write(arrays, tmp.resolve("d.npz"));
        Dataset d = load("split(shuffle(npz(\"d.npz\", targets = [\"y\", \"k\"]), seed = 4), test = 0.3, seed = 2)");
        assertEquals(7, d.trainImages().dim(0));
        assertEquals(3, d.testImages().dim(0));
        Dataset.ByName b = d.byName();
        assertEquals(DType.F32, b.inputs().get(0).dtype());
        assertEquals(DType.F32, b.inputs().get(1).dtype());
        for (Tensor rows : List.of(d.trainImages(), d.testImages()))
            for (int j = 0; j < rows.size(); j++) {
                int r = (int) rows.getLong(j);
                double i = b.inputs().get(0).getDouble(r); // the file's row
                for (int c = 0; c < 3; c++) assertEquals(10 * i + c, b.inputs().get(1).getDouble(3 * r + c));
                assertEquals(100 + i, b.targets().get(0).getDouble(r));
                assertEquals((long) i % 3, b.targets().get(1).getLong(r));
            }
        // every row is in one part
        java.util.Set<Double> seen = new java.util.TreeSet<>();
        for (Tensor rows : List.of(d.trainImages(), d.testImages())) for (int j = 0; j < rows.size(); j++) seen.add(b.inputs().get(0).getDouble((int) rows.getLong(j)));
        assertEquals(n, seen.size());
    }
}
