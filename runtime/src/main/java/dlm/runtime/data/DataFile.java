package dlm.runtime.data;

/**
 * One file of a dataset as officially published: its name, its exact size in bytes and its
 * checksums (lower-case hex). The size is checked every time a local file is used (it is
 * free and catches truncated copies and mixed-up datasets); the checksums when downloading.
 *
 * <p>A checksum that is not published (or not trusted) is null, and so is not checked; at least
 * one is always known. A size not published is {@link #UNKNOWN_SIZE}: such a file (small, by
 * design) is then checked by checksum every time it is used, local or downloaded.
 *
 * @param contents what the file holds, for messages ("image data", "label data")
 */
public record DataFile(String fileName, long size, String md5, String sha256, String contents) {
    /** The size of a file whose size is not published. */
    public static final long UNKNOWN_SIZE = -1;

    public DataFile {
        if (md5 == null && sha256 == null) throw new IllegalArgumentException(fileName + ": a dataset file needs a known checksum");
        if (size < 0 && size != UNKNOWN_SIZE) throw new IllegalArgumentException(fileName + ": size " + size);
    }

    /** Whether the exact size is known (else only the checksum identifies the file). */
    public boolean sizeKnown() {
        return size != UNKNOWN_SIZE;
    }
}
