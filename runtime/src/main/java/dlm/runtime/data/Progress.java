package dlm.runtime.data;

import java.net.URI;
import java.util.Locale;

/**
 * Reports downloads to the user. The command line prints to stderr ({@link #stderr()}); tests
 * and embedders pass {@link #silent()} or their own implementation (e.g. a progress bar).
 */
public interface Progress {

    /**
     * A download starts.
     *
     * @param label {@code <dataset>/<file>}, e.g. {@code mnist/train-images-idx3-ubyte.gz}
     * @param bytes the file's expected size, or {@link DataFile#UNKNOWN_SIZE}
     * @param from where it is fetched from
     */
    void downloading(String label, long bytes, URI from);

    /** Bytes received so far for the current download (called every few tens of kilobytes). */
    default void received(String label, long bytesSoFar, long totalBytes) {}

    /** The current download finished and was verified (it has been moved into place). */
    default void downloaded(String label) {}

    /** Reports nothing. */
    static Progress silent() {
        return (label, bytes, from) -> {};
    }

    /** One line per file on {@code System.err}: {@code downloading mnist/train-images-idx3-ubyte.gz (9.9 MB) from storage.googleapis.com…}. */
    static Progress stderr() {
        return (label, bytes, from) ->
                System.err.println("downloading " + label + " (" + humanSize(bytes) + ") from " + from.getHost() + "…");
    }

    /** Decimal units, one decimal: {@code 9.9 MB}, {@code 28.9 kB}, {@code 512 B}. */
    static String humanSize(long bytes) {
        if (bytes < 0) return "size unknown";   // DataFile.UNKNOWN_SIZE
        if (bytes < 1000) return bytes + " B";
        if (bytes < 1_000_000) return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
        if (bytes < 1_000_000_000) return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }
}
