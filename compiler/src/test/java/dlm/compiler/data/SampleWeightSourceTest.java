package dlm.compiler.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.TrainConfig;
import dlm.compiler.check.Value;
import dlm.compiler.diag.DlmException;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.io.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sample weights read from the data ({@code csv(…, sampleWeight = "w")}, {@code npz(…, sampleWeight = "w")}):
 * one f32 a row, kept out of the features, cut with the rows by split and take; a negative, NaN
 * or infinite weight is an error located at the cell (CSV) or naming the element (npz); a loss
 * that takes no sampleWeight is refused where the weights are named.
 */
class SampleWeightSourceTest {
    @TempDir
    Path tmp;

    private Dataset load(String data) throws IOException { return load(data, "::meanSquaredError"); }

    private Dataset load(String data, String loss) throws IOException {
        Path f = tmp.resolve("m.dlm");
        Files.writeString(f, CsvSourceTest.REGRESSION + "train(M) {\n    data = " + data + "\n    loss = " + loss + "\n    optimizer = sgd()\n}\n");
        CheckedProgram p = Frontend.load(f);
        TrainConfig t = p.trains().get(0);
        DataSource s = (DataSource) ((Value.ConfigV) t.settings().get("data")).args().get("source");
        return DataSources.load(s, TrainGraph.build(p, t).feed());
    }

    private String error(String data) { return assertThrows(DlmException.class, () -> load(data)).render(); }

    private String error(String data, String loss) { return assertThrows(DlmException.class, () -> load(data, loss)).render(); }

    private void csv(String text) throws IOException { Files.writeString(tmp.resolve("t.csv"), text); }

    @Test
    void aCsvWeightColumnIsOneF32ARowAndNotAFeature() throws IOException {
        csv("a,w,b,y\n1,0.5,2,3\n4,2,5,6\n7,0,8,9\n");
        Dataset d = load("csv(\"t.csv\", target = \"y\", sampleWeight = \"w\")");
        assertArrayEquals(new double[] {1, 2, 4, 5, 7, 8}, d.trainImages().toDoubles());
        assertEquals(DType.F32, d.trainWeights().dtype());
        assertArrayEquals(new double[] {0.5, 2, 0}, d.trainWeights().toDoubles());
        // without sampleWeight there are no weights, and w is a feature (here: one too many)
        assertNull(load("csv(\"t.csv\", target = \"y\", features = [\"a\", \"b\"])").trainWeights());
        // split and take cut the weights with their rows
        Dataset s = load("split(csv(\"t.csv\", target = \"y\", sampleWeight = \"w\"), test = 1, seed = 3)");
        for (Dataset part : new Dataset[] {s}) {
            double[] x = part.trainImages().toDoubles(), w = part.trainWeights().toDoubles();
            for (int i = 0; i < w.length; i++) assertEquals(x[2 * i] == 1 ? 0.5 : x[2 * i] == 4 ? 2 : 0, w[i], 0.0);
            assertEquals(1, part.testWeights().dim(0));
        }
        assertArrayEquals(new double[] {0.5, 2}, load("take(csv(\"t.csv\", target = \"y\", sampleWeight = \"w\"), 2)").trainWeights().toDoubles());
    }

    @Test
    void aNegativeNanOrInfiniteCsvWeightIsLocatedAtItsCell() throws IOException {
        csv("a,b,w,y\n1,2,1,3\n4,5,-2,6\n");
        assertEquals(tmp.resolve("t.csv") + ":3:5: error: sample weight -2.0 in column \"w\" is negative; each sample's weight must be 0 or more\n4,5,-2,6\n    ^~",
                error("csv(\"t.csv\", target = \"y\", sampleWeight = \"w\")"));
        csv("a,b,w,y\n1,2,nan,3\n");
        assertEquals(tmp.resolve("t.csv") + ":2:5: error: \"nan\" is not a number in column \"w\" (a missing value: fill or drop missing values before training)\n1,2,nan,3\n    ^~~",
                error("csv(\"t.csv\", target = \"y\", sampleWeight = \"w\")"));
        csv("a,b,w,y\n1,2,1e39,3\n");
        assertEquals(tmp.resolve("t.csv") + ":2:5: error: sample weight 1.0E39 in column \"w\" is not a finite number; each sample's weight must be a finite number, 0 or more\n"
                + "1,2,1e39,3\n    ^~~~", error("csv(\"t.csv\", target = \"y\", sampleWeight = \"w\")"));
    }

