package dlm.compiler.check;

import static dlm.compiler.check.Builtins.define;
import static dlm.compiler.check.Builtins.opt;
import static dlm.compiler.check.Builtins.req;

import dlm.compiler.check.Value.*;
import dlm.compiler.data.DataSource;
import dlm.compiler.diag.DlmException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The data sources a train block's {@code data} may be besides the built-in datasets:
 * {@code csv(…)}, and {@code split}, {@code shuffle} and {@code take} of one. Each gives a
 * {@code dataset} configuration holding a {@link DataSource} under {@code "source"}; nothing is
 * read until training starts.
 */
final class DataBuiltins {
    private DataBuiltins() {}

    static final String SOURCE = "source";

    static void register() {
        define("csv", DataBuiltins::csv, req("path"), opt("target"), opt("features"), opt("header", new BoolV(true)),
                opt("delimiter", new StringV(",")), opt("categories", new ListV(List.of())), opt("oneHot", new BoolV(false)),
                opt("sampleWeight"), opt("targets"));
        define("npz", c -> {
            String path = string(c, "path");
            List<String> inputs = c.given("inputs") ? strings(c, "inputs") : null; // null: the arrays named as the model's inputs
            if (inputs != null && inputs.isEmpty()) throw new DlmException(c.spanOf("inputs"), "'inputs' of npz() must name at least one array");
            if (c.given("target") && c.given("targets"))
                throw new DlmException(c.spanOf("targets"), "give npz() either target (one output) or targets (one array per output, in order), not both");
            List<String> targets = c.given("targets") ? strings(c, "targets") : null;
            if (targets != null && targets.isEmpty()) throw new DlmException(c.spanOf("targets"), "'targets' of npz() must name at least one array");
            String target = c.given("target") ? string(c, "target") : null;
            String[] p = resolve(c, path);
            String weight = c.given("sampleWeight") ? string(c, "sampleWeight") : null;
            if (weight != null && (weight.equals(target) || targets != null && targets.contains(weight) || inputs != null && inputs.contains(weight)))
                throw new DlmException(c.spanOf("sampleWeight"), "array \"" + weight + "\" cannot be both the sample weights and " + (inputs != null && inputs.contains(weight) ? "an input" : "the target"));
            return dataset(new DataSource.Npz(Path.of(p[0]), p[1], c.span(), inputs, c.spanOf("inputs"), target, c.spanOf("target"), weight, c.spanOf("sampleWeight"),
                    targets, c.spanOf("targets")));
        }, req("path"), opt("inputs"), opt("target"), opt("sampleWeight"), opt("targets"));
        define("npy", c -> {
            String path = string(c, "path");
            if (!c.given("target")) throw new DlmException(c.span(), "npy() needs the labels' array: npy(\"" + path + "\", target = \"labels.npy\")");
            String[] p = resolve(c, path), t = resolve(c, string(c, "target"));
            return dataset(new DataSource.Npy(Path.of(p[0]), p[1], c.span(), Path.of(t[0]), t[1], c.spanOf("target")));
        }, req("path"), opt("target"));
        define("imageFolder", DataBuiltins::imageFolder, req("path"), opt("size", new ListV(List.of(Builtins.integer(256), Builtins.integer(256)))),
                opt("color", new StringV("rgb")), opt("labels", new StringV("inferred")));
        define("split", c -> {
            DataSource d = source(c, "data");
            if (!(c.arg("test") instanceof NumberV t) || !(t.isInt() ? t.value() >= 1 && t.value() <= Integer.MAX_VALUE : t.value() > 0 && t.value() < 1))
                throw new DlmException(c.spanOf("test"), "'test' of split() must be a fraction in (0, 1) or a row count from 1, got " + (c.arg("test") instanceof NumberV v ? Show.value(v) : c.arg("test").describe()));
            return dataset(new DataSource.Split(d, t.value(), t.isInt(), c.intArg("seed"), c.span()));
        }, req("data"), opt("test", Builtins.num(0.2)), opt("seed", Builtins.integer(0)));
        define("shuffle", c -> dataset(new DataSource.Shuffle(source(c, "data"), c.intArg("seed"), c.span())), req("data"), opt("seed", Builtins.integer(0)));
        // take(data, n) shares its name with the tensor builtin take(x, indices, axis): a data
        // source as the first argument makes it the data source's first n rows.
        Builtins.Builtin tensorTake = ((BuiltinFun) Builtins.defined("take")).impl();
        define("take", c -> {
            if (!(c.arg("x") instanceof ConfigV cv && cv.kind().equals("dataset"))) return tensorTake.call(c);
            if (c.given("axis")) throw new DlmException(c.spanOf("axis"), "take(data, n) of a data source has no axis");
            long n = c.intArg("indices");
            if (n < 1 || n > Integer.MAX_VALUE) throw new DlmException(c.spanOf("indices"), "the row count of take(data, n) must be from 1 to 2147483647, got " + n);
            return dataset(new DataSource.Take(source(c, "x"), (int) n, c.span()));
        }, tensorTake.signature().params().toArray(Signature.Param[]::new));
    }

