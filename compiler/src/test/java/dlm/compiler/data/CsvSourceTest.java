package dlm.compiler.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * csv(…) data sources on generated files, through the checker and the loader as dlmc train uses
 * them: header or not, delimiters, quoted fields, blank lines, categorical columns, the model's
 * input dtype and rank, label types chosen by the loss, split/shuffle/take, and every kind of bad
 * file with its exact located message.
 */
class CsvSourceTest {
    @TempDir
    Path tmp;

    /** A regression model on two features. */
    static final String REGRESSION = """
            import std.nn.*
            model M(x: f32[batch, 2]) {
                return dense(x, units = 1)
            }
            """;

    private CheckedProgram program(String model, String data, String loss) throws IOException {
        Path f = tmp.resolve("m.dlm");
        Files.writeString(f, model + "train(M) {\n    data = " + data + "\n    loss = " + loss + "\n    optimizer = sgd()\n}\n");
        return Frontend.load(f);
    }

    private Dataset load(String model, String data, String loss) throws IOException {
        CheckedProgram p = program(model, data, loss);
        TrainConfig t = p.trains().get(0);
        DataSource s = (DataSource) ((Value.ConfigV) t.settings().get("data")).args().get("source");
        return DataSources.load(s, TrainGraph.build(p, t).feed());
    }

    private Dataset load(String data) throws IOException { return load(REGRESSION, data, "::meanSquaredError"); }

    private String error(String model, String data, String loss) {
        return assertThrows(DlmException.class, () -> load(model, data, loss)).render();
    }

    private String error(String data) { return error(REGRESSION, data, "::meanSquaredError"); }

    private void csv(String name, String text) throws IOException { Files.writeString(tmp.resolve(name), text); }

    private static void assertValues(double[] want, Tensor t) { assertArrayEquals(want, t.toDoubles(), 0, Arrays.toString(t.toDoubles())); }

    @Test
    void headerQuotesDelimiterCrlfAndBlankLines() throws IOException {
        csv("t.csv", "\"a\";\"b;c\";y\r\n1;\"2.5\";3\r\n\r\n   \n -4 ;5e-1; \"6\"\n");
        Dataset d = load("csv(\"t.csv\", target = \"y\", delimiter = \";\")");
        assertEquals(DType.F32, d.trainImages().dtype());
        assertArrayEquals(new int[] {2, 2}, d.trainImages().shape());
        assertValues(new double[] {1, 2.5, -4, 0.5}, d.trainImages());
        // one sigmoid-less output: f32 labels shaped [rows, 1] like the output
        assertEquals(DType.F32, d.trainLabels().dtype());
        assertArrayEquals(new int[] {2, 1}, d.trainLabels().shape());
        assertValues(new double[] {3, 6}, d.trainLabels());
        // not split: all rows train, an empty test part
        assertEquals(0, d.testImages().dim(0));
    }

    @Test
    void quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws IOException {
        csv("t.csv", "name,x,y,z\n\"a, \"\"b\"\"\nc\",1,2,3\n\"d\",4,5,6\n");
        Dataset d = load("csv(\"t.csv\", target = \"z\", features = [\"y\", \"x\"])");
        assertValues(new double[] {2, 1, 5, 4}, d.trainImages()); // features in the order listed
        assertValues(new double[] {3, 6}, d.trainLabels());
    }

    @Test
    void withoutHeaderColumnsAreNumbered() throws IOException {
        csv("t.csv", "1\t2\t3\n4\t5\t6\n");
        Dataset d = load("csv(\"t.csv\", target = \"0\", header = false, delimiter = \"\\t\")");
        assertValues(new double[] {2, 3, 5, 6}, d.trainImages());
        assertValues(new double[] {1, 4}, d.trainLabels());
    }

