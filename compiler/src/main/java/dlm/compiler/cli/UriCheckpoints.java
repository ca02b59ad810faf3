package dlm.compiler.cli;

import dlm.runtime.io.UriFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code train --save URI} and {@code --resume URI} ({@code hdfs://…}, {@code file:///…}): a
 * checkpoint on a file system that a {@link UriFiles} on the class path reaches (the dlm-spark
 * jar's, through Hadoop). Checkpoints are written to a local temporary file, as any checkpoint, and
 * uploaded after every save; a checkpoint to resume from is downloaded first. The same checks as
 * for a path apply before training: the target's folder exists, it is not a folder, and it may
 * only replace a DLM checkpoint.
 */
final class UriCheckpoints {
    private UriCheckpoints() {}

    /** A {@code --save} target: the local file checkpoints are written to, and where each is uploaded. */
    record Upload(Path local, URI target, UriFiles files) {
        void push() {
            try {
                files.upload(local, target);
            } catch (IOException e) {
                throw new dlm.compiler.diag.DlmException(dlm.compiler.diag.SourceSpan.NONE, "cannot write checkpoint " + target + ": " + e.getMessage(), e);
            }
        }
    }

    static Upload save(String option, String value) {
        URI uri = uri(option, value);
        UriFiles files = files(option, value);
        Path local = temp(value);
        try {
            switch (files.kind(uri)) {
                case FOLDER -> throw new UsageException(option + " " + value + " is a folder; give a file path");
                case FILE -> {
                    files.download(uri, local);
                    if (!OutputPaths.Kind.CHECKPOINT.recognises(local))
                        throw new UsageException(option + " " + value + " exists and is not " + OutputPaths.Kind.CHECKPOINT.description
                                + "; refusing to overwrite it (choose a new path, or delete the file first)");
                    Files.delete(local);
                }
                case MISSING -> { }
            }
        } catch (IOException e) {
            throw new UsageException(option + " " + value + ": " + e.getMessage());
        }
        return new Upload(local, uri, files);
    }

    /** A {@code --resume} checkpoint, downloaded to a local temporary file. */
    static Path resume(String option, String value) {
        URI uri = uri(option, value);
        UriFiles files = files(option, value);
        Path local = temp(value);
        try {
            if (files.kind(uri) != UriFiles.Kind.FILE) throw new UsageException("no such checkpoint: " + value);
            files.download(uri, local);
        } catch (IOException e) {
            throw new UsageException(option + " " + value + ": " + e.getMessage());
        }
        return local;
    }

    private static URI uri(String option, String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new UsageException(option + " " + value + " is not a valid URI: " + e.getMessage());
        }
    }

    private static UriFiles files(String option, String value) {
        return UriFiles.find().orElseThrow(() -> new UsageException(option + " " + value + ": a file system URI needs the dlm-spark jar (Hadoop's FileSystem)"
                + " on the class path: run ./dlmc with --spark, or spark-submit; or give a local path"));
    }

    private static Path temp(String value) {
        try {
            Path p = Files.createTempFile("dlm-checkpoint-", ".npz");
            p.toFile().deleteOnExit();
            Files.delete(p);
            return p;
        } catch (IOException e) {
            throw new UsageException("cannot create a temporary file for " + value + ": " + e.getMessage());
        }
    }
}
