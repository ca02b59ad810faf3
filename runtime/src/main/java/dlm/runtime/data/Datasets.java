package dlm.runtime.data;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Loads MNIST, Fashion-MNIST, CIFAR-10 and Boston housing: finds the dataset's files on disk ({@link DataLocator}: the
 * {@code --data} folder, then {@code $DLM_DATA/<name>/}, then {@code ~/.dlm/datasets/<name>/}),
 * downloads the missing ones into the cache when none has them, and reads them as their
 * {@link DatasetSpec.Format} says ({@link IdxReader}, {@link Cifar10}, {@link BostonHousing}).
 *
 * <p>Downloads come from {@code <mirror>/<name>/<file>} when a mirror is set
 * ({@code DLM_DATA_MIRROR} or {@link DatasetOptions#mirror()}), else from
 * {@code <official base URL><file>} for each of {@link DatasetSpec#defaultMirrors()} in turn.
 * Each file is checked against its published checksums (MD5, SHA-256, or both) before it is moved into place, so
 * plain-http mirrors are safe and nothing partial or corrupt is ever left in the cache.
 */
public final class Datasets {
    private Datasets() {}

    /** The names {@link #load} accepts: {@code mnist}, {@code fashion-mnist}, {@code cifar10}, {@code boston-housing}. */
    public static List<String> names() {
        return DatasetSpec.ALL.stream().map(DatasetSpec::name).toList();
    }

    /** MNIST with the default options (real environment, {@code ~/.dlm}, progress on stderr). */
    public static Dataset mnist() {
        return load("mnist", DatasetOptions.defaults());
    }

    /** Fashion-MNIST with the default options. */
    public static Dataset fashionMnist() {
        return load("fashion-mnist", DatasetOptions.defaults());
    }

    /** A dataset by name with the default options. */
    public static Dataset load(String name) {
        return load(name, DatasetOptions.defaults());
    }

    /** CIFAR-10 (binary version) with the default options: images u8 [n, 32, 32, 3], labels u8 [n]. */
    public static Dataset cifar10() {
        return load("cifar10", DatasetOptions.defaults());
    }

    /** Keras's Boston housing split with the default options: x f32 [n, 13], y f32 [n]. */
    public static Dataset bostonHousing() {
        return load("boston-housing", DatasetOptions.defaults());
    }

    /** A dataset by name ({@link #names()}), downloading it if needed. */
    public static Dataset load(String name, DatasetOptions options) {
        return load(spec(name), options);
    }

    /** A dataset by its spec (a test's spec may carry the checksums of generated files), downloading it if needed. */
    public static Dataset load(DatasetSpec spec, DatasetOptions options) {
        return switch (spec.format()) {
            case IDX -> readIdx(spec, locate(spec, options));
            case CIFAR10_BINARY -> Cifar10.load(spec, options);
            case KERAS_BOSTON_NPZ -> BostonHousing.load(spec, locate(spec, options).resolve(spec.files().get(0).fileName()));
        };
    }

    private static Dataset readIdx(DatasetSpec spec, Path dir) {
        Tensor trainImages = read(dir, spec.trainImages());
        Tensor trainLabels = read(dir, spec.trainLabels());
        Tensor testImages = read(dir, spec.testImages());
        Tensor testLabels = read(dir, spec.testLabels());
        checkPair(dir, spec.trainImages(), trainImages, spec.trainLabels(), trainLabels);
        checkPair(dir, spec.testImages(), testImages, spec.testLabels(), testLabels);
        return new Dataset(spec.name(), trainImages, trainLabels, testImages, testLabels);
    }

    /** The spec of a known dataset; an unknown name is an error listing the known ones. */
    public static DatasetSpec spec(String name) {
        return DatasetSpec.byName(name).orElseThrow(() -> new DatasetException(
                "unknown dataset '" + name + "' (known: " + String.join(", ", names()) + ")"));
    }

    /**
     * The folder holding the dataset's verified files: the first folder searched that has
     * them all, else the cache folder after downloading what it lacks.
     *
     * @throws DatasetException when the files are nowhere and cannot be downloaded; the message
     *     says why and where to put them
     */
    public static Path locate(DatasetSpec spec, DatasetOptions options) {
        DataLocator locator = new DataLocator(options);
        var found = locator.find(spec);
        if (found.isPresent()) return found.get();

        Path cache = locator.cacheDir(spec);
        List<DataFile> missing = locator.missingIn(cache, spec);
        if (!options.download())
            throw new DatasetException(spec.name() + " not found (downloads are off).\n" + locator.whereToPutFiles(spec));
        List<String> bases = mirrors(spec, options);
        try (Downloader downloader = new Downloader(options.timeout(), options.progress())) {
            for (DataFile file : missing) {
                String label = spec.name() + "/" + file.fileName();
                List<String> failures = new ArrayList<>();
                boolean ok = false;
                for (String base : bases) {
                    try {
                        downloader.download(uri(base, file), file, cache, label);
                        ok = true;
                        break;
                    } catch (Downloader.Failure f) {
                        failures.add(f.getMessage());   // try the next mirror
                    }
                }
                if (!ok)
                    throw new DatasetException("cannot download " + label + ":\n"
                            + failures.stream().map(f -> "  " + f).collect(Collectors.joining("\n")) + "\n"
                            + locator.whereToPutFiles(spec));
            }
        }
        return cache;
    }

    /** The base URLs to try, in order: the configured mirror plus {@code <name>/}, else the official ones. */
    static List<String> mirrors(DatasetSpec spec, DatasetOptions options) {
        String mirror = options.effectiveMirror();
        if (mirror == null) return spec.defaultMirrors();
        return List.of((mirror.endsWith("/") ? mirror : mirror + "/") + spec.name() + "/");
    }

    private static URI uri(String base, DataFile file) throws Downloader.Failure {
        try {
            URI uri = new URI(base + file.fileName());
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null)
                throw new Downloader.Failure(base + ": not an http(s) URL (check " + DatasetOptions.MIRROR_ENV + ")");
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new Downloader.Failure(base + ": not a valid URL (check " + DatasetOptions.MIRROR_ENV + "): " + e.getReason());
        }
    }

    private static Tensor read(Path dir, DataFile file) {
        return IdxReader.read(dir.resolve(file.fileName()), file.contents());
    }

    /**
     * The files passed the size check, so this only fails on a file that has the official
     * size but not the official content (checksums are off for local files by default).
     */
    private static void checkPair(Path dir, DataFile imagesFile, Tensor images, DataFile labelsFile, Tensor labels) {
        if (images.dtype() != DType.U8 || images.rank() != 3)
            throw new DatasetException(dir.resolve(imagesFile.fileName()) + ": expected u8 images [n, rows, cols], found "
                    + images.dtype() + " " + Arrays.toString(images.shape()));
        if (labels.dtype() != DType.U8 || labels.rank() != 1 || labels.dim(0) != images.dim(0))
            throw new DatasetException(dir.resolve(labelsFile.fileName()) + ": expected u8 labels [" + images.dim(0) + "], found "
                    + labels.dtype() + " " + Arrays.toString(labels.shape()));
    }
}
