/**
 * Datasets: the IDX file format ({@link dlm.runtime.data.IdxReader}) and the built-in training
 * sets ({@link dlm.runtime.data.Datasets}): MNIST, Fashion-MNIST, CIFAR-10 and Boston housing,
 * found on disk or downloaded and verified against their published checksums. Each is described
 * in one place, its {@link dlm.runtime.data.DatasetSpec}: files, sizes, checksums, official URLs.
 *
 * <h2>Where the files are looked for</h2>
 * MNIST and Fashion-MNIST are the four original gzipped IDX files ({@code train-images-idx3-ubyte.gz},
 * {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz},
 * {@code t10k-labels-idx1-ubyte.gz}); CIFAR-10 is {@code cifar-10-binary.tar.gz} (extracted once
 * into the cache, see {@link dlm.runtime.data.Cifar10}); Boston housing is Keras's
 * {@code boston_housing.npz}. They are searched in this order (the first folder holding all of a
 * dataset's files wins):
 * <ol>
 *   <li>the explicit folder ({@code dlmc --data DIR}): {@code DIR/<name>/}, then {@code DIR} itself;</li>
 *   <li>{@code $DLM_DATA/<name>/};</li>
 *   <li>the cache, {@code ~/.dlm/datasets/<name>/} (or {@code <cacheDir>/<name>/}).</li>
 * </ol>
 * Files found locally are checked by size (and optionally by checksum); a file whose size is not
 * published (boston_housing.npz) always by checksum.
 *
 * <h2>Downloads and the mirror convention</h2>
 * When no folder holds the files, the missing ones are downloaded into the cache. By default
 * {@code <file>} is fetched from each dataset's official base URL
 * ({@link dlm.runtime.data.DatasetSpec#defaultMirrors()}). A mirror set by
 * {@code DLM_DATA_MIRROR} or {@link dlm.runtime.data.DatasetOptions#mirror()} is one base URL
 * serving every dataset in its own subfolder: the file is fetched from
 * {@code <mirror>/<name>/<file>}, e.g. {@code https://example.org/dlm/mnist/train-images-idx3-ubyte.gz},
 * so a copy of a {@code $DLM_DATA} folder served over HTTP is a valid mirror.
 * Every download is verified against its published checksums (MD5 and SHA-256 for MNIST and
 * Fashion-MNIST, the official MD5 for CIFAR-10, Keras's SHA-256 for Boston housing) and moved into place
 * atomically; nothing partial or corrupt is ever left behind.
 */
package dlm.runtime.data;
