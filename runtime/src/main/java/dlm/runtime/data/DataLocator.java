package dlm.runtime.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds a dataset's files on disk. The folders searched, in order (the first one holding all
 * four files wins):
 * <ol>
 *   <li>the explicit folder {@code DIR} ({@code --data}): {@code DIR/<name>/}, then {@code DIR} itself;</li>
 *   <li>{@code $DLM_DATA/<name>/};</li>
 *   <li>the cache {@code <cacheDir>/<name>/}, by default {@code ~/.dlm/datasets/<name>/} (downloads go there).</li>
 * </ol>
 * A folder holding only some of the files is passed over (it is reported in the error message
 * if nothing is found). The files of the folder chosen are checked by size, and by checksum when
 * {@link DatasetOptions#verifyChecksums()} is set; a mismatch is an error, not a reason to look
 * further, because the user would otherwise silently train on other files than the ones they put there.
 */
public final class DataLocator {

    /** A folder searched and why: {@code --data}, {@code DLM_DATA} or {@code cache}. */
    public record Candidate(Path dir, String origin) {}

    private final DatasetOptions options;

    public DataLocator(DatasetOptions options) {
        this.options = options;
    }

    /** The folders searched for a dataset, in order. */
    public List<Candidate> candidates(DatasetSpec spec) {
        List<Candidate> c = new ArrayList<>();
        Path explicit = options.dataDir();
        if (explicit != null) {
            c.add(new Candidate(explicit.resolve(spec.name()), "--data"));
            c.add(new Candidate(explicit, "--data"));
        }
        Path env = options.dataEnvDir();
        if (env != null) c.add(new Candidate(env.resolve(spec.name()), DatasetOptions.DATA_ENV));
        c.add(new Candidate(cacheDir(spec), "cache"));
        return c;
    }

    /** The folder downloads of this dataset go to. */
    public Path cacheDir(DatasetSpec spec) {
        return options.effectiveCacheDir().resolve(spec.name());
    }

    /**
     * The first folder holding all four files, after checking them.
     *
     * @throws DatasetException if the explicit folder does not exist (a typo in {@code --data}
     *     should not send us downloading), or a file of the folder found has the wrong size or checksum
     */
    public Optional<Path> find(DatasetSpec spec) {
        Path explicit = options.dataDir();
        if (explicit != null && !Files.isDirectory(explicit))
            throw new DatasetException("--data " + explicit + ": no such folder");
        for (Candidate c : candidates(spec)) {
            if (countPresent(c.dir(), spec) == spec.files().size()) {
                for (DataFile f : spec.files()) check(c.dir().resolve(f.fileName()), f, spec);
                return Optional.of(c.dir());
            }
        }
        return Optional.empty();
    }

    /**
     * The files of the dataset that are not in {@code dir} yet; those that are get checked.
     * Used on the cache folder to complete an earlier, interrupted set of downloads.
     */
    public List<DataFile> missingIn(Path dir, DatasetSpec spec) {
        List<DataFile> missing = new ArrayList<>();
        for (DataFile f : spec.files()) {
            Path p = dir.resolve(f.fileName());
            if (Files.isRegularFile(p)) check(p, f, spec);
            else missing.add(f);
        }
        return missing;
    }

    /**
     * Checks a local file: its size always, its checksums if asked to. The message names the
     * file and, when its size is that of another dataset's file, says so (a common mix-up:
     * MNIST and Fashion-MNIST use the same file names).
     */
    public void check(Path path, DataFile file, DatasetSpec spec) {
        try {
            long size = Files.size(path);
            if (file.sizeKnown() && size != file.size()) {
                String hint = "";
                for (DatasetSpec other : DatasetSpec.ALL)
                    for (DataFile of : other.files())
                        if (other != spec && of.size() == size) hint = " (the size of " + other.name() + "'s " + of.fileName() + ")";
                throw new DatasetException(path + ": wrong size for " + spec.name() + "/" + file.fileName()
                        + ": expected " + file.size() + " bytes, found " + size + hint
                        + "; replace it with the official file, or delete it to download it again");
            }
            // a file of unknown size is identified by its checksum alone, so that is always checked
            if (options.verifyChecksums() || !file.sizeKnown()) {
                String mismatch = Checksums.mismatch(path, file);
                if (mismatch != null)
                    throw new DatasetException(path + ": not the official " + spec.name() + "/" + file.fileName() + ": " + mismatch
                            + "; replace it with the official file, or delete it to download it again");
            }
        } catch (IOException e) {
            throw new DatasetException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Tells the user where to put the files: the folders searched (with what each holds now),
     * the four file names, and the {@code --data}/{@code DLM_DATA} alternatives.
     */
    public String whereToPutFiles(DatasetSpec spec) {
        List<Candidate> cs = candidates(spec);
        int width = cs.stream().mapToInt(c -> c.dir().toString().length()).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        sb.append(spec.files().size() == 1 ? "Put the file of " : "Put the " + spec.files().size() + " files of ").append(spec.name()).append(":\n");
        sb.append(spec.files().stream().map(f -> "  " + f.fileName()).collect(Collectors.joining("\n"))).append('\n');
        sb.append("into one of these folders (searched in this order):\n");
        for (Candidate c : cs) {
            sb.append("  ").append(String.format("%-" + width + "s", c.dir()))
              .append("  (").append(c.origin()).append(c.origin().equals("cache") ? ", where downloads go" : "")
              .append(status(c.dir(), spec)).append(")\n");
        }
        sb.append("or pass --data DIR (with the files in DIR/").append(spec.name())
          .append("/ or in DIR itself), or set ").append(DatasetOptions.DATA_ENV)
          .append(" to a folder holding ").append(spec.name()).append("/.");
        return sb.toString();
    }

    private static String status(Path dir, DatasetSpec spec) {
        if (!Files.isDirectory(dir)) return ": no such folder";
        int n = countPresent(dir, spec);
        return n == 0 ? ": none of the files" : ": " + n + " of the " + spec.files().size() + " files";
    }

    private static int countPresent(Path dir, DatasetSpec spec) {
        int n = 0;
        for (DataFile f : spec.files()) if (Files.isRegularFile(dir.resolve(f.fileName()))) n++;
        return n;
    }
}