    @Test
    void aBadCellIsReportedAtItsLineAndColumn() throws IOException {
        csv("housing.csv", "crim,rm,medv\n0.1,6.5,24\n0.2,n/a,21\n");
        assertEquals(tmp.resolve("housing.csv") + ":3:5: error: \"n/a\" is not a number in column \"rm\" (a missing value: fill or drop missing values before training)\n"
                + "0.2,n/a,21\n    ^~~", error("csv(\"housing.csv\", target = \"medv\")"));
        csv("housing.csv", "crim,rm,medv\n0.1,6.5,24\n0.2,six,21\n");
        assertEquals(tmp.resolve("housing.csv") + ":3:5: error: \"six\" is not a number in column \"rm\" (give categorical columns as categories = [\"rm\"])\n"
                + "0.2,six,21\n    ^~~", error("csv(\"housing.csv\", target = \"medv\")"));
    }

    @Test
    void missingValuesAndNanAreErrorsNotSilentNan() throws IOException {
        csv("t.csv", "a,b,y\n1,,3\n");
        assertEquals(tmp.resolve("t.csv") + ":2:3: error: missing value (an empty cell) in column \"b\"; fill or drop missing values before training\n1,,3\n  ^",
                error("csv(\"t.csv\", target = \"y\")"));
        csv("t.csv", "a,b,y\n1,NaN,3\n");
        assertEquals(tmp.resolve("t.csv") + ":2:3: error: \"NaN\" is not a number in column \"b\" (a missing value: fill or drop missing values before training)\n1,NaN,3\n  ^~~",
                error("csv(\"t.csv\", target = \"y\")"));
        // Java's own spellings of numbers are not CSV numbers either
        csv("t.csv", "a,b,y\n1,Infinity,3\n");
        assertEquals(tmp.resolve("t.csv") + ":2:3: error: \"Infinity\" is not a number in column \"b\" (give categorical columns as categories = [\"b\"])\n1,Infinity,3\n  ^~~~~~~~",
                error("csv(\"t.csv\", target = \"y\")"));
        csv("t.csv", "a,b,y\n1,2f,3\n");
        assertEquals(tmp.resolve("t.csv") + ":2:3: error: \"2f\" is not a number in column \"b\" (give categorical columns as categories = [\"b\"])\n1,2f,3\n  ^~",
                error("csv(\"t.csv\", target = \"y\")"));
    }

    @Test
    void raggedRows() throws IOException {
        csv("t.csv", "a,b,y\n1,2,3\n4,5,6,7\n");
        assertEquals(tmp.resolve("t.csv") + ":3:7: error: this row has 4 fields, but the header has 3\n4,5,6,7\n      ^",
                error("csv(\"t.csv\", target = \"y\")"));
        csv("t.csv", "a,b,y\n1,2,3\n4,5\n");
        assertEquals(tmp.resolve("t.csv") + ":3:4: error: this row has 2 fields, but the header has 3; column \"y\" is missing\n4,5\n   ^",
                error("csv(\"t.csv\", target = \"y\")"));
        csv("t.csv", "1,2,3\n4,5\n");
        assertEquals(tmp.resolve("t.csv") + ":2:4: error: this row has 2 fields, but the first row has 3; column \"2\" is missing\n4,5\n   ^",
                error("csv(\"t.csv\", target = \"2\", header = false)"));
    }

    @Test
    void emptyFilesAndMissingFilesAreReportedAtTheSource() throws IOException {
        csv("t.csv", "");
        String e = error("csv(\"t.csv\", target = \"y\")");
        assertEquals(tmp.resolve("m.dlm") + ":6:12: error: " + tmp.resolve("t.csv") + " is empty: no header, no rows", e.lines().findFirst().orElseThrow());
        csv("t.csv", "\n\n");
        assertEquals(tmp.resolve("m.dlm") + ":6:12: error: " + tmp.resolve("t.csv") + " is empty: no header, no rows", error("csv(\"t.csv\", target = \"y\")").lines().findFirst().orElseThrow());
        csv("t.csv", "a,b,y\n");
        assertEquals(tmp.resolve("m.dlm") + ":6:12: error: " + tmp.resolve("t.csv") + " has a header but no rows", error("csv(\"t.csv\", target = \"y\")").lines().findFirst().orElseThrow());
        assertEquals(tmp.resolve("m.dlm") + ":6:12: error: no such file: " + tmp.resolve("nope.csv"), error("csv(\"nope.csv\", target = \"y\")").lines().findFirst().orElseThrow());
        csv("t.csv", "a,\"b\n1,2\n");
        assertEquals(tmp.resolve("t.csv") + ":1:3: error: quoted field is never closed (a \" with no matching \")", error("csv(\"t.csv\", target = \"y\")").lines().findFirst().orElseThrow());
    }

