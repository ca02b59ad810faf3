package dlm.runtime.io;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint: the model's parameters, the optimizer's state and a little metadata,
 * saved as an ordinary NumPy {@code .npz} so that Python can inspect it:
 *
 * <pre>{@code
 * z = numpy.load("mnist.ckpt.npz")
 * z["hidden.W"]                        # a parameter
 * z["optimizer/hidden.W/m"]            # optimizer state, under the optimizer/ prefix
 * json.loads(str(z["__metadata__"]))   # {"model": "Mnist", "step": "2345", ...}
 * }</pre>
 *
 * <p>Layout, in this order: {@value #METADATA_ENTRY}, then the parameters under their own names,
 * then the optimizer state under {@value #OPTIMIZER_PREFIX}{@code <name>}. All members are STORED
 * (like {@code numpy.savez}): weights barely compress and saving should cost no more than a copy.
 *
 * <p><b>Metadata encoding.</b> The metadata map is one JSON object of strings, stored as a rank-0
 * NumPy unicode array ({@code <U n}, UTF-32LE, what {@code numpy.array(json_text)} is). An object
 * array would need {@code allow_pickle=True}; a unicode scalar needs nothing and prints as the
 * text itself in Python. When loading, a rank-1 {@code uint8} array of UTF-8 JSON is accepted
 * too, and an archive without metadata (weights saved with {@code numpy.savez}) loads with
 * empty metadata.
 *
 * @param params         parameter name → value, in the model's order
 * @param optimizerState optimizer slot name (e.g. {@code hidden.W/m}, {@code iterations}) → value
 * @param metadata       small string facts; see the key constants such as {@link #MODEL}
 */
public record Checkpoint(Map<String, Tensor> params, Map<String, Tensor> optimizerState, Map<String, String> metadata) {

    /** The member holding the metadata JSON. */
    public static final String METADATA_ENTRY = "__metadata__";
    /** The prefix that separates optimizer state from parameters in the archive. */
    public static final String OPTIMIZER_PREFIX = "optimizer/";

    /** Metadata key: the model's name, e.g. {@code Mnist}. */
    public static final String MODEL = "model";
    /** Metadata key: optimizer steps taken so far. */
    public static final String STEP = "step";
    /** Metadata key: epochs completed so far. */
    public static final String EPOCH = "epoch";
    /** Metadata key: the version of DLM that wrote the checkpoint. */
    public static final String DLM_VERSION = "dlm_version";
    /** Metadata key: the optimizer, e.g. {@code adam}. */
    public static final String OPTIMIZER = "optimizer";

    /** Copies the maps (keeping their order) and checks that the names can be told apart on load. */
    public Checkpoint {
        params = frozen(params, "parameter");
        optimizerState = frozen(optimizerState, "optimizer state");
        metadata = frozen(metadata, "metadata");
        for (String name : params.keySet()) {
            if (name.equals(METADATA_ENTRY) || name.startsWith(OPTIMIZER_PREFIX))
                throw new IllegalArgumentException("parameter name '" + name + "' is reserved in checkpoints ("
                        + METADATA_ENTRY + " and the " + OPTIMIZER_PREFIX + " prefix)");
        }
    }

    /** Parameters only. */
    public Checkpoint(Map<String, Tensor> params) {
        this(params, Map.of(), Map.of());
    }

    private static <V> Map<String, V> frozen(Map<String, V> m, String what) {
        LinkedHashMap<String, V> copy = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (k == null || k.isEmpty()) throw new IllegalArgumentException(what + " names must not be empty");
            if (v == null) throw new IllegalArgumentException(what + " '" + k + "' is null");
            copy.put(k, v);
        });
        return Collections.unmodifiableMap(copy);
    }

    // ---- files -------------------------------------------------------------------------------

    /** Saves atomically: on failure the file at {@code path}, if any, keeps its previous content. */
    public void save(Path path) throws IOException {
        LinkedHashMap<String, Object> entries = new LinkedHashMap<>();
        entries.put(METADATA_ENTRY, Json.write(metadata));
        entries.putAll(params);
        optimizerState.forEach((k, v) -> entries.put(OPTIMIZER_PREFIX + k, v));
        Npz.writeValues(entries, path, false);
    }

    /**
     * Loads a checkpoint, or any {@code .npz} of tensors (as parameters, with empty metadata).
     * Unreadable files throw {@link NpyFormatException}, structural problems {@link CheckpointException}.
     */
    public static Checkpoint load(Path path) throws IOException {
        Map<String, Tensor> params = new LinkedHashMap<>(), optimizer = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        for (Map.Entry<String, Object> e : Npz.readValues(path).entrySet()) {
            String name = e.getKey();
            if (name.equals(METADATA_ENTRY)) {
                metadata = parseMetadata(e.getValue(), path);
            } else if (name.startsWith(OPTIMIZER_PREFIX)) {
                optimizer.put(name.substring(OPTIMIZER_PREFIX.length()), tensor(e.getValue(), name, path));
            } else {
                params.put(name, tensor(e.getValue(), name, path));
            }
        }
        try {
            return new Checkpoint(params, optimizer, metadata);
        } catch (IllegalArgumentException ex) { // e.g. a member named just "optimizer/.npy"
            throw new CheckpointException(path + ": " + ex.getMessage());
        }
    }

    private static Tensor tensor(Object value, String name, Path path) throws CheckpointException {
        if (value instanceof Tensor t) return t;
        throw new CheckpointException(path + ": entry '" + name + "' holds text, not a tensor");
    }

    private static Map<String, String> parseMetadata(Object value, Path path) throws CheckpointException {
        String json;
        if (value instanceof String s) {
            json = s;
        } else if (value instanceof Tensor t && t.dtype() == DType.U8 && t.rank() == 1) {
            json = new String(t.byteStorage(), StandardCharsets.UTF_8);
        } else {
            throw new CheckpointException(path + ": " + METADATA_ENTRY + " must be text (a unicode scalar or uint8 UTF-8 bytes), found "
                    + TensorSpec.of((Tensor) value));
        }
        try {
            return Json.parseObject(json);
        } catch (IllegalArgumentException ex) {
            throw new CheckpointException(path + ": " + METADATA_ENTRY + " is not a JSON object of strings: " + ex.getMessage());
        }
    }

    /** The largest epoch count a checkpoint may record: far beyond any run, and room to count on from it. */
    public static final long MAX_EPOCH = 1_000_000_000L;

    /**
     * The whole-number metadata entry {@code key}, or {@code absent} when there is none; throws
     * a {@link CheckpointException} naming the entry when it is not a whole number from
     * {@code min} to {@code max} (so {@code "epoch": "abc"} or a negative epoch is reported as a
     * damaged checkpoint, not as a crash or a nonsense epoch number).
     */
    public long metadataLong(String key, long min, long max, long absent) throws CheckpointException {
        String v = metadata.get(key);
        if (v == null) return absent;
        long n;
        try {
            n = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new CheckpointException("metadata entry \"" + key + "\" must be a whole number, got \"" + v + "\"");
        }
        if (n < min || n > max)
            throw new CheckpointException("metadata entry \"" + key + "\" must be from " + min + " to " + max + ", got " + n);
        return n;
    }

    // ---- compatibility -----------------------------------------------------------------------

    /**
     * Checks that the parameters are exactly what a model needs, and throws a
     * {@link CheckpointException} listing every difference otherwise, one a line: first each
     * of the model's parameters that is missing or has another dtype or shape (in the model's
     * order), then each parameter the model does not have (in the checkpoint's order):
     *
     * <pre>
     * checkpoint does not match the model (3 problems):
     *   hidden.W: checkpoint has f32[784, 256], model needs f32[784, 512]
     *   output.b: missing (model needs f32[10])
     *   extra.W: not in the model (checkpoint has f32[3, 3])
     * </pre>
     *
     * Optimizer state is not checked: a checkpoint can always be loaded for inference.
     */
    public void verifyAgainst(Map<String, TensorSpec> expected) throws CheckpointException {
        List<String> problems = new ArrayList<>();
        expected.forEach((name, spec) -> {
            Tensor t = params.get(name);
            if (t == null) problems.add(name + ": missing (model needs " + spec + ")");
            else if (!spec.matches(t)) problems.add(name + ": checkpoint has " + TensorSpec.of(t) + ", model needs " + spec);
        });
        params.forEach((name, t) -> {
            if (!expected.containsKey(name)) problems.add(name + ": not in the model (checkpoint has " + TensorSpec.of(t) + ")");
        });
        if (problems.isEmpty()) return;
        StringBuilder msg = new StringBuilder("checkpoint does not match the model (")
                .append(problems.size()).append(problems.size() == 1 ? " problem):" : " problems):");
        for (String p : problems) msg.append("\n  ").append(p);
        throw new CheckpointException(msg.toString(), problems);
    }
}
