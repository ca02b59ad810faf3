package dlm.compiler.data;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceFile;
import dlm.compiler.diag.SourceReader;
import dlm.compiler.diag.SourceSpan;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a {@link DataSource.Csv} into a {@link Table} of the model's dtypes (pandas's
 * {@code read_csv} then {@code df[features].to_numpy(dtype)}, checked): each feature cell must be
 * a decimal number (integral and in range when the model's input is an integer dtype), each target
 * cell a class index (0 or more, integral) when the labels are integers. Columns named in
 * {@code categories} hold strings: their distinct values, sorted (numerically when all are
 * numbers), become the codes 0, 1, … or, with {@code oneHot}, one 0/1 column each. Missing values
 * are errors — a NaN in the data would make every loss NaN — located at the cell.
 */
final class CsvLoader {
    private CsvLoader() {}

    /** A decimal number as pandas reads one: no hex, no {@code 1f}, no Infinity or NaN. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    /** pandas's default spellings of a missing value (na_values), besides the empty cell. */
    private static final Set<String> MISSING = Set.of("NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "NULL", "null", "None", "#N/A", "<NA>", "#NA", "-1.#IND", "1.#QNAN", "1.#IND", "-1.#QNAN", "#N/A N/A");

    static Table load(DataSource.Csv csv, ModelFeed feed) { return load(csv, feed, List.of(csv.target()), null); }

    /**
     * A model trained by name: each input's columns ({@code features = [[…], […]]}, one list per
     * input; one input without features: every column but the targets) and each output's target
     * column ({@code targets}), each read and checked as one input and one target are.
     */
    static Columns load(DataSource.Csv csv, List<ModelFeed> inputFeeds, List<ModelFeed> targetFeeds, List<String> outputNames) {
        List<String> targets = csv.targets() != null ? csv.targets() : List.of(csv.target());
        Set<String> used = new java.util.HashSet<>(targets);
        if (csv.featureGroups() != null) csv.featureGroups().forEach(used::addAll);
        else if (csv.features() != null) used.addAll(csv.features());
        List<Tensor> xs = new ArrayList<>(), ys = new ArrayList<>();
        Tensor w = null;
        for (int i = 0; i < inputFeeds.size(); i++) {
            List<String> features = csv.featureGroups() != null ? csv.featureGroups().get(i) : csv.features();
            Table t = load(csv.part(features, targets.get(0), csv.targetAt()), inputFeeds.get(i), targets, used);
            xs.add(t.x());
            if (i == 0) w = t.w(); // the sample weights, when the source names a column of them
        }
        for (int h = 0; h < targetFeeds.size(); h++) {
            List<String> features = csv.featureGroups() != null ? csv.featureGroups().get(0) : csv.features();
            ys.add(load(csv.part(features, targets.get(h), csv.targetAt()), targetFeeds.get(h), targets, used).y());
        }
        return new Columns(xs, ys, w);
    }

    /**
     * One input and one target; {@code targets}: every target column of the source (none is a
     * feature), {@code used} (null: this source's features and target) every column the model reads,
     * which a categorical column must be among.
     */
    private static Table load(DataSource.Csv csv, ModelFeed feed, List<String> targets, Set<String> used) {
        SourceFile file = read(csv);
        List<CsvParser.Row> rows = CsvParser.parse(file, csv.delimiter());
        if (rows.isEmpty()) throw new DlmException(csv.at(), csv.shown() + " is empty: no " + (csv.header() ? "header, no " : "") + "rows");
        List<String> names = new ArrayList<>();
        CsvParser.Row first = rows.get(0);
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int c = 0; c < first.fields().size(); c++) {
            CsvParser.Field f = first.fields().get(c);
            String name = csv.header() ? f.text().strip() : Integer.toString(c);
            if (index.containsKey(name))
                throw new DlmException(span(file, f), "column \"" + name + "\" appears twice in the header (columns " + (index.get(name) + 1) + " and " + (c + 1) + ")");
            index.put(name, c);
            names.add(name);
        }
        List<CsvParser.Row> data = csv.header() ? rows.subList(1, rows.size()) : rows;
        if (data.isEmpty()) throw new DlmException(csv.at(), csv.shown() + " has a header but no rows");
        for (CsvParser.Row r : data) {
            int m = r.fields().size();
            if (m > names.size()) {
                CsvParser.Field extra = r.fields().get(names.size());
                throw new DlmException(span(file, extra), "this row has " + m + " fields, but " + (csv.header() ? "the header has " : "the first row has ") + names.size());
            }
            if (m < names.size())
                throw new DlmException(new SourceSpan(file, lastLine(r), r.endColumn(), lastLine(r), r.endColumn() + 1),
                        "this row has " + m + (m == 1 ? " field" : " fields") + ", but " + (csv.header() ? "the header has " : "the first row has ") + names.size() + "; column \"" + names.get(m) + "\" is missing");
        }

        int target = column(csv, index, csv.target(), csv.targetAt(), "target", file, first);
        // every output's target column, before the features are taken as "all the others": a
        // misspelt target must be named, not read as one feature too many
        if (targets != null) for (String t : targets) column(csv, index, t, csv.targetAt(), "target", file, first);
        int weight = csv.sampleWeight() == null ? -1 : column(csv, index, csv.sampleWeight(), csv.sampleWeightAt(), "sample weight", file, first);
        List<Integer> features = new ArrayList<>();
        if (csv.features() == null) {
            for (int c = 0; c < names.size(); c++) if (c != target && c != weight && !targets.contains(names.get(c))) features.add(c);
        } else {
            for (String f : csv.features()) {
                int c = column(csv, index, f, csv.featuresAt(), "feature", file, first);
                if (c == target || targets.contains(f)) throw new DlmException(csv.featuresAt(), "column \"" + f + "\" is the target; it cannot also be a feature");
                if (c == weight) throw new DlmException(csv.featuresAt(), "column \"" + f + "\" is the sample weights; it cannot also be a feature");
                if (features.contains(c)) throw new DlmException(csv.featuresAt(), "feature \"" + f + "\" is listed twice");
                features.add(c);
            }
        }
        // The categorical columns' sorted values: a value's index is its code.
        Map<Integer, List<String>> categories = new HashMap<>();
        for (String cat : csv.categories()) {
            int c = column(csv, index, cat, csv.categoriesAt(), "categorical", file, first);
            if (used != null ? !used.contains(cat) && !(csv.features() == null && !targets.contains(cat)) : c != target && !features.contains(c))
                throw new DlmException(csv.categoriesAt(), "categorical column \"" + cat + "\" is neither the target nor a feature");
            categories.put(c, sortedValues(data, c));
        }

        int width = 0;
        for (int c : features) width += csv.oneHot() && categories.containsKey(c) ? categories.get(c).size() : 1;
        if (width != feed.featuresPerRow())
            throw new NotedException(csv.at(), csv.shown() + " gives " + width + (width == 1 ? " feature" : " features") + " a row (" + describe(names, features, categories, csv.oneHot())
                    + "), but " + feed.describeInput() + " takes " + feed.featuresPerRow() + " a row",
                    feed.inputAt(), "model " + feed.model() + "'s input " + feed.inputName() + " is declared here");
        if (feed.labelsPerRow() != 1)
            throw feed.atLabels(new DlmException(csv.targetAt(), "the target is one column, but model " + feed.model() + "'s labels are " + feed.labels()));

        int n = data.size();
        Tensor x = Tensor.zeros(feed.input().dtype(), ModelFeed.rows(feed.input(), n));
        int[] yShape = ModelFeed.rows(feed.labels(), n);
        Tensor y = Tensor.zeros(feed.labels().dtype(), yShape);
        Tensor w = weight < 0 ? null : Tensor.zeros(DType.F32, n);
        for (int i = 0; i < n; i++) {
            List<CsvParser.Field> fs = data.get(i).fields();
            int k = i * width;
            for (int c : features) {
                CsvParser.Field f = fs.get(c);
                List<String> cats = categories.get(c);
                if (cats != null && csv.oneHot()) {
                    x.setLong(k + cats.indexOf(f.text().strip()), 1);
                    k += cats.size();
                } else {
                    double v = cats != null ? cats.indexOf(f.text().strip()) : number(file, f, names.get(c));
                    try {
                        store(x, k++, v, file, f, names.get(c), feed.describeInput());
                    } catch (DlmException e) {
                        throw feed.atInput(e);
                    }
                }
            }
            CsvParser.Field t = fs.get(target);
            List<String> cats = categories.get(target);
            double v = cats != null ? cats.indexOf(t.text().strip()) : number(file, t, names.get(target));
            try {
                target(file, t, v, names.get(target), feed, y, i);
            } catch (DlmException e) {
                throw feed.atLabels(e); // a number the labels cannot hold: the data's cell and the model's output
            }
            if (w != null) w.setDouble(i, SampleWeightCheck.check(number(file, fs.get(weight), names.get(weight)), span(file, fs.get(weight)), "in column \"" + names.get(weight) + "\""));
        }
        return new Table(x, y, w);
    }

    /** Stores row i's target v (the number or category code of cell t) in y, when the labels hold it: a class index of the model's classes when they are integers. */
    private static void target(SourceFile file, CsvParser.Field t, double v, String column, ModelFeed feed, Tensor y, int i) {
        if (feed.labels().dtype().isInteger()) {
            if (v != Math.rint(v) || v < 0)
                throw new DlmException(span(file, t), "\"" + t.text() + "\" is not a class index (an Int from 0) in target column \"" + column
                        + "\"; the loss takes classes (a regression needs a loss such as ::meanSquaredError)");
            if (feed.classes() > 0 && v >= feed.classes())
                throw new DlmException(span(file, t), "class " + (long) v + " in target column \"" + column + "\" is outside model " + feed.model()
                        + "'s " + feed.classes() + " classes (0 to " + (feed.classes() - 1) + ")");
        }
        store(y, i, v, file, t, column, "the labels (" + feed.labels() + ")");
    }

    private static SourceFile read(DataSource.Csv csv) {
        byte[] bytes;
        try {
            if (Files.isDirectory(csv.path())) throw new DlmException(csv.at(), csv.shown() + " is a folder, not a CSV file");
            bytes = Files.readAllBytes(csv.path());
        } catch (NoSuchFileException e) {
            throw new DlmException(csv.at(), "no such file: " + csv.shown());
        } catch (IOException e) {
            throw new DlmException(csv.at(), "cannot read " + csv.shown() + ": " + e.getMessage());
        }
        return SourceReader.decode(csv.shown(), bytes);
    }

    private static int lastLine(CsvParser.Row r) { return r.fields().get(r.fields().size() - 1).line(); }

    /** The index of column {@code name}, or an error at {@code at} (where the .dlm file names it) with a note at the header (or first row) of the file. */
    private static int column(DataSource.Csv csv, Map<String, Integer> index, String name, SourceSpan at, String role, SourceFile file, CsvParser.Row first) {
        Integer c = index.get(name);
        if (c != null) return c;
        String s = dlm.compiler.check.Suggest.closest(name, index.keySet());
        String known = csv.header() ? "its header has: " + String.join(", ", index.keySet()) : "without a header, columns are named \"0\" to \"" + (index.size() - 1) + "\"";
        CsvParser.Field head = first.fields().get(0);
        SourceSpan row = new SourceSpan(file, head.line(), head.column(), head.line(), Math.max(head.column() + 1, lastLine(first) == head.line() ? first.endColumn() : head.column() + 1));
        throw new NotedException(at, csv.shown() + " has no column \"" + name + "\" (" + role + ")"
                + (s != null ? "; did you mean \"" + s + "\"? " + Character.toUpperCase(known.charAt(0)) + known.substring(1) : "; " + known),
                row, csv.header() ? "the header of " + csv.shown() + " is here" : "the first row of " + csv.shown() + " is here");
    }

    private static List<String> sortedValues(List<CsvParser.Row> data, int c) {
        Set<String> seen = new TreeSet<>();
        boolean numeric = true;
        for (CsvParser.Row r : data) {
            String v = r.fields().get(c).text().strip();
            seen.add(v);
            numeric &= NUMBER.matcher(v).matches();
        }
        List<String> values = new ArrayList<>(seen);
        if (numeric) values.sort((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)));
        return values;
    }

    private static String describe(List<String> names, List<Integer> features, Map<Integer, List<String>> categories, boolean oneHot) {
        List<String> parts = new ArrayList<>();
        for (int c : features)
            parts.add(oneHot && categories.containsKey(c) ? names.get(c) + " as " + categories.get(c).size() + " one-hot columns" : names.get(c));
        String s = String.join(", ", parts);
        return s.length() > 200 ? features.size() + " columns" : s;
    }

    private static double number(SourceFile file, CsvParser.Field f, String column) {
        String s = f.text().strip();
        if (NUMBER.matcher(s).matches()) return Double.parseDouble(s);
        if (s.isEmpty())
            throw new DlmException(span(file, f), "missing value (an empty cell) in column \"" + column + "\"; fill or drop missing values before training");
        String hint = MISSING.contains(s) ? " (a missing value: fill or drop missing values before training)"
                : " (give categorical columns as categories = [\"" + column + "\"])";
        throw new DlmException(span(file, f), "\"" + f.text() + "\" is not a number in column \"" + column + "\"" + hint);
    }

    /** Stores v at i, checking that the dtype holds it exactly when it is an integer dtype. */
    private static void store(Tensor t, int i, double v, SourceFile file, CsvParser.Field f, String column, String what) {
        if (t.dtype().isFloating()) {
            t.setDouble(i, v);
            return;
        }
        if (v != Math.rint(v))
            throw new DlmException(span(file, f), "\"" + f.text().strip() + "\" in column \"" + column + "\" is not an integer, as " + what + " needs");
        t.setLong(i, (long) v);
        if (t.getLong(i) != (long) v || Math.abs(v) >= 0x1p63)
            throw new DlmException(span(file, f), "\"" + f.text().strip() + "\" in column \"" + column + "\" does not fit " + t.dtype().dlmName() + ", as " + what + " needs");
    }

    private static SourceSpan span(SourceFile file, CsvParser.Field f) {
        int w = Math.max(1, f.text().length() + (f.quoted() ? 2 : 0));
        return new SourceSpan(file, f.line(), f.column(), f.line(), f.column() + (f.text().contains("\n") ? 1 : w));
    }
}
