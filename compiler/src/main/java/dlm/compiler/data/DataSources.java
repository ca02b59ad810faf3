package dlm.compiler.data;

import dlm.compiler.diag.DlmException;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.random.Rng;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Loads a {@link DataSource} for a model: the rows of its file, cut as written. A source that is
 * not {@code split} is all training rows and has an empty test part.
 */
public final class DataSources {
    private DataSources() {}

    public static Dataset load(DataSource source, ModelFeed feed) { return load(source, feed, line -> {}); }

    /** {@link #load(DataSource, ModelFeed)}, telling {@code report} what it found (an image folder's classes, as Keras prints them). */
    public static Dataset load(DataSource source, ModelFeed feed, Consumer<String> report) {
        String name = source.toString();
        if (source instanceof DataSource.Split s) {
            Table all = table(s.data(), feed, report);
            int n = all.rows();
            int[] order = permutation(n, s.seed());
            int test = s.testRows(n);
            if (test >= n)
                throw new DlmException(s.at(), "this split of " + n + (n == 1 ? " row" : " rows") + " holds out " + test + " for testing and leaves none to train on");
            Table testPart = all.select(Arrays.copyOfRange(order, 0, test));
            Table trainPart = all.select(Arrays.copyOfRange(order, test, n));
            return new Dataset(name, trainPart.x(), trainPart.y(), testPart.x(), testPart.y(), trainPart.w(), testPart.w());
        }
        Table all = table(source, feed, report);
        Table none = all.select(new int[0]);
        return new Dataset(name, all.x(), all.y(), none.x(), none.y(), all.w(), none.w());
    }

    /**
     * Loads a source for a model trained by name ({@link Dataset.ByName}): the columns of every
     * input and output, and the train and test parts as row numbers into them.
     */
    public static Dataset load(DataSource source, List<ModelFeed> inputFeeds, List<ModelFeed> targetFeeds, List<String> outputNames) {
        String name = source.toString();
        DataSource whole = source instanceof DataSource.Split s ? s.data() : source;
        Columns all = columns(whole, inputFeeds, targetFeeds, outputNames);
        int n = all.rows();
        int[] train, test;
        if (source instanceof DataSource.Split s) {
            int[] order = permutation(n, s.seed());
            int t = s.testRows(n);
            if (t >= n)
                throw new DlmException(s.at(), "this split of " + n + (n == 1 ? " row" : " rows") + " holds out " + t + " for testing and leaves none to train on");
            test = Arrays.copyOfRange(order, 0, t);
            train = Arrays.copyOfRange(order, t, n);
        } else {
            train = new int[n];
            for (int i = 0; i < n; i++) train[i] = i;
            test = new int[0];
        }
        Tensor trainRows = rowNumbers(train), testRows = rowNumbers(test);
        return new Dataset(name, trainRows, trainRows, testRows, testRows, null, null, new Dataset.ByName(all.inputs(), all.targets()));
    }

    private static Tensor rowNumbers(int[] rows) { return Tensor.wrap(dlm.runtime.DType.I32, new int[] {rows.length}, rows); }

