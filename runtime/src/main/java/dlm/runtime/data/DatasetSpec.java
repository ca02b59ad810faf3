package dlm.runtime.data;

import java.util.List;
import java.util.Optional;

/**
 * A dataset that {@link Datasets} knows how to find, download and verify: its name (also the
 * name of its folder under {@code DLM_DATA} and the cache), the official base URLs its files
 * are downloaded from when no mirror is configured (tried in order), and its four files.
 */
public record DatasetSpec(
        String name,
        List<String> defaultMirrors,
        DataFile trainImages,
        DataFile trainLabels,
        DataFile testImages,
        DataFile testLabels) {

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

    /** Every known dataset, in the order they are listed to users. */
    public static final List<DatasetSpec> ALL = List.of(MNIST, FASHION_MNIST);

    public DatasetSpec {
        defaultMirrors = List.copyOf(defaultMirrors);
    }

    /** The four files in download order: train images, train labels, test images, test labels. */
    public List<DataFile> files() {
        return List.of(trainImages, trainLabels, testImages, testLabels);
    }

    /** The dataset with this name ({@code mnist}, {@code fashion-mnist}), if known. */
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
