package dlm.runtime.data;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * CIFAR-10, binary version: the archive {@code cifar-10-binary.tar.gz} is verified, then its six
 * batch files are extracted once into {@code <cache>/cifar10/cifar-10-batches-bin/} (into a
 * hidden temporary folder renamed into place, so the folder is complete whenever it exists) and
 * read from there on every later load.
 *
 * <p>A batch file is records of 1 label byte and 3072 pixel bytes: the 1024 red, then the 1024
 * green, then the 1024 blue values of a 32 × 32 image, each row-major. Images are returned
 * channels-last, u8 {@code [n, 32, 32, 3]}, the NHWC layout conv2d takes; labels u8 {@code [n]},
 * 0 to 9, naming {@link #CLASSES}. The train part is data_batch_1 … data_batch_5 in order.
 */
public final class Cifar10 {
    private Cifar10() {}

    public static final String ARCHIVE = "cifar-10-binary.tar.gz";
    /** The folder the archive holds its files in, and the name of the extracted folder in the cache. */
    static final String FOLDER = "cifar-10-batches-bin";
    static final List<String> TRAIN = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    static final String TEST = "test_batch.bin";
    /** The class of each label, in label order (batches.meta.txt). */
    public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    static final int SIDE = 32, PIXELS = SIDE * SIDE, RECORD = 1 + 3 * PIXELS;

    /** Loads CIFAR-10, extracting it first when the cache has no extracted copy. */
    static Dataset load(DatasetSpec spec, DatasetOptions options) {
        Path cache = new DataLocator(options).cacheDir(spec);
        Path folder = cache.resolve(FOLDER);
        if (!Files.isDirectory(folder)) extract(spec, Datasets.locate(spec, options).resolve(ARCHIVE), cache);
        Tensor[] train = read(folder, TRAIN);
        Tensor[] test = read(folder, List.of(TEST));
        return new Dataset(spec.name(), train[0], train[1], test[0], test[1]);
    }

    /** Verifies the archive against its checksum, then extracts the batch files into {@code cache/FOLDER} atomically. */
    static void extract(DatasetSpec spec, Path archive, Path cache) {
        DataFile file = spec.files().get(0);
        Path tmp = null;
        try {
            String mismatch = Checksums.mismatch(archive, file);
            if (mismatch != null)
                throw new DatasetException(archive + ": not the official " + spec.name() + "/" + file.fileName() + ": " + mismatch
                        + "; replace it with the official file, or delete it to download it again");
            Files.createDirectories(cache);
            tmp = Files.createTempDirectory(cache, "." + FOLDER + ".");
            List<String> wanted = new ArrayList<>(TRAIN);
            wanted.add(TEST);
            try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive), 1 << 16), 1 << 16)) {
                TarReader tar = new TarReader(in);
                for (TarReader.Entry e; (e = tar.next()) != null; ) {
                    String base = e.name().substring(e.name().lastIndexOf('/') + 1);
                    if (e.isFile() && e.name().equals(FOLDER + "/" + base) && wanted.remove(base))
                        Files.copy(tar.contents(), tmp.resolve(base));
                }
            } catch (ZipException | java.io.EOFException e) {
                throw new DatasetException(archive + ": corrupt or truncated archive (" + e.getMessage()
                        + "); delete it to download it again");
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("corrupt tar header"))
                    throw new DatasetException(archive + ": corrupt archive (" + e.getMessage() + "); delete it to download it again");
                throw e;
            }
            if (!wanted.isEmpty())
                throw new DatasetException(archive + ": not a CIFAR-10 binary archive: it has no " + FOLDER + "/" + String.join(", ", wanted));
            try {
                Files.move(tmp, cache.resolve(FOLDER), StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // another process extracted it meanwhile: its copy is as complete as ours
            }
        } catch (IOException e) {
            throw new DatasetException("cannot extract " + archive + " into " + cache + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) deleteQuietly(tmp);
        }
    }

    /** The batch files' records, concatenated: images u8 [n, 32, 32, 3] and labels u8 [n]. */
    static Tensor[] read(Path folder, List<String> files) {
        List<byte[]> contents = new ArrayList<>();
        long n = 0;
        for (String f : files) {
            Path p = folder.resolve(f);
            byte[] b;
            try {
                b = Files.readAllBytes(p);
            } catch (IOException e) {
                throw new DatasetException(p + ": cannot read: " + e.getMessage() + " (delete " + folder + " to extract the archive again)", e);
            }
            if (b.length == 0 || b.length % RECORD != 0)
                throw new DatasetException(p + ": not a CIFAR-10 batch: " + b.length + " bytes is not a whole number of " + RECORD
                        + "-byte records (delete " + folder + " to extract the archive again)");
            contents.add(b);
            n += b.length / RECORD;
        }
        if (n * 3 * PIXELS > Integer.MAX_VALUE) throw new DatasetException(folder + ": too many records (" + n + ")");
        byte[] images = new byte[(int) n * 3 * PIXELS];
        byte[] labels = new byte[(int) n];
        int r = 0;
        for (int k = 0; k < contents.size(); k++) {
            byte[] b = contents.get(k);
            for (int off = 0; off < b.length; off += RECORD, r++) {
                int label = b[off] & 0xFF;
                if (label >= CLASSES.size())
                    throw new DatasetException(folder.resolve(files.get(k)) + ": record " + (off / RECORD) + " has label " + label
                            + ", not a class 0 to " + (CLASSES.size() - 1));
                labels[r] = (byte) label;
                // planar R, G, B → interleaved [row][col][channel]
                int out = r * 3 * PIXELS;
                for (int px = 0; px < PIXELS; px++)
                    for (int ch = 0; ch < 3; ch++)
                        images[out + px * 3 + ch] = b[off + 1 + ch * PIXELS + px];
            }
        }
        return new Tensor[] {
            Tensor.wrap(DType.U8, new int[] {(int) n, SIDE, SIDE, 3}, images),
            Tensor.wrap(DType.U8, new int[] {(int) n}, labels)};
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // hidden and named .cifar-10-batches-bin.*: never taken for the extracted folder
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }
}
