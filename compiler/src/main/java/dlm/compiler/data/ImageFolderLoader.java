package dlm.compiler.data;

import dlm.compiler.diag.DlmException;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads a {@link DataSource.ImageFolder} as Keras's {@code image_dataset_from_directory} lists it
 * (without its shuffle: cut it with {@code shuffle} or {@code split}): the classes are the
 * subfolders of the folder not starting with a dot, sorted by name, class i having label i; a
 * class's samples are its files with an image extension (.bmp, .gif, .jpeg, .jpg, .png, any case)
 * at any depth, folder by folder in sorted path order, files sorted within a folder. Other files
 * and files directly in the folder are not listed; an empty class folder is still a class. Each
 * image is decoded ({@link ImageDecoder}) and resized to the size asked ({@link BilinearResize});
 * a model input of an integer dtype gets the values rounded to the nearest integer (ties to even).
 * The input takes rows of [h, w, channels], or [h, w] for grayscale.
 */
final class ImageFolderLoader {
    private ImageFolderLoader() {}

    static final List<String> EXTENSIONS = List.of(".bmp", ".gif", ".jpeg", ".jpg", ".png");

    static Table load(DataSource.ImageFolder f, ModelFeed feed, java.util.function.Consumer<String> report) {
        if (!Files.exists(f.path())) throw new DlmException(f.at(), "no such folder: " + f.shown());
        if (!Files.isDirectory(f.path())) throw new DlmException(f.at(), f.shown() + " is not a folder; imageFolder() takes a folder with one subfolder of images a class");
        List<String> classes = new ArrayList<>();
        try (Stream<Path> s = Files.list(f.path())) {
            s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().forEach(classes::add);
        } catch (IOException e) {
            throw new DlmException(f.at(), "cannot list " + f.shown() + ": " + e.getMessage());
        }
        if (classes.isEmpty())
            throw new DlmException(f.at(), f.shown() + " has no subfolders; imageFolder() takes one subfolder of images a class (" + f.shown() + "/cats/…, " + f.shown() + "/dogs/…)");
        checkFits(f, feed, classes);
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int k = 0; k < classes.size(); k++) {
            for (Path p : images(f, f.path().resolve(classes.get(k)))) {
                files.add(p);
                labels.add(k);
            }
        }
        if (files.isEmpty())
            throw new DlmException(f.at(), "no images in " + f.shown() + "'s " + classes.size() + (classes.size() == 1 ? " subfolder" : " subfolders") + " (image files end in " + String.join(", ", EXTENSIONS) + ")");
        report.accept("Found " + files.size() + (files.size() == 1 ? " file" : " files") + " belonging to " + classes.size() + (classes.size() == 1 ? " class: " : " classes: ")
                + String.join(", ", classes) + " (labels 0 to " + (classes.size() - 1) + ")");

        int n = files.size(), h = f.height(), w = f.width(), c = f.channels();
        int[] want = ModelFeed.rows(feed.input(), n);
        DType dtype = feed.input().dtype();
        Tensor x = Tensor.zeros(dtype, want);
        int row = h * w * c;
        for (int i = 0; i < n; i++) {
            Path file = files.get(i);
            ImageDecoder.Pixels px;
            try {
                px = ImageDecoder.decode(file, c);
            } catch (IOException e) {
                throw new DlmException(f.at(), "cannot read " + file + ": " + e.getMessage());
            } catch (ImageDecoder.NotAnImage e) {
                throw new DlmException(f.at(), file + " is " + e.getMessage());
            }
            float[] v = px.height() == h && px.width() == w ? px.values() : BilinearResize.resize(px.values(), px.height(), px.width(), c, h, w);
            for (int j = 0; j < row; j++) {
                if (dtype.isInteger()) x.setLong(i * row + j, (long) Math.rint(v[j]));
                else x.setDouble(i * row + j, v[j]);
            }
        }
        Tensor y = Tensor.zeros(feed.labels().dtype(), ModelFeed.rows(feed.labels(), n));
        for (int i = 0; i < n; i++) y.setLong(i, labels.get(i));
        return new Table(x, y);
    }

    /** The model's input takes [h, w, c] (or [h, w] for one channel) and its labels one class index of the folder's classes a row. */
    private static void checkFits(DataSource.ImageFolder f, ModelFeed feed, List<String> classes) {
        int[] rows = ModelFeed.rows(feed.input(), 0);
        int[] sample = Arrays.copyOfRange(rows, 1, rows.length);
        boolean fits = Arrays.equals(sample, new int[] {f.height(), f.width(), f.channels()}) || (f.channels() == 1 && Arrays.equals(sample, new int[] {f.height(), f.width()}));
        if (!fits)
            throw new NotedException(f.at(), f.shown() + " gives images of " + Arrays.toString(new int[] {f.height(), f.width(), f.channels()}) + " (size = [" + f.height() + ", " + f.width()
                    + "], color = \"" + f.color() + "\"), but " + feed.describeInput() + " takes rows of " + Arrays.toString(sample)
                    + (f.channels() == 1 ? " (or " + Arrays.toString(new int[] {f.height(), f.width()}) + ")" : ""), feed.inputAt(), "model " + feed.model() + "'s input " + feed.inputName() + " is declared here");
        if (!feed.input().dtype().isInteger() && !feed.input().dtype().isFloating())
            throw feed.atInput(new DlmException(f.at(), "images are numbers from 0 to 255, but " + feed.describeInput() + " is not numeric"));
        if (feed.input().dtype().isInteger() && feed.input().dtype() != DType.U8 && !fitsByte(feed.input().dtype()))
            throw feed.atInput(new DlmException(f.at(), "pixel values from 0 to 255 do not fit " + feed.describeInput()));
        if (feed.labelsPerRow() != 1)
            throw feed.atLabels(new DlmException(f.at(), "an image folder gives one class index a row, but the labels here are " + feed.labels()));
        if (feed.classes() > 0 && classes.size() > feed.classes())
            throw feed.atLabels(new DlmException(f.at(), f.shown() + " has " + classes.size() + " classes (" + String.join(", ", classes) + "), but model " + feed.model() + " tells " + feed.classes() + " apart"));
    }

    private static boolean fitsByte(DType d) {
        Tensor t = Tensor.zeros(d, 1);
        t.setLong(0, 255);
        return t.getLong(0) == 255;
    }

    /** A class folder's image files, in Keras's order: folders by sorted path, files sorted within each. */
    private static List<Path> images(DataSource.ImageFolder f, Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(ImageFolderLoader::isImage)
                    .sorted(Comparator.comparing((Path p) -> p.getParent().toString()).thenComparing(p -> p.getFileName().toString())).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DlmException(f.at(), "cannot list " + dir + ": " + e.getMessage());
        }
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }
}
