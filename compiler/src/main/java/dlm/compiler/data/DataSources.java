package dlm.compiler.data;

import dlm.compiler.diag.DlmException;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.random.Rng;
import java.util.Arrays;
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