    /** All the rows of a source that is not a split, column by column. */
    static Columns columns(DataSource source, List<ModelFeed> inputFeeds, List<ModelFeed> targetFeeds, List<String> outputNames) {
        String model = inputFeeds.get(0).model();
        return switch (source) {
            case DataSource.Npz z -> NpyLoader.load(z, inputFeeds, targetFeeds, outputNames);
            case DataSource.Csv c -> CsvLoader.load(c, inputFeeds, targetFeeds, outputNames);
            case DataSource.Npy y -> throw new NotedException(y.at(), "npy() gives one input array and one target array, but model " + model + " takes " + inputFeeds.size()
                    + (inputFeeds.size() == 1 ? " input" : " inputs") + " and returns " + targetFeeds.size() + (targetFeeds.size() == 1 ? " output" : " outputs")
                    + ": save the arrays by name with np.savez and read them with npz(…)", inputFeeds.get(0).inputAt(), "model " + model + "'s first input is declared here");
            case DataSource.ImageFolder f -> throw new NotedException(f.at(), "imageFolder() gives one input (the images) and one target (their classes), but model " + model + " takes "
                    + inputFeeds.size() + (inputFeeds.size() == 1 ? " input" : " inputs") + " and returns " + targetFeeds.size() + (targetFeeds.size() == 1 ? " output" : " outputs"),
                    inputFeeds.get(0).inputAt(), "model " + model + "'s first input is declared here");
            case DataSource.Shuffle s -> {
                Columns t = columns(s.data(), inputFeeds, targetFeeds, outputNames);
                yield t.select(permutation(t.rows(), s.seed()));
            }
            case DataSource.Take t -> {
                Columns all = columns(t.data(), inputFeeds, targetFeeds, outputNames);
                int[] first = new int[Math.min(t.n(), all.rows())];
                for (int i = 0; i < first.length; i++) first[i] = i;
                yield all.select(first);
            }
            case DataSource.Split s -> throw new DlmException(s.at(), "a split cannot be split, shuffled or taken from again; split last");
        };
    }

    /** The file source under any split, shuffle and take. */
    public static DataSource base(DataSource source) {
        return switch (source) {
            case DataSource.Split s -> base(s.data());
            case DataSource.Shuffle s -> base(s.data());
            case DataSource.Take t -> base(t.data());
            default -> source;
        };
    }

    /** All the rows of a source that is not a split. */
    static Table table(DataSource source, ModelFeed feed, Consumer<String> report) {
        return switch (source) {
            case DataSource.Csv c -> CsvLoader.load(c, feed);
            case DataSource.Npz z -> NpyLoader.load(z, feed);
            case DataSource.Npy y -> NpyLoader.load(y, feed);
            case DataSource.ImageFolder f -> ImageFolderLoader.load(f, feed, report);
            case DataSource.Shuffle s -> {
                Table t = table(s.data(), feed, report);
                yield t.select(permutation(t.rows(), s.seed()));
            }
            case DataSource.Take t -> {
                Table all = table(t.data(), feed, report);
                int[] first = new int[Math.min(t.n(), all.rows())];
                for (int i = 0; i < first.length; i++) first[i] = i;
                yield all.select(first);
            }
            case DataSource.Split s -> throw new DlmException(s.at(), "a split cannot be split, shuffled or taken from again; split last");
        };
    }

    /** The sample-weight column or array a source names (through split, shuffle and take), or null. */
    public static String sampleWeight(DataSource source) {
        return switch (source) {
            case DataSource.Csv c -> c.sampleWeight();
            case DataSource.Npz z -> z.sampleWeight();
            case DataSource.Npy y -> null;
            case DataSource.ImageFolder f -> null;
            case DataSource.Split s -> sampleWeight(s.data());
            case DataSource.Shuffle s -> sampleWeight(s.data());
            case DataSource.Take t -> sampleWeight(t.data());
        };
    }

    /** Where the sample-weight column or array of {@link #sampleWeight} is named (null without one). */
    public static dlm.compiler.diag.SourceSpan sampleWeightAt(DataSource source) {
        return switch (source) {
            case DataSource.Csv c -> c.sampleWeight() == null ? null : c.sampleWeightAt();
            case DataSource.Npz z -> z.sampleWeight() == null ? null : z.sampleWeightAt();
            case DataSource.Npy y -> null;
            case DataSource.ImageFolder f -> null;
            case DataSource.Split s -> sampleWeightAt(s.data());
            case DataSource.Shuffle s -> sampleWeightAt(s.data());
            case DataSource.Take t -> sampleWeightAt(t.data());
        };
    }

    /** A seeded Fisher–Yates permutation of 0 … n − 1 (the same for the same seed on every machine). */
    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Rng rng = new Rng(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The rows of a tensor at index (copies). */
    public static Tensor rows(Tensor t, int[] index) { return Table.select(t, index); }
}
