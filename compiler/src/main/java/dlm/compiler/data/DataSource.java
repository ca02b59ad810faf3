package dlm.compiler.data;

import dlm.compiler.diag.SourceSpan;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A data source written in a train block ({@code data = split(csv(…), test = 0.2)}): what to read
 * and how to cut it, checked when the program is; the rows are read when training starts
 * ({@link DataSources#load}). {@link #toString} gives it back as DLM.
 */
public sealed interface DataSource {
    /** Where it is written (errors about the source as a whole are reported here). */
    SourceSpan at();

    /**
     * {@code csv(path, target, features, header, delimiter, categories, oneHot)}: one row a sample
     * (for a model of several inputs or outputs: {@code features = [[…], […]]}, one list of columns
     * per input, in {@code featureGroups}, and {@code targets = […]}, one column per output),
     * the target column as labels, the {@code sampleWeight} column (when not null) as each row's
     * weight, and the feature columns (all others when {@code features} is null) as the model's input. {@code path} is resolved against the .dlm file's folder;
     * {@code shown} is how errors name it.
     */
    record Csv(Path path, String shown, SourceSpan at, String target, SourceSpan targetAt, List<String> features, SourceSpan featuresAt,
               boolean header, char delimiter, List<String> categories, SourceSpan categoriesAt, boolean oneHot,
               String sampleWeight, SourceSpan sampleWeightAt, List<List<String>> featureGroups, List<String> targets, SourceSpan targetsAt) implements DataSource {
        /** One input (its features, or null: all other columns) and one target column. */
        public Csv(Path path, String shown, SourceSpan at, String target, SourceSpan targetAt, List<String> features, SourceSpan featuresAt,
                   boolean header, char delimiter, List<String> categories, SourceSpan categoriesAt, boolean oneHot,
                   String sampleWeight, SourceSpan sampleWeightAt) {
            this(path, shown, at, target, targetAt, features, featuresAt, header, delimiter, categories, categoriesAt, oneHot, sampleWeight, sampleWeightAt, null, null, null);
        }

        /** The same source reading {@code features} (null: every column but the targets) into one input against target column {@code target}. */
        Csv part(List<String> features, String target, SourceSpan targetAt) {
            return new Csv(path, shown, at, target, targetAt, features, featuresAt, header, delimiter, categories, categoriesAt, oneHot, sampleWeight, sampleWeightAt,
                    featureGroups, targets, targetsAt);
        }

        public String toString() {
            return "csv(\"" + shown + "\"" + (target == null ? "" : ", target = \"" + target + "\"")
                    + (targets == null ? "" : ", targets = " + quoted(targets))
                    + (featureGroups == null ? "" : ", features = " + featureGroups.stream().map(DataSource::groupText).collect(Collectors.joining(", ", "[", "]")))
                    + (features == null ? "" : ", features = " + quoted(features))
                    + (header ? "" : ", header = false")
                    + (delimiter == ',' ? "" : ", delimiter = \"" + CsvParser.show(delimiter) + "\"")
                    + (categories.isEmpty() ? "" : ", categories = " + quoted(categories))
                    + (oneHot ? ", oneHot = true" : "")
                    + (sampleWeight == null ? "" : ", sampleWeight = \"" + sampleWeight + "\"") + ")";
        }
    }

    private static String groupText(List<String> g) { return quoted(g); }

    /**
     * {@code npz(path, inputs = ["x"], target = "y")}: arrays of a NumPy {@code .npz} archive by
     * name, row i of each being sample i: one input array per model input, by default the ones
     * named as the model's inputs ({@code inputs} null); one target array per model output
     * ({@code target}, or {@code targets} listing them in output order; neither: the arrays named as
     * the outputs); {@code sampleWeight} names an array of one weight a row, or is null.
     */
    record Npz(Path path, String shown, SourceSpan at, List<String> inputs, SourceSpan inputsAt, String target, SourceSpan targetAt,
               String sampleWeight, SourceSpan sampleWeightAt, List<String> targets, SourceSpan targetsAt) implements DataSource {
        /** With one target array (or none named yet: null). */
        public Npz(Path path, String shown, SourceSpan at, List<String> inputs, SourceSpan inputsAt, String target, SourceSpan targetAt,
                   String sampleWeight, SourceSpan sampleWeightAt) {
            this(path, shown, at, inputs, inputsAt, target, targetAt, sampleWeight, sampleWeightAt, null, null);
        }

        public String toString() {
            return "npz(\"" + shown + "\"" + (inputs == null ? "" : ", inputs = " + quoted(inputs)) + (target == null ? "" : ", target = \"" + target + "\"")
                    + (targets == null ? "" : ", targets = " + quoted(targets))
                    + (sampleWeight == null ? "" : ", sampleWeight = \"" + sampleWeight + "\"") + ")";
        }
    }

    /** {@code npy(path, target = "labels.npy")}: an {@code .npy} array of inputs and one of labels, row i of each being sample i. */
    record Npy(Path path, String shown, SourceSpan at, Path target, String targetShown, SourceSpan targetAt) implements DataSource {
        public String toString() { return "npy(\"" + shown + "\", target = \"" + targetShown + "\")"; }
    }

    /**
     * {@code imageFolder(path, size = [h, w], color = "rgb", labels = "inferred")}: Keras's
     * {@code image_dataset_from_directory}: one subfolder of {@code path} a class (class names
     * sorted), its image files (any depth) the class's samples, each resized to h × w.
     * {@code channels} is 1 (grayscale), 3 (rgb) or 4 (rgba).
     */
    record ImageFolder(Path path, String shown, SourceSpan at, int height, int width, String color, int channels) implements DataSource {
        public String toString() {
            return "imageFolder(\"" + shown + "\", size = [" + height + ", " + width + "], color = \"" + color + "\")";
        }
    }

    /**
     * {@code split(data, test = 0.2, seed = 1)}: a seeded random permutation of the rows (as
     * scikit-learn's train_test_split): the first {@code testRows(n)} rows of it are the test part,
     * the rest the train part. {@code test} is a fraction in (0, 1) or, when {@code count}, a row count.
     */
    record Split(DataSource data, double test, boolean count, long seed, SourceSpan at) implements DataSource {
        /** Test rows among n: a count as given, a fraction rounded up (scikit-learn's ceil(test · n)). */
        int testRows(int n) { return count ? (int) Math.min(test, n) : (int) Math.ceil(test * n); }

        public String toString() { return "split(" + data + ", test = " + (count ? Long.toString((long) test) : Double.toString(test)) + ", seed = " + seed + ")"; }
    }

    /** {@code shuffle(data, seed = 0)}: the rows in a seeded random order. */
    record Shuffle(DataSource data, long seed, SourceSpan at) implements DataSource {
        public String toString() { return "shuffle(" + data + ", seed = " + seed + ")"; }
    }

    /** {@code take(data, n)}: the first n rows (all when there are fewer). */
    record Take(DataSource data, int n, SourceSpan at) implements DataSource {
        public String toString() { return "take(" + data + ", " + n + ")"; }
    }

    private static String quoted(List<String> names) {
        return names.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ", "[", "]"));
    }
}
