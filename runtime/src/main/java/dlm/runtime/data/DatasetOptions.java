package dlm.runtime.data;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how {@link Datasets} finds and downloads dataset files. Everything that depends on
 * the machine (environment, home folder, network) is a field, so tests can run against temporary
 * folders and a loopback server; {@link #defaults()} takes the real ones.
 *
 * @param dataDir the explicit folder ({@code dlmc --data DIR}), searched first; null when not given
 * @param env the environment, read for {@code DLM_DATA} and {@code DLM_DATA_MIRROR}
 * @param home the user's home folder; the cache defaults to {@code <home>/.dlm/datasets}
 * @param cacheDir overrides the cache folder (which holds one subfolder per dataset); null: the default
 * @param mirror overrides {@code DLM_DATA_MIRROR}: a base URL under which {@code <name>/<file>} is
 *     fetched; null: the environment variable, else the datasets' official URLs
 * @param timeout how long to wait to connect, for the response, and between two reads of the body
 * @param download whether missing files may be downloaded at all
 * @param verifyChecksums whether local files are checksummed too (downloads always are)
 * @param progress receives download progress
 */
public record DatasetOptions(
        Path dataDir,
        Map<String, String> env,
        Path home,
        Path cacheDir,
        String mirror,
        Duration timeout,
        boolean download,
        boolean verifyChecksums,
        Progress progress) {

    /** The environment variable naming a folder that holds one subfolder per dataset. */
    public static final String DATA_ENV = "DLM_DATA";

    /** The environment variable naming the download mirror (see {@link #mirror}). */
    public static final String MIRROR_ENV = "DLM_DATA_MIRROR";

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public DatasetOptions {
        env = Map.copyOf(Objects.requireNonNull(env, "env"));
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(progress, "progress");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }

    /** The real environment and home folder, a 30 s timeout, downloads allowed, progress on stderr. */
    public static DatasetOptions defaults() {
        return new DatasetOptions(null, System.getenv(), Path.of(System.getProperty("user.home")), null, null,
                DEFAULT_TIMEOUT, true, false, Progress.stderr());
    }

    /** The cache folder in effect: {@link #cacheDir} or {@code <home>/.dlm/datasets}. */
    public Path effectiveCacheDir() {
        return cacheDir != null ? cacheDir : home.resolve(".dlm").resolve("datasets");
    }

    /** The mirror in effect: {@link #mirror}, else {@code DLM_DATA_MIRROR}; null when neither is set. */
    public String effectiveMirror() {
        if (mirror != null && !mirror.isBlank()) return mirror.strip();
        String m = env.get(MIRROR_ENV);
        return m != null && !m.isBlank() ? m.strip() : null;
    }

    /** {@code DLM_DATA} as a path; null when unset or empty. */
    public Path dataEnvDir() {
        String d = env.get(DATA_ENV);
        return d != null && !d.isBlank() ? Path.of(d.strip()) : null;
    }

    public DatasetOptions withDataDir(Path dataDir) {
        return new DatasetOptions(dataDir, env, home, cacheDir, mirror, timeout, download, verifyChecksums, progress);
    }

    public DatasetOptions withEnv(Map<String, String> env) {
        return new DatasetOptions(dataDir, env, home, cacheDir, mirror, timeout, download, verifyChecksums, progress);
    }

    public DatasetOptions withHome(Path home) {
        return new DatasetOptions(dataDir, env, home, cacheDir, mirror, timeout, download, verifyChecksums, progress);
    }

    public DatasetOptions withCacheDir(Path cacheDir) {
        return new DatasetOptions(dataDir, env, home, cacheDir, mirror, timeout, download, verifyChecksums, progress);
    }

    public DatasetOptions withMirror(String mirror) {
        return new DatasetOptions(dataDir, env, home, cacheDir, mirror, timeout, download, verifyChecksums, progress);
    }

    public DatasetOptions withTimeout(Duration timeout) {
        return new DatasetOptions(dataDir, env, home, cacheDir, mirror, timeout, download, verifyChecksums, progress);
    }

    public DatasetOptions withDownload(boolean download) {
        return new DatasetOptions(dataDir, env, home, cacheDir, mirror, timeout, download, verifyChecksums, progress);
    }

    public DatasetOptions withVerifyChecksums(boolean verifyChecksums) {
        return new DatasetOptions(dataDir, env, home, cacheDir, mirror, timeout, download, verifyChecksums, progress);
    }

    public DatasetOptions withProgress(Progress progress) {
        return new DatasetOptions(dataDir, env, home, cacheDir, mirror, timeout, download, verifyChecksums, progress);
    }
}