    /** The source of a dataset argument; built-in datasets such as mnist() are already split and cannot be cut. */
    static DataSource source(Builtins.Call c, String name) {
        if (c.arg(name) instanceof ConfigV cv && cv.kind().equals("dataset")) {
            if (cv.args().get(SOURCE) instanceof DataSource d) {
                if (d instanceof DataSource.Split) throw new DlmException(c.spanOf(name), "this data is already split; split last");
                return d;
            }
            throw new DlmException(c.spanOf(name), cv.name() + "() comes with its own train and test parts; only a file source such as csv(…) can be cut");
        }
        throw new DlmException(c.spanOf(name), "'" + name + "' must be a data source such as csv(\"data.csv\", target = \"y\"), got " + c.arg(name).describe());
    }

    static ConfigV dataset(DataSource d) {
        String name = switch (d) {
            case DataSource.Csv x -> "csv";
            case DataSource.Npz x -> "npz";
            case DataSource.Npy x -> "npy";
            case DataSource.ImageFolder x -> "imageFolder";
            case DataSource.Split x -> "split";
            case DataSource.Shuffle x -> "shuffle";
            case DataSource.Take x -> "take";
        };
        return new ConfigV("dataset", name, Map.of(SOURCE, d));
    }

    private static ConfigV csv(Builtins.Call c) {
        String path = string(c, "path");
        if (path.isEmpty()) throw new DlmException(c.spanOf("path"), "'path' of csv() must not be empty");
        if (c.given("target") && c.given("targets"))
            throw new DlmException(c.spanOf("targets"), "give csv() either target (one output) or targets (one column per output, in order), not both");
        if (!c.given("target") && !c.given("targets")) throw new DlmException(c.span(), "csv() needs a target column: csv(\"" + path + "\", target = \"name\")");
        List<String> targets = c.given("targets") ? strings(c, "targets") : null;
        if (targets != null && targets.isEmpty()) throw new DlmException(c.spanOf("targets"), "'targets' of csv() must name at least one column");
        String target = targets != null ? targets.get(0) : string(c, "target");
        // features: a list of columns (one input), or one list of columns per model input
        List<List<String>> groups = null;
        if (c.given("features") && c.arg("features") instanceof ListV fl && !fl.items().isEmpty() && fl.items().stream().allMatch(v -> v instanceof ListV)) {
            groups = new ArrayList<>();
            for (Value g : fl.items()) {
                List<String> cols = new ArrayList<>();
                for (Value v : ((ListV) g).items()) {
                    if (!(v instanceof StringV sv)) throw new DlmException(c.spanOf("features"), "'features' must list column names (strings), got " + v.describe() + " in it");
                    cols.add(sv.value());
                }
                if (cols.isEmpty()) throw new DlmException(c.spanOf("features"), "each input's list in 'features' of csv() must name at least one column");
                groups.add(cols);
            }
        }
        List<String> features = groups != null ? null : c.given("features") ? strings(c, "features") : null;
        if (features != null && features.isEmpty()) throw new DlmException(c.spanOf("features"), "'features' of csv() must name at least one column");
        String delim = string(c, "delimiter");
        if (delim.equals("\\t")) delim = "\t";
        if (delim.length() != 1 || delim.equals("\"") || delim.equals("\n") || delim.equals("\r"))
            throw new DlmException(c.spanOf("delimiter"), "'delimiter' of csv() must be one character other than a quote or line break, such as \",\", \";\" or \"\\t\"; got \"" + delim + "\"");
        String weight = c.given("sampleWeight") ? string(c, "sampleWeight") : null;
        if (weight != null && weight.equals(target)) throw new DlmException(c.spanOf("sampleWeight"), "column \"" + weight + "\" cannot be both the target and the sample weights");
        if (weight != null && features != null && features.contains(weight))
            throw new DlmException(c.spanOf("sampleWeight"), "column \"" + weight + "\" cannot be both a feature and the sample weights");
        String[] p = resolve(c, path);
        return dataset(new DataSource.Csv(Path.of(p[0]), p[1], c.span(), target, targets != null ? c.spanOf("targets") : c.spanOf("target"), features, c.spanOf("features"),
                c.boolArg("header"), delim.charAt(0), strings(c, "categories"), c.spanOf("categories"), c.boolArg("oneHot"), weight, c.spanOf("sampleWeight"),
                groups, targets, c.spanOf("targets")));
    }

