package dlm.compiler.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dlm.runtime.io.Npy;
import dlm.runtime.io.Npz;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * npz(…) and npy(…) sources on generated arrays: conversion to the model's dtypes, Fortran
 * order and big-endian data, the labels' shapes, split, and every mismatch with its message.
 */
class NpySourceTest {
    @TempDir
    Path tmp;

    static final String CLASSIFIER = "import std.nn.*\nmodel M(img: u8[batch, 2, 2]) {\n    return dense(img.reshape(batch, 4).toF32(), units = 3, activation = ::softmax)\n}\n";
    static final String REGRESSION = "import std.nn.*\nmodel M(x: f32[batch, 3]) {\n    return dense(x, units = 1)\n}\n";

    private Dataset load(String model, String data, String loss) throws IOException {
        Path f = tmp.resolve("m.dlm");
        Files.writeString(f, model + "train(M) {\n    data = " + data + "\n    loss = " + loss + "\n    optimizer = sgd()\n}\n");
        CheckedProgram p = Frontend.load(f);
        TrainConfig t = p.trains().get(0);
        return DataSources.load((DataSource) ((Value.ConfigV) t.settings().get("data")).args().get("source"), TrainGraph.build(p, t).feed());
    }

    private String error(String model, String data, String loss) {
        return assertThrows(DlmException.class, () -> load(model, data, loss)).render().lines().findFirst().orElseThrow();
    }

    private void npz(String name, Map<String, Tensor> arrays) throws IOException { Npz.write(arrays, tmp.resolve(name)); }

    private void npy(String name, Tensor t) throws IOException {
        try (OutputStream o = Files.newOutputStream(tmp.resolve(name))) { Npy.write(t, o); }
    }

