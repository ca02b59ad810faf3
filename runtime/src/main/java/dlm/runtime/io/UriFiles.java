package dlm.runtime.io;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Files named by a file system URI ({@code hdfs://…}, {@code file:///…}, {@code s3a://…}) rather
 * than a local path: checkpoints of a cluster run. DLM itself reads and writes local files only;
 * an implementation (the dlm-spark jar's, through Hadoop's FileSystem API) is found with
 * {@link ServiceLoader} when its jar is on the class path.
 */
public interface UriFiles {
    /** Whether {@code value} is a URI with a scheme of two letters or more ({@code C:\…} stays a path). */
    static boolean isUri(String value) { return value.matches("[A-Za-z][A-Za-z0-9+.-]+:/.*"); }

    /** The implementation on the class path, if any. */
    static Optional<UriFiles> find() { return ServiceLoader.load(UriFiles.class).findFirst(); }

    /** Whether {@code target} exists (and is a file), is a folder, or is missing; its parent must be a folder. */
    enum Kind { FILE, FOLDER, MISSING }

    /** What {@code uri} names; an error when its folder does not exist or cannot be reached. */
    Kind kind(URI uri) throws IOException;

    /** Copies the local file {@code from} to {@code to}, replacing it at once (a reader sees the old file or the new one). */
    void upload(Path from, URI to) throws IOException;

    /** Copies {@code from} into the local file {@code to}. */
    void download(URI from, Path to) throws IOException;
}