    @Test
    void csvWeightColumnMistakesAreLocatedInTheDlmFile() throws IOException {
        csv("a,b,w,y\n1,2,1,3\n");
        Path m = tmp.resolve("m.dlm");
        assertEquals(m + ":6:39: error: t.csv has no column \"v\" (sample weight); its header has: a, b, w, y".replace("t.csv", tmp.resolve("t.csv").toString()),
                error("csv(\"t.csv\", target = \"y\", sampleWeight = \"v\")").lines().findFirst().orElseThrow());
        assertEquals(m + ":6:39: error: column \"y\" cannot be both the target and the sample weights",
                error("csv(\"t.csv\", target = \"y\", sampleWeight = \"y\")").lines().findFirst().orElseThrow());
        assertEquals(m + ":6:62: error: column \"w\" cannot be both a feature and the sample weights",
                error("csv(\"t.csv\", target = \"y\", features = [\"a\", \"w\"], sampleWeight = \"w\")").lines().findFirst().orElseThrow());
        // the loss must take the weights
        assertEquals(m + ":6:39: error: the data's sample weights weigh the loss and the metrics, but lambda takes no sampleWeight: give it a parameter sampleWeight: Any = 1 "
                        + "and weigh its per-sample values with weighted(…) (a loss) or weightedMean(…) (a metric), as std.nn's do",
                error("csv(\"t.csv\", target = \"y\", sampleWeight = \"w\")", "{ t, p -> meanSquaredError(t, p) }").lines().findFirst().orElseThrow());
    }

    @Test
    void validationDataTakesNoSampleWeights() throws IOException {
        csv("a,b,w,y\n1,2,1,3\n");
        Path f = tmp.resolve("m.dlm");
        Files.writeString(f, CsvSourceTest.REGRESSION + "train(M) {\n    data = csv(\"t.csv\", target = \"y\")\n    loss = ::meanSquaredError\n    optimizer = sgd()\n"
                + "    validationData = csv(\"t.csv\", target = \"y\", sampleWeight = \"w\")\n}\n");
        DlmException e = assertThrows(DlmException.class, () -> Frontend.load(f));
        assertEquals(f + ":9:49: error: validation is unweighted: sample weights on validationData would be ignored; remove sampleWeight here", e.render().lines().findFirst().orElseThrow());
    }

    private void npz(double[] w, int[] wShape) throws IOException {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("x", Tensor.of(DType.F64, new int[] {3, 2}, 1, 2, 3, 4, 5, 6));
        arrays.put("y", Tensor.of(DType.F64, new int[] {3}, 7, 8, 9));
        arrays.put("w", Tensor.of(DType.F64, wShape, w));
        Npz.write(arrays, tmp.resolve("d.npz"));
    }

    @Test
    void anNpzWeightArrayIsCheckedElementByElement() throws IOException {
        String src = "npz(\"d.npz\", inputs = [\"x\"], target = \"y\", sampleWeight = \"w\")";
        npz(new double[] {1, 0.25, 3}, new int[] {3, 1});
        assertArrayEquals(new double[] {1, 0.25, 3}, load(src).trainWeights().toDoubles());
        Path m = tmp.resolve("m.dlm");
        npz(new double[] {1, -0.25, 3}, new int[] {3});
        assertEquals(m + ":6:55: error: sample weight -0.25 at [1] of " + tmp.resolve("d.npz") + "'s w is negative; each sample's weight must be 0 or more",
                error(src).lines().findFirst().orElseThrow());
        npz(new double[] {1, 2, Double.NaN}, new int[] {3});
        assertEquals(m + ":6:55: error: sample weight NaN at [2] of " + tmp.resolve("d.npz") + "'s w is not a finite number; each sample's weight must be a finite number, 0 or more",
                error(src).lines().findFirst().orElseThrow());
        npz(new double[] {1, 2}, new int[] {2});
        // a wrong shape: located at the array's name and at the model's output, whose loss the weights scale row by row
        String note = m + ":3:12: note: model M's output, each row of whose loss a sample weight scales, is made here";
        String shape = error(src);
        assertEquals(m + ":6:55: error: " + tmp.resolve("d.npz") + "'s w has shape (2,), but the sample weights must be one value a row for the 3 rows of "
                + tmp.resolve("d.npz") + "'s x: shape (3,) or (3, 1)", shape.lines().findFirst().orElseThrow());
        assertEquals(note, shape.lines().toList().get(3));
        npz(new double[] {1, 2, 3, 4, 5, 6}, new int[] {3, 2});
        assertEquals(m + ":6:55: error: " + tmp.resolve("d.npz") + "'s w has shape (3, 2), but the sample weights must be one value a row for the 3 rows of "
                + tmp.resolve("d.npz") + "'s x: shape (3,) or (3, 1)", error(src).lines().findFirst().orElseThrow());
        assertEquals(note, error(src).lines().toList().get(3));
        String missing = error("npz(\"d.npz\", inputs = [\"x\"], target = \"y\", sampleWeight = \"v\")");
        assertEquals(m + ":6:55: error: " + tmp.resolve("d.npz") + " has no array \"v\"; it has x, y, w", missing.lines().findFirst().orElseThrow());
        assertEquals(note, missing.lines().toList().get(3));
        assertEquals(m + ":6:55: error: array \"y\" cannot be both the sample weights and the target",
                error("npz(\"d.npz\", inputs = [\"x\"], target = \"y\", sampleWeight = \"y\")").lines().findFirst().orElseThrow());
    }
}
