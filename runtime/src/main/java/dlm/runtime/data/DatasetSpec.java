package dlm.runtime.data;

import java.util.List;
import java.util.Optional;

/**
 * A dataset that {@link Datasets} knows how to find, download and verify: its name (also the
 * name of its folder under {@code DLM_DATA} and the cache), the official base URLs its files
 * are downloaded from when no mirror is configured (tried in order), its files, and their
 * {@link Format} (how {@link Datasets} turns them into train and test tensors).
 */
public record DatasetSpec(
        String name,
        List<String> defaultMirrors,
        List<DataFile> files,
        Format format) {

    /** How a dataset's files are read. */
    public enum Format {
        /** Four gzipped IDX files: train images, train labels, test images, test labels (MNIST's layout). */
        IDX,
        /** One {@code cifar-10-binary.tar.gz}, extracted into the cache and read by {@link Cifar10}. */
        CIFAR10_BINARY,
        /** Keras's {@code boston_housing.npz} (x, y), split as Keras does by {@link BostonHousing}. */
        KERAS_BOSTON_NPZ
    }

    /** A dataset in MNIST's layout: four IDX files. */
    public DatasetSpec(String name, List<String> defaultMirrors, DataFile trainImages, DataFile trainLabels, DataFile testImages, DataFile testLabels) {
        this(name, defaultMirrors, List.of(trainImages, trainLabels, testImages, testLabels), Format.IDX);
    }

    /** MNIST; sizes and checksums are those of the original 1998 files (/work/shared/data/README.md). */
    public static final DatasetSpec MNIST = new DatasetSpec(
            "mnist",
            // The Google mirror is the one TensorFlow uses; torchvision's mirror is the fallback.
            List.of("https://storage.googleapis.com/cvdf-datasets/mnist/",
                    "https://ossci-datasets.s3.amazonaws.com/mnist/"),
            images("train-images-idx3-ubyte.gz", 9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                    "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
            labels("train-labels-idx1-ubyte.gz", 28881, "d53e105ee54ea40749a09fcbcd1e9432",
                    "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
            images("t10k-images-idx3-ubyte.gz", 1648877, "9fb629c4189551a2d022fa330f9573f3",
                    "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
            labels("t10k-labels-idx1-ubyte.gz", 4542, "ec29112dd5afa0611ce80d1b7f02629c",
                    "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"));

    /** Fashion-MNIST (Zalando Research, 2017): the same layout and file names as MNIST. */
    public static final DatasetSpec FASHION_MNIST = new DatasetSpec(
            "fashion-mnist",
            List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            images("train-images-idx3-ubyte.gz", 26421880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                    "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
            labels("train-labels-idx1-ubyte.gz", 29515, "25c81989df183df01b3e8a0aad5dffbe",
                    "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
            images("t10k-images-idx3-ubyte.gz", 4422102, "bef4ecab320f06d8554ea6380940ec79",
                    "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
            labels("t10k-labels-idx1-ubyte.gz", 5148, "bb300cfdad3c16e7a12a480ee83cd310",
                    "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"));

    /**
     * CIFAR-10, binary version (Krizhevsky, 2009): one archive, verified by the MD5 its authors
     * publish on https://www.cs.toronto.edu/~kriz/cifar.html. The SHA-256 in circulation
     * (c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd) comes from a third
     * party; it is not checked, so a wrong copy of it can never reject the official file.
     */
    public static final DatasetSpec CIFAR10 = new DatasetSpec(
            "cifar10",
            List.of("https://www.cs.toronto.edu/~kriz/"),
            List.of(new DataFile(Cifar10.ARCHIVE, 170052171, "c32a1d4ab5d03f1284b67883e8d87530", null, "the CIFAR-10 binary archive")),
            Format.CIFAR10_BINARY);

    /**
     * The Boston housing prices (Harrison and Rubinfeld, 1978) as Keras ships them: one npz of
     * x (506, 13) and y (506,), float64. Keras publishes its SHA-256 but not its size, so the
     * file is identified by the SHA-256 alone ({@link DataFile#UNKNOWN_SIZE}).
     */
    public static final DatasetSpec BOSTON_HOUSING = new DatasetSpec(
            "boston-housing",
            List.of("https://storage.googleapis.com/tensorflow/tf-keras-datasets/"),
            List.of(new DataFile(BostonHousing.FILE, DataFile.UNKNOWN_SIZE, null,
                    "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5", "the Boston housing arrays")),
            Format.KERAS_BOSTON_NPZ);

    /** Every known dataset, in the order they are listed to users. */
    public static final List<DatasetSpec> ALL = List.of(MNIST, FASHION_MNIST, CIFAR10, BOSTON_HOUSING);

    public DatasetSpec {
        defaultMirrors = List.copyOf(defaultMirrors);
        files = List.copyOf(files);
        if (format == Format.IDX && files.size() != 4) throw new IllegalArgumentException(name + ": an IDX dataset has four files");
    }

    /** An IDX dataset's files, in download order: train images, train labels, test images, test labels. */
    public DataFile trainImages() { return files.get(0); }

    public DataFile trainLabels() { return files.get(1); }

    public DataFile testImages() { return files.get(2); }

    public DataFile testLabels() { return files.get(3); }

    /** The dataset with this name ({@code mnist}, {@code fashion-mnist}, {@code cifar10}, {@code boston-housing}), if known. */
    public static Optional<DatasetSpec> byName(String name) {
        return ALL.stream().filter(s -> s.name.equals(name)).findFirst();
    }

    private static DataFile images(String file, long size, String md5, String sha256) {
        return new DataFile(file, size, md5, sha256, "image data");
    }

    private static DataFile labels(String file, long size, String md5, String sha256) {
        return new DataFile(file, size, md5, sha256, "label data");
    }
}