    @Test
    void unknownColumnsAreReportedInTheDlmSource() throws IOException {
        csv("t.csv", "crim,rooms,medv\n1,2,3\n");
        assertEquals(tmp.resolve("m.dlm") + ":6:42: error: " + tmp.resolve("t.csv") + " has no column \"romms\" (feature); did you mean \"rooms\"? Its header has: crim, rooms, medv\n"
                        + "    data = csv(\"t.csv\", target = \"medv\", features = [\"crim\", \"romms\"])\n"
                        + "                                         ^~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
                        + tmp.resolve("t.csv") + ":1:1: note: the header of " + tmp.resolve("t.csv") + " is here\n"
                        + "crim,rooms,medv\n"
                        + "^~~~~~~~~~~~~~~",
                error("csv(\"t.csv\", target = \"medv\", features = [\"crim\", \"romms\"])"));
        assertEquals(tmp.resolve("m.dlm") + ":6:25: error: " + tmp.resolve("t.csv") + " has no column \"price\" (target); its header has: crim, rooms, medv",
                error("csv(\"t.csv\", target = \"price\")").lines().findFirst().orElseThrow());
        csv("t.csv", "a,a,y\n1,2,3\n");
        assertEquals(tmp.resolve("t.csv") + ":1:3: error: column \"a\" appears twice in the header (columns 1 and 2)", error("csv(\"t.csv\", target = \"y\")").lines().findFirst().orElseThrow());
    }

    @Test
    void aMissingTargetColumnIsLocatedAtItsNameAndAtTheHeader() throws IOException {
        csv("t.csv", "crim, rooms ,medv\n1,2,3\n");
        // a close name is suggested; the header is shown as written (the names are stripped)
        assertEquals(tmp.resolve("m.dlm") + ":6:25: error: " + tmp.resolve("t.csv") + " has no column \"mdev\" (target); did you mean \"medv\"? Its header has: crim, rooms, medv\n"
                        + "    data = csv(\"t.csv\", target = \"mdev\")\n"
                        + "                        ^~~~~~~~~~~~~~~\n"
                        + tmp.resolve("t.csv") + ":1:1: note: the header of " + tmp.resolve("t.csv") + " is here\n"
                        + "crim, rooms ,medv\n"
                        + "^~~~~~~~~~~~~~~~~",
                error("csv(\"t.csv\", target = \"mdev\")"));
        // without a header: the first row, and the columns' numbers
        String e = error("csv(\"t.csv\", target = \"y\", header = false)");
        assertEquals(tmp.resolve("m.dlm") + ":6:25: error: " + tmp.resolve("t.csv") + " has no column \"y\" (target); without a header, columns are named \"0\" to \"2\"",
                e.lines().findFirst().orElseThrow());
        assertEquals(tmp.resolve("t.csv") + ":1:1: note: the first row of " + tmp.resolve("t.csv") + " is here", e.lines().toList().get(3));
    }

    @Test
    void aTargetCellTheLabelsCannotHoldIsLocatedAtTheCellAndTheOutput() throws IOException {
        String model = "import std.nn.*\nmodel M(x: f32[batch, 2]) {\n    return dense(x, units = 3, activation = ::softmax)\n}\n";
        csv("t.csv", "a,b,label\n1,2,0\n3,4,3\n");
        String e = error(model, "csv(\"t.csv\", target = \"label\")", "::sparseCategoricalCrossentropy");
        assertEquals(tmp.resolve("t.csv") + ":3:5: error: class 3 in target column \"label\" is outside model M's 3 classes (0 to 2)\n"
                + "3,4,3\n"
                + "    ^\n"
                + tmp.resolve("m.dlm") + ":3:12: note: model M's output, which the loss compares the labels (i32[batch]) with, is made here\n"
                + "    return dense(x, units = 3, activation = ::softmax)\n"
                + "           ^", e.substring(0, e.lastIndexOf('^') + 1).replaceAll("\\^~+$", "^"));
        // a cell that is no number is the data's own fault: no note
        csv("t.csv", "a,b,label\n1,2,x\n");
        assertEquals(3, error(model, "csv(\"t.csv\", target = \"label\")", "::sparseCategoricalCrossentropy").lines().count());
    }

