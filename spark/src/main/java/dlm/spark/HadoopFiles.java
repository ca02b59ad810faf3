package dlm.spark;

import dlm.runtime.io.UriFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@link UriFiles} through Hadoop's FileSystem API (the client Spark brings): {@code --save} and
 * {@code --resume} on any file system Hadoop is configured for ({@code file:}, {@code hdfs:},
 * {@code s3a:} with its jars, …). An upload writes {@code .NAME.<uuid>.tmp} beside the target and
 * renames it over the target (Hadoop's rename does not replace, so the old file is deleted first:
 * for that instant a reader finds no file, never a partial one).
 */
public final class HadoopFiles implements UriFiles {
    @Override
    public Kind kind(URI uri) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = p.getFileSystem(new Configuration());
        Path parent = p.getParent();
        if (parent != null && !fs.getFileStatus(parent).isDirectory()) throw new IOException(parent + " is not a folder");
        try {
            FileStatus s = fs.getFileStatus(p);
            return s.isDirectory() ? Kind.FOLDER : Kind.FILE;
        } catch (FileNotFoundException e) {
            return Kind.MISSING;
        }
    }

    @Override
    public void upload(java.nio.file.Path from, URI to) throws IOException {
        Path target = new Path(to);
        FileSystem fs = target.getFileSystem(new Configuration());
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + java.util.UUID.randomUUID() + ".tmp");
        try (OutputStream out = fs.create(tmp, false)) {
            Files.copy(from, out);
        }
        if (fs.exists(target) && !fs.delete(target, false)) throw new IOException("cannot replace " + target);
        if (!fs.rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
    }

    @Override
    public void download(URI from, java.nio.file.Path to) throws IOException {
        Path source = new Path(from);
        try (InputStream in = source.getFileSystem(new Configuration()).open(source)) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
