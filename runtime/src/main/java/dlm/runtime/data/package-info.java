/**
 * Datasets: the IDX file format ({@link dlm.runtime.data.IdxReader}) and the MNIST and
 * Fashion-MNIST training sets ({@link dlm.runtime.data.Datasets}), found on disk or downloaded
 * and verified against the official checksums.
 *
 * <h2>Where the files are looked for</h2>
 * Each dataset is the four original gzipped IDX files ({@code train-images-idx3-ubyte.gz},
 * {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz},
 * {@code t10k-labels-idx1-ubyte.gz}), searched in this order (the first folder holding all four
 * wins):
 * <ol>
 *   <li>the explicit folder ({@code dlmc --data DIR}): {@code DIR/<name>/}, then {@code DIR} itself;</li>
 *   <li>{@code $DLM_DATA/<name>/};</li>
 *   <li>the cache, {@code ~/.dlm/datasets/<name>/} (or {@code <cacheDir>/<name>/}).</li>
 * </ol>
 * Files found locally are checked by size (and optionally by checksum).
 *
 * <h2>Downloads and the mirror convention</h2>
 * When no folder holds the files, the missing ones are downloaded into the cache. By default
 * {@code <file>} is fetched from each dataset's official base URL
 * ({@link dlm.runtime.data.DatasetSpec#defaultMirrors()}). A mirror set by
 * {@code DLM_DATA_MIRROR} or {@link dlm.runtime.data.DatasetOptions#mirror()} is one base URL
 * serving every dataset in its own subfolder: the file is fetched from
 * {@code <mirror>/<name>/<file>}, e.g. {@code https://example.org/dlm/mnist/train-images-idx3-ubyte.gz},
 * so a copy of a {@code $DLM_DATA} folder served over HTTP is a valid mirror.
 * Every download is verified against the official MD5 and SHA-256 and moved into place
 * atomically; nothing partial or corrupt is ever left behind.
 */
package dlm.runtime.data;