    @Test
    void aMismatchWithTheModelIsLocatedInBoth() throws IOException {
        csv("t.csv", "a,b,c,y\n1,2,3,4\n");
        String e = error("csv(\"t.csv\", target = \"y\")");
        assertEquals(tmp.resolve("m.dlm") + ":6:12: error: " + tmp.resolve("t.csv") + " gives 3 features a row (a, b, c), but model M's input x: f32[batch, 2] takes 2 a row\n"
                + "    data = csv(\"t.csv\", target = \"y\")\n"
                + "           ^~~~~~~~~~~~~~~~~~~~~~~~~~\n"
                + tmp.resolve("m.dlm") + ":2:9: note: model M's input x is declared here\n"
                + "model M(x: f32[batch, 2]) {\n"
                + "        ^", e.substring(0, e.lastIndexOf('^') + 1).replaceAll("\\^~+$", "^"));
        // a model with two inputs takes one list of columns each
        String two = "import std.nn.*\nmodel M(x: f32[batch, 2], z: f32[batch, 1]) {\n    return x + z\n}\n";
        assertEquals(tmp.resolve("m.dlm") + ":6:12: error: model M takes 2 inputs (x, z): give csv() one list of columns per input, such as features = [[\"a\", \"b\"], [\"c\"]]",
                error(two, "csv(\"t.csv\", target = \"y\")", "::meanSquaredError").lines().findFirst().orElseThrow());
        // a regression loss on an output of 3 values cannot be fed one target column
        String three = "import std.nn.*\nmodel M(x: f32[batch, 3]) {\n    return dense(x, units = 3)\n}\n";
        assertEquals(tmp.resolve("m.dlm") + ":6:12: error: a data source's target is one column, so the loss needs class indices (::sparseCategoricalCrossentropy) "
                        + "or one value a row, but model M's output is f32[batch, 3]",
                error(three, "csv(\"t.csv\", target = \"y\")", "::meanSquaredError").lines().findFirst().orElseThrow());
    }

    @Test
    void classificationLabelsAreI32ClassesChecked() throws IOException {
        String model = "import std.nn.*\nmodel M(x: f32[batch, 2]) {\n    return dense(x, units = 3, activation = ::softmax)\n}\n";
        csv("t.csv", "a,b,label\n1,2,0\n3,4,2\n5,6,1\n");
        Dataset d = load(model, "csv(\"t.csv\", target = \"label\")", "::sparseCategoricalCrossentropy");
        assertEquals(DType.I32, d.trainLabels().dtype());
        assertArrayEquals(new int[] {3}, d.trainLabels().shape());
        assertValues(new double[] {0, 2, 1}, d.trainLabels());
        csv("t.csv", "a,b,label\n1,2,0\n3,4,3\n");
        assertEquals(tmp.resolve("t.csv") + ":3:5: error: class 3 in target column \"label\" is outside model M's 3 classes (0 to 2)",
                error(model, "csv(\"t.csv\", target = \"label\")", "::sparseCategoricalCrossentropy").lines().findFirst().orElseThrow());
        csv("t.csv", "a,b,label\n1,2,0.5\n");
        assertEquals(tmp.resolve("t.csv") + ":2:5: error: \"0.5\" is not a class index (an Int from 0) in target column \"label\"; the loss takes classes (a regression needs a loss such as ::meanSquaredError)",
                error(model, "csv(\"t.csv\", target = \"label\")", "::sparseCategoricalCrossentropy").lines().findFirst().orElseThrow());
        // binary crossentropy takes 0/1 values: f32 labels like the sigmoid output
        String sigmoid = "import std.nn.*\nmodel M(x: f32[batch, 2]) {\n    return dense(x, units = 1, activation = ::sigmoid)\n}\n";
        csv("t.csv", "a,b,label\n1,2,0\n3,4,1\n");
        Dataset b = load(sigmoid, "csv(\"t.csv\", target = \"label\")", "::binaryCrossentropy");
        assertEquals(DType.F32, b.trainLabels().dtype());
        assertArrayEquals(new int[] {2, 1}, b.trainLabels().shape());
    }