    private static Map<String, Tensor> arrays(Object... kv) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (Tensor) kv[i + 1]);
        return m;
    }

    @Test
    void npzArraysByNameInTheModelsDtypes() throws IOException {
        // i64 pixels and f64 labels, as NumPy makes them by default, converted exactly
        npz("d.npz", arrays("pixels", Tensor.of(DType.I64, new int[] {3, 2, 2}, 0, 1, 2, 255, 4, 5, 6, 7, 8, 9, 10, 11),
                "label", Tensor.of(DType.F64, new int[] {3}, 2, 0, 1)));
        Dataset d = load(CLASSIFIER, "npz(\"d.npz\", inputs = [\"pixels\"], target = \"label\")", "::sparseCategoricalCrossentropy");
        // by default the array named as the model's input
        npz("e.npz", arrays("img", Tensor.of(DType.U8, new int[] {1, 2, 2}, 1, 2, 3, 4), "label", Tensor.of(DType.I32, new int[] {1}, 2)));
        assertArrayEquals(new double[] {1, 2, 3, 4}, load(CLASSIFIER, "npz(\"e.npz\", target = \"label\")", "::sparseCategoricalCrossentropy").trainImages().toDoubles());
        assertEquals(DType.U8, d.trainImages().dtype());
        assertArrayEquals(new int[] {3, 2, 2}, d.trainImages().shape());
        assertArrayEquals(new double[] {0, 1, 2, 255, 4, 5, 6, 7, 8, 9, 10, 11}, d.trainImages().toDoubles());
        assertEquals(DType.I32, d.trainLabels().dtype());
        assertArrayEquals(new double[] {2, 0, 1}, d.trainLabels().toDoubles());
        Dataset s = load(CLASSIFIER, "split(npz(\"d.npz\", inputs = [\"pixels\"], target = \"label\"), test = 1, seed = 2)", "::sparseCategoricalCrossentropy");
        assertEquals(1, s.testImages().dim(0));
        assertEquals(2, s.trainImages().dim(0));
    }

    @Test
    void npyInputsAndLabelsAsNumpyWritesThem() throws IOException {
        npy("x.npy", Tensor.of(DType.F64, new int[] {2, 3}, 1, 2, 3, 4, 5, 6));
        npy("y.npy", Tensor.of(DType.F32, new int[] {2, 1}, 0.5, 1.5));
        Dataset d = load(REGRESSION, "npy(\"x.npy\", target = \"y.npy\")", "::meanSquaredError");
        assertEquals(DType.F32, d.trainImages().dtype());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, d.trainImages().toDoubles());
        assertArrayEquals(new int[] {2, 1}, d.trainLabels().shape());
        assertArrayEquals(new double[] {0.5, 1.5}, d.trainLabels().toDoubles());
    }

    @Test
    void fortranOrderBigEndianArrays() throws IOException {
        // x = [[1, 2, 3], [4, 5, 6]] stored column-major as big-endian f8: 1 4 2 5 3 6
        String header = "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        int pad = 64 - (10 + header.length() + 1) % 64;
        String h = header + " ".repeat(pad) + "\n";
        b.write(h.length() & 0xFF);
        b.write(h.length() >> 8);
        b.write(h.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer data = ByteBuffer.allocate(48).order(ByteOrder.BIG_ENDIAN);
        for (double v : new double[] {1, 4, 2, 5, 3, 6}) data.putDouble(v);
        b.write(data.array());
        Files.write(tmp.resolve("x.npy"), b.toByteArray());
        npy("y.npy", Tensor.of(DType.F32, new int[] {2}, 7, 8));
        Dataset d = load("import std.nn.*\nmodel M(x: f32[batch, 3]) {\n    return sum(dense(x, units = 1), axis = 1)\n}\n", "npy(\"x.npy\", target = \"y.npy\")", "::meanSquaredError");
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, d.trainImages().toDoubles());
        assertArrayEquals(new int[] {2}, d.trainLabels().shape());
    }

    @Test
    void mismatchesNameTheArrayAndTheElement() throws IOException {
        String m = tmp.resolve("m.dlm").toString(), z = tmp.resolve("d.npz").toString();
        Tensor labels = Tensor.of(DType.I32, new int[] {2}, 0, 1);
        npz("d.npz", arrays("x", Tensor.of(DType.F32, new int[] {2, 4}, 0, 1, 2, 3, 4, 5, 6, 7), "y", labels));
        assertEquals(m + ":6:12: error: " + z + "'s x has shape (2, 4), but model M's input img: u8[batch, 2, 2] takes rows of shape (2, 2)",
                error(CLASSIFIER, "npz(\"d.npz\", inputs = [\"x\"], target = \"y\")", "::sparseCategoricalCrossentropy"));
        assertEquals(m + ":6:41: error: " + z + " has no array \"labels\"; it has x, y",
                error(CLASSIFIER, "npz(\"d.npz\", inputs = [\"x\"], target = \"labels\")", "::sparseCategoricalCrossentropy"));
        // without inputs, the array named as the model's input; missing, an error with a note at the input
        String e = assertThrows(DlmException.class, () -> load(CLASSIFIER, "npz(\"d.npz\", target = \"y\")", "::sparseCategoricalCrossentropy")).render();
        assertEquals(m + ":6:12: error: " + z + " has no array \"img\" for model M's input img; it has x, y (name the input array with inputs = [\"…\"])", e.lines().findFirst().orElseThrow());
        assertEquals(m + ":2:9: note: model M's input img is declared here", e.lines().toList().get(3));
        npz("d.npz", arrays("x", Tensor.of(DType.F32, new int[] {2, 2, 2}, 0, 1, 2, 3, 4, 5.5f, 6, 7), "y", labels));
        assertEquals(m + ":6:12: error: " + z + "'s x at [1, 0, 1] is 5.5, not an integer, as model M's input img: u8[batch, 2, 2] needs",
                error(CLASSIFIER, "npz(\"d.npz\", inputs = [\"x\"], target = \"y\")", "::sparseCategoricalCrossentropy"));
        npz("d.npz", arrays("x", Tensor.of(DType.I32, new int[] {2, 2, 2}, 0, 1, 2, 3, 4, 256, 6, 7), "y", labels));
        assertEquals(m + ":6:12: error: " + z + "'s x at [1, 0, 1] is 256, which does not fit u8, as model M's input img: u8[batch, 2, 2] needs",
                error(CLASSIFIER, "npz(\"d.npz\", inputs = [\"x\"], target = \"y\")", "::sparseCategoricalCrossentropy"));
        npz("d.npz", arrays("x", Tensor.of(DType.U8, new int[] {2, 2, 2}, 0, 1, 2, 3, 4, 5, 6, 7), "y", Tensor.of(DType.I32, new int[] {2}, 0, 3)));
        assertEquals(m + ":6:41: error: " + z + "'s y at [1] is 3, outside the model's 3 classes (0 to 2)",
                error(CLASSIFIER, "npz(\"d.npz\", inputs = [\"x\"], target = \"y\")", "::sparseCategoricalCrossentropy"));
        npz("d.npz", arrays("x", Tensor.of(DType.U8, new int[] {2, 2, 2}, 0, 1, 2, 3, 4, 5, 6, 7), "y", Tensor.of(DType.I32, new int[] {3}, 0, 1, 2)));
        assertEquals(m + ":6:41: error: " + z + "'s y has shape (3,), but the labels must be one value a row for the 2 rows of " + z + "'s x: shape (2,) or (2, 1)",
                error(CLASSIFIER, "npz(\"d.npz\", inputs = [\"x\"], target = \"y\")", "::sparseCategoricalCrossentropy"));
        npy("x.npy", Tensor.of(DType.F32, new int[] {1, 3}, 1, Float.NaN, 3));
        npy("y.npy", Tensor.of(DType.F32, new int[] {1}, 1));
        assertEquals(m + ":6:12: error: " + tmp.resolve("x.npy") + " at [0, 1] is NaN; fill or drop missing values before training",
                error(REGRESSION, "npy(\"x.npy\", target = \"y.npy\")", "::meanSquaredError"));
        assertEquals(m + ":6:12: error: no such file: " + tmp.resolve("nope.npy"), error(REGRESSION, "npy(\"nope.npy\", target = \"y.npy\")", "::meanSquaredError"));
        Files.writeString(tmp.resolve("x.npy"), "a,b\n1,2\n");
        assertEquals(m + ":6:12: error: cannot read " + tmp.resolve("x.npy") + ": bad magic: not a NumPy .npy file", error(REGRESSION, "npy(\"x.npy\", target = \"y.npy\")", "::meanSquaredError"));
    }

    /** The whole message of a mismatch, with its note, each caret cut to its first character. */
    private String rendered(String model, String data, String loss) {
        String e = assertThrows(DlmException.class, () -> load(model, data, loss)).render();
        return e.replaceAll("\\^~+", "^");
    }

    @Test
    void targetMismatchesAreLocatedAtTheArrayAndAtTheModelsOutput() throws IOException {
        String m = tmp.resolve("m.dlm").toString(), z = tmp.resolve("d.npz").toString();
        String data = "npz(\"d.npz\", inputs = [\"x\"], target = \"y\")";
        String source = "    data = npz(\"d.npz\", inputs = [\"x\"], target = \"y\")\n";
        String note = m + ":3:12: note: model M's output, which the loss compares the labels (i32[batch]) with, is made here\n"
                + "    return dense(img.reshape(batch, 4).toF32(), units = 3, activation = ::softmax)\n"
                + "           ^";
        Tensor x = Tensor.of(DType.U8, new int[] {2, 2, 2}, 0, 1, 2, 3, 4, 5, 6, 7);
        // wrong length
        npz("d.npz", arrays("x", x, "y", Tensor.of(DType.I32, new int[] {3}, 0, 1, 2)));
        assertEquals(m + ":6:41: error: " + z + "'s y has shape (3,), but the labels must be one value a row for the 2 rows of " + z + "'s x: shape (2,) or (2, 1)\n"
                + source + "                                        ^\n" + note, rendered(CLASSIFIER, data, "::sparseCategoricalCrossentropy"));
        // wrong shape: one-hot rows where the loss takes class indices
        npz("d.npz", arrays("x", x, "y", Tensor.of(DType.F32, new int[] {2, 3}, 1, 0, 0, 0, 1, 0)));
        assertEquals(m + ":6:41: error: " + z + "'s y has shape (2, 3), but the labels must be one value a row for the 2 rows of " + z + "'s x: shape (2,) or (2, 1)\n"
                + source + "                                        ^\n" + note, rendered(CLASSIFIER, data, "::sparseCategoricalCrossentropy"));
        // wrong dtype: fractions where the loss takes classes
        npz("d.npz", arrays("x", x, "y", Tensor.of(DType.F64, new int[] {2}, 1, 0.5)));
        assertEquals(m + ":6:41: error: " + z + "'s y at [1] is 0.5, not an integer, as the labels (i32[batch]) needs\n"
                + source + "                                        ^\n" + note, rendered(CLASSIFIER, data, "::sparseCategoricalCrossentropy"));
        // a class the output does not have
        npz("d.npz", arrays("x", x, "y", Tensor.of(DType.I64, new int[] {2, 1}, 1, 7)));
        assertEquals(m + ":6:41: error: " + z + "'s y at [1, 0] is 7, outside the model's 3 classes (0 to 2)\n"
                + source + "                                        ^\n" + note, rendered(CLASSIFIER, data, "::sparseCategoricalCrossentropy"));
        // the target array missing: the arrays there are, and the output the labels are for
        npz("d.npz", arrays("x", x, "labels", Tensor.of(DType.I32, new int[] {2}, 0, 1)));
        assertEquals(m + ":6:41: error: " + z + " has no array \"y\"; it has x, labels\n"
                + source + "                                        ^\n" + note, rendered(CLASSIFIER, data, "::sparseCategoricalCrossentropy"));
        // a named input array missing: a note at the model's input
        assertEquals(m + ":6:25: error: " + z + " has no array \"pixels\"; it has x, labels\n"
                        + "    data = npz(\"d.npz\", inputs = [\"pixels\"], target = \"labels\")\n"
                        + "                        ^\n"
                        + m + ":2:9: note: model M's input img is declared here\n"
                        + "model M(img: u8[batch, 2, 2]) {\n"
                        + "        ^",
                rendered(CLASSIFIER, "npz(\"d.npz\", inputs = [\"pixels\"], target = \"labels\")", "::sparseCategoricalCrossentropy"));
        // an .npy target too: the regression's f32 labels, one a row
        npy("x.npy", Tensor.of(DType.F32, new int[] {2, 3}, 1, 2, 3, 4, 5, 6));
        npy("y.npy", Tensor.of(DType.F32, new int[] {2, 2}, 1, 2, 3, 4));
        assertEquals(m + ":6:25: error: " + tmp.resolve("y.npy") + " has shape (2, 2), but the labels must be one value a row for the 2 rows of " + tmp.resolve("x.npy") + ": shape (2,) or (2, 1)\n"
                        + "    data = npy(\"x.npy\", target = \"y.npy\")\n"
                        + "                        ^\n"
                        + m + ":3:12: note: model M's output, which the loss compares the labels (f32[batch, 1]) with, is made here\n"
                        + "    return dense(x, units = 1)\n"
                        + "           ^",
                rendered(REGRESSION, "npy(\"x.npy\", target = \"y.npy\")", "::meanSquaredError"));
    }
}
