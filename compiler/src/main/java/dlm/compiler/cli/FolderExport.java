package dlm.compiler.cli;

import dlm.runtime.Tensor;
import dlm.runtime.image.Png;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;

/**
 * {@code dlmc show … --folder DIR}: dataset images as an image folder ({@code imageFolder(…)}
 * reads it back): image k as {@code DIR/<label>/<split>-<k, 5 digits>.png}, gray, unscaled, so
 * that reading it gives the same pixels. Only PNG files are replaced.
 */
final class FolderExport {
    private FolderExport() {}

    /** Writes images first … first + count − 1 and returns how many label folders they went in. */
    static int write(Tensor images, Tensor labels, int first, int count, String split, Path dir) throws IOException {
        int h = images.dim(1), w = images.dim(2), size = h * w;
        byte[] all = (byte[]) images.storage();
        TreeSet<Long> seen = new TreeSet<>();
        for (int k = first; k < first + count; k++) {
            long label = labels.getLong(k);
            seen.add(label);
            Path sub = dir.resolve(Long.toString(label));
            Path file = sub.resolve(String.format("%s-%05d.png", split, k));
            OutputPaths.replaceable("--folder", file, OutputPaths.Kind.PNG);
            Files.createDirectories(sub);
            byte[] px = new byte[size];
            System.arraycopy(all, k * size, px, 0, size);
            Png.writeGray(px, w, h, 1, file);
        }
        return seen.size();
    }
}