    @Test
    void categoricalColumnsBecomeSortedCodesOrOneHot() throws IOException {
        String model = "import std.nn.*\nmodel M(x: f32[batch, 2]) {\n    return dense(x, units = 3, activation = ::softmax)\n}\n";
        csv("t.csv", "size,colour,kind\n1,red,setosa\n2,blue,virginica\n3,green,setosa\n4,red,versicolor\n");
        Dataset d = load(model, "csv(\"t.csv\", target = \"kind\", categories = [\"colour\", \"kind\"])", "::sparseCategoricalCrossentropy");
        assertValues(new double[] {1, 2, 2, 0, 3, 1, 4, 2}, d.trainImages()); // blue 0, green 1, red 2
        assertValues(new double[] {0, 2, 0, 1}, d.trainLabels()); // setosa 0, versicolor 1, virginica 2
        String wide = "import std.nn.*\nmodel M(x: f32[batch, 4]) {\n    return dense(x, units = 3, activation = ::softmax)\n}\n";
        Dataset h = load(wide, "csv(\"t.csv\", target = \"kind\", categories = [\"colour\", \"kind\"], oneHot = true)", "::sparseCategoricalCrossentropy");
        assertValues(new double[] {1, 0, 0, 1, 2, 1, 0, 0, 3, 0, 1, 0, 4, 0, 0, 1}, h.trainImages());
        // numeric categories sort as numbers: 10 after 9
        csv("t.csv", "a,b,y\n10,1,0\n9,2,1\n");
        Dataset n = load(model, "csv(\"t.csv\", target = \"y\", categories = [\"a\"])", "::sparseCategoricalCrossentropy");
        assertValues(new double[] {1, 1, 0, 2}, n.trainImages());
    }

    @Test
    void rowsTakeTheModelsInputDtypeAndRank() throws IOException {
        String model = "import std.nn.*\nmodel M(img: u8[batch, 2, 2]) {\n    return dense(img.reshape(batch, 4).toF32(), units = 1)\n}\n";
        csv("t.csv", "p0,p1,p2,p3,y\n0,1,2,255,1.5\n3,4,5,6,2\n");
        Dataset d = load(model, "csv(\"t.csv\", target = \"y\")", "::meanSquaredError");
        assertEquals(DType.U8, d.trainImages().dtype());
        assertArrayEquals(new int[] {2, 2, 2}, d.trainImages().shape());
        assertValues(new double[] {0, 1, 2, 255, 3, 4, 5, 6}, d.trainImages());
        csv("t.csv", "p0,p1,p2,p3,y\n0,1,2,256,1.5\n");
        assertEquals(tmp.resolve("t.csv") + ":2:7: error: \"256\" in column \"p3\" does not fit u8, as model M's input img: u8[batch, 2, 2] needs",
                error(model, "csv(\"t.csv\", target = \"y\")", "::meanSquaredError").lines().findFirst().orElseThrow());
        String both = assertThrows(DlmException.class, () -> load(model, "csv(\"t.csv\", target = \"y\")", "::meanSquaredError")).render();
        assertEquals(tmp.resolve("m.dlm") + ":2:9: note: model M's input img is declared here", both.lines().toList().get(3)); // located in both
        csv("t.csv", "p0,p1,p2,p3,y\n0,1.5,2,3,1.5\n");
        assertEquals(tmp.resolve("t.csv") + ":2:3: error: \"1.5\" in column \"p1\" is not an integer, as model M's input img: u8[batch, 2, 2] needs",
                error(model, "csv(\"t.csv\", target = \"y\")", "::meanSquaredError").lines().findFirst().orElseThrow());
    }