    /** {@code imageFolder(path, size = [h, w], color, labels)}, with Keras's defaults (256 × 256, rgb, labels from the subfolders). */
    private static ConfigV imageFolder(Builtins.Call c) {
        String path = string(c, "path");
        if (path.isEmpty()) throw new DlmException(c.spanOf("path"), "'path' of imageFolder() must not be empty");
        int[] size = new int[2];
        Value v = c.arg("size");
        List<Value> items = v instanceof ListV l ? l.items()
                : v instanceof TensorV t && t.node().is("constant") && t.node().type().rank() == 1 && t.node().type().dtype().isInteger() ? TensorBuiltins.constInts(t.node()) : null;
        if (items == null || items.size() != 2)
            throw new DlmException(c.spanOf("size"), "'size' of imageFolder() must be [height, width], such as [28, 28], got " + v.describe());
        for (int i = 0; i < 2; i++) {
            if (!(items.get(i) instanceof NumberV n) || !n.isInt() || n.value() < 1 || n.value() > 65536)
                throw new DlmException(c.spanOf("size"), "'size' of imageFolder() must be [height, width] of whole numbers from 1 to 65536, got " + Show.value(items.get(i)));
            size[i] = (int) n.value();
        }
        String color = string(c, "color");
        int channels = switch (color) {
            case "grayscale" -> 1;
            case "rgb" -> 3;
            case "rgba" -> 4;
            default -> throw new DlmException(c.spanOf("color"), "'color' of imageFolder() must be \"grayscale\", \"rgb\" or \"rgba\", got \"" + color + "\"");
        };
        String labels = string(c, "labels");
        if (!labels.equals("inferred"))
            throw new DlmException(c.spanOf("labels"), "'labels' of imageFolder() must be \"inferred\" (one subfolder a class, named by the folder), got \"" + labels + "\"");
        String[] p = resolve(c, path);
        return dataset(new DataSource.ImageFolder(Path.of(p[0]), p[1], c.span(), size[0], size[1], color, channels));
    }

    /** A data file's path, relative to the .dlm file that names it (so an example runs from any folder), and how errors show it. */
    private static String[] resolve(Builtins.Call c, String path) {
        Path p = Path.of(path);
        if (!p.isAbsolute()) {
            Path dir = Path.of(c.span().fileName()).getParent();
            if (dir != null) p = dir.resolve(p).normalize();
        }
        return new String[] {p.toString(), p.toString()};
    }

    private static String string(Builtins.Call c, String name) {
        if (c.arg(name) instanceof StringV s) return s.value();
        throw new DlmException(c.spanOf(name), "'" + name + "' must be a string, got " + c.arg(name).describe());
    }

    private static List<String> strings(Builtins.Call c, String name) {
        List<String> out = new ArrayList<>();
        if (c.arg(name) instanceof ListV l) {
            for (Value v : l.items()) {
                if (!(v instanceof StringV s)) throw new DlmException(c.spanOf(name), "'" + name + "' must be a list of column names (strings), got " + v.describe() + " in it");
                out.add(s.value());
            }
            return out;
        }
        throw new DlmException(c.spanOf(name), "'" + name + "' must be a list of column names such as [\"a\", \"b\"], got " + c.arg(name).describe());
    }
}