    @Test
    void splitIsSeededAndPartitionsTheRows() throws IOException {
        StringBuilder sb = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 10; i++) sb.append(i).append(',').append(i * 10).append(',').append(i).append('\n');
        csv("t.csv", sb.toString());
        Dataset d = load("split(csv(\"t.csv\", target = \"y\"), test = 0.25, seed = 3)");
        assertEquals(3, d.testImages().dim(0)); // ceil(0.25 · 10), as scikit-learn
        assertEquals(7, d.trainImages().dim(0));
        Set<Double> all = new HashSet<>();
        for (double v : d.trainLabels().toDoubles()) all.add(v);
        for (double v : d.testLabels().toDoubles()) all.add(v);
        assertEquals(10, all.size()); // every row in exactly one part
        for (int r = 0; r < 7; r++) assertEquals(d.trainImages().get(r, 0), d.trainLabels().get(r, 0)); // rows stay whole
        Dataset again = load("split(csv(\"t.csv\", target = \"y\"), test = 0.25, seed = 3)");
        assertArrayEquals(d.testLabels().toDoubles(), again.testLabels().toDoubles());
        Dataset other = load("split(csv(\"t.csv\", target = \"y\"), test = 0.25, seed = 4)");
        assertNotEquals(Arrays.toString(d.testLabels().toDoubles()), Arrays.toString(other.testLabels().toDoubles()));
        assertEquals(4, load("split(csv(\"t.csv\", target = \"y\"), test = 4)").testImages().dim(0));
        assertEquals(tmp.resolve("m.dlm") + ":6:12: error: this split of 10 rows holds out 10 for testing and leaves none to train on",
                error("split(csv(\"t.csv\", target = \"y\"), test = 12)").lines().findFirst().orElseThrow());
        // take the first rows; shuffle them
        assertValues(new double[] {0, 1, 2}, load("take(csv(\"t.csv\", target = \"y\"), 3)").trainLabels());
        assertValues(new double[] {0, 1, 2, 3}, load("csv(\"t.csv\", target = \"y\").take(4)").trainLabels());
        assertEquals(tmp.resolve("m.dlm") + ":6:45: error: the row count of take(data, n) must be from 1 to 2147483647, got 0",
                error("take(csv(\"t.csv\", target = \"y\"), 0)").lines().findFirst().orElseThrow());
        double[] shuffled = load("shuffle(csv(\"t.csv\", target = \"y\"), seed = 5)").trainLabels().toDoubles();
        double[] sorted = shuffled.clone();
        Arrays.sort(sorted);
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sorted);
        assertNotEquals(Arrays.toString(sorted), Arrays.toString(shuffled));
    }

    @Test
    void badArgumentsAreCheckErrors() throws IOException {
        csv("t.csv", "a,b,y\n1,2,3\n");
        assertEquals(tmp.resolve("m.dlm") + ":6:46: error: 'test' of split() must be a fraction in (0, 1) or a row count from 1, got 1.5",
                error("split(csv(\"t.csv\", target = \"y\"), test = 1.5)").lines().findFirst().orElseThrow());
        assertEquals(tmp.resolve("m.dlm") + ":6:18: error: mnist() comes with its own train and test parts; only a file source such as csv(…) can be cut",
                error("split(mnist(), test = 0.5)").lines().findFirst().orElseThrow());
        assertEquals(tmp.resolve("m.dlm") + ":6:12: error: csv() needs a target column: csv(\"t.csv\", target = \"name\")",
                error("csv(\"t.csv\")").lines().findFirst().orElseThrow());
        assertEquals(tmp.resolve("m.dlm") + ":6:39: error: 'delimiter' of csv() must be one character other than a quote or line break, such as \",\", \";\" or \"\\t\"; got \"::\"",
                error("csv(\"t.csv\", target = \"y\", delimiter = \"::\")").lines().findFirst().orElseThrow());
    }
}
