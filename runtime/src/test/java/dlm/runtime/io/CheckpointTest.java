package dlm.runtime.io;

import static dlm.runtime.io.NpyTest.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    static Checkpoint mnist() {
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("hidden.W", values(DType.F32, 784, 16));
        params.put("hidden.b", values(DType.F32, 16));
        params.put("output.W", values(DType.F32, 16, 10));
        params.put("output.b", values(DType.F32, 10));
        Map<String, Tensor> opt = new LinkedHashMap<>();
        opt.put("iterations", Tensor.scalar(DType.I64, 469));
        opt.put("hidden.W/m", values(DType.F32, 784, 16));
        opt.put("hidden.W/v", values(DType.F32, 784, 16));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(Checkpoint.MODEL, "Mnist");
        meta.put(Checkpoint.STEP, "469");
        meta.put(Checkpoint.EPOCH, "1");
        meta.put(Checkpoint.DLM_VERSION, "0.1.0");
        meta.put(Checkpoint.OPTIMIZER, "adam");
        meta.put("note", "quote \" backslash \\ newline \n naïve ✓ 😀");
        return new Checkpoint(params, opt, meta);
    }

    @Test
    void savesAndLoadsEverything() throws IOException {
        Path p = dir.resolve("mnist.ckpt.npz");
        Checkpoint c = mnist();
        c.save(p);
        Checkpoint back = Checkpoint.load(p);
        assertEquals(c, back);
        assertEquals(List.copyOf(c.params().keySet()), List.copyOf(back.params().keySet()));
        assertEquals(List.copyOf(c.optimizerState().keySet()), List.copyOf(back.optimizerState().keySet()));
        assertEquals(List.copyOf(c.metadata().keySet()), List.copyOf(back.metadata().keySet()));
    }

    @Test
    void theArchiveIsAPlainNpzWithMetadataFirstAndOptimizerStateLast() throws IOException {
        Path p = dir.resolve("mnist.ckpt.npz");
        mnist().save(p);
        LinkedHashMap<String, Object> raw = Npz.readValues(p);
        assertEquals(List.of("__metadata__", "hidden.W", "hidden.b", "output.W", "output.b",
                "optimizer/iterations", "optimizer/hidden.W/m", "optimizer/hidden.W/v"), List.copyOf(raw.keySet()));
        assertEquals("{\"model\": \"Mnist\", \"step\": \"469\", \"epoch\": \"1\", \"dlm_version\": \"0.1.0\", \"optimizer\": \"adam\", "
                + "\"note\": \"quote \\\" backslash \\\\ newline \\n naïve ✓ 😀\"}", raw.get("__metadata__"));
    }

    @Test
    void loadsACheckpointWrittenByNumpy() throws IOException {
        Checkpoint c = Checkpoint.load(NpzTest.resource("numpy_checkpoint.npz"));
        assertEquals(Map.of("model", "Mnist", "step", "1200", "epoch", "3", "note", "naïve ✓"), c.metadata());
        assertEquals(List.of("hidden.W", "hidden.b"), List.copyOf(c.params().keySet()));
        assertEquals(values(DType.F32, 3, 4), c.params().get("hidden.W"));
        assertEquals(Map.of("hidden.W/m", values(DType.F32, 3, 4), "iterations", Tensor.scalar(DType.I64, 7)), c.optimizerState());
    }

    @Test
    void loadsPlainWeightsWithoutMetadata() throws IOException {
        Checkpoint c = Checkpoint.load(NpzTest.resource("savez.npz"));
        assertEquals(Map.of(), c.metadata());
        assertEquals(Map.of("hidden.W/m", values(DType.F64, 3, 4)), c.optimizerState());
        assertEquals(List.of("hidden.W", "hidden.b", "labels", "step", "mask"), List.copyOf(c.params().keySet()));
    }

    @Test
    void acceptsMetadataAsUtf8Bytes() throws IOException {
        byte[] json = "{\"model\": \"Tiny\", \"step\": 12, \"done\": true, \"skip\": null}".getBytes(StandardCharsets.UTF_8);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("__metadata__", Tensor.wrap(DType.U8, new int[] {json.length}, json));
        m.put("w", values(DType.F32, 2));
        Path p = dir.resolve("bytes.npz");
        Npz.write(m, p);
        Checkpoint c = Checkpoint.load(p);
        assertEquals(Map.of("model", "Tiny", "step", "12", "done", "true"), c.metadata());
        assertEquals(Map.of("w", values(DType.F32, 2)), c.params());
    }

    @Test
    void badMetadataIsReported() throws IOException {
        Path p = dir.resolve("bad.npz");
        Npz.writeValues(Map.of("__metadata__", "{\"model\": [1, 2]}"), p, false);
        assertEquals(p + ": __metadata__ is not a JSON object of strings: nested objects and arrays are not supported at offset 10",
                assertThrows(CheckpointException.class, () -> Checkpoint.load(p)).getMessage());
        Npz.writeValues(Map.of("__metadata__", values(DType.F32, 2)), p, false);
        assertEquals(p + ": __metadata__ must be text (a unicode scalar or uint8 UTF-8 bytes), found f32[2]",
                assertThrows(CheckpointException.class, () -> Checkpoint.load(p)).getMessage());
        Npz.writeValues(Map.of("w", "text where a tensor belongs"), p, false);
        assertEquals(p + ": entry 'w' holds text, not a tensor",
                assertThrows(CheckpointException.class, () -> Checkpoint.load(p)).getMessage());
    }

    @Test
    void saveIsAtomic() throws IOException {
        Path p = dir.resolve("c.npz");
        mnist().save(p);
        byte[] before = Files.readAllBytes(p);
        Checkpoint other = new Checkpoint(Map.of("w", values(DType.F32, 3)));
        Path blocked = dir.resolve("blocked");
        Files.createDirectories(blocked.resolve("x"));
        assertThrows(IOException.class, () -> other.save(blocked));
        assertArrayEquals(before, Files.readAllBytes(p));
        try (var s = Files.list(dir)) {
            assertEquals(List.of("blocked", "c.npz"), s.map(x -> x.getFileName().toString()).sorted().toList());
        }
        other.save(p);
        assertEquals(other, Checkpoint.load(p));
    }

    @Test
    void reservedNamesAreRejected() {
        assertEquals("parameter name 'optimizer/x' is reserved in checkpoints (__metadata__ and the optimizer/ prefix)",
                assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of("optimizer/x", values(DType.F32, 1))))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of("__metadata__", values(DType.F32, 1))));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of("", values(DType.F32, 1))));
    }

    @Test
    void mapsAreCopiedAndReadOnly() {
        Map<String, Tensor> params = new LinkedHashMap<>(Map.of("w", values(DType.F32, 1)));
        Checkpoint c = new Checkpoint(params);
        params.put("v", values(DType.F32, 1));
        assertEquals(List.of("w"), List.copyOf(c.params().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> c.params().put("v", values(DType.F32, 1)));
    }

    // ---- verifyAgainst -----------------------------------------------------------------------

    static Map<String, TensorSpec> mnistSpec(int hidden) {
        Map<String, TensorSpec> m = new LinkedHashMap<>();
        m.put("hidden.W", TensorSpec.of(DType.F32, 784, hidden));
        m.put("hidden.b", TensorSpec.of(DType.F32, hidden));
        m.put("output.W", TensorSpec.of(DType.F32, hidden, 10));
        m.put("output.b", TensorSpec.of(DType.F32, 10));
        return m;
    }

    @Test
    void verifyPassesWhenEverythingMatches() {
        assertDoesNotThrow(() -> mnist().verifyAgainst(mnistSpec(16)));
    }

    @Test
    void verifyListsEveryDifference() {
        Map<String, Tensor> params = new LinkedHashMap<>(mnist().params());
        params.remove("output.b");
        params.put("hidden.b", values(DType.F64, 16));
        params.put("extra.W", values(DType.F32, 3, 3));
        params.put("extra.s", Tensor.scalar(DType.I32, 1));
        Checkpoint c = new Checkpoint(params);
        Map<String, TensorSpec> spec = mnistSpec(512);
        spec.put("scale", TensorSpec.of(DType.F32));

        CheckpointException e = assertThrows(CheckpointException.class, () -> c.verifyAgainst(spec));
        assertEquals("""
                checkpoint does not match the model (7 problems):
                  hidden.W: checkpoint has f32[784, 16], model needs f32[784, 512]
                  hidden.b: checkpoint has f64[16], model needs f32[512]
                  output.W: checkpoint has f32[16, 10], model needs f32[512, 10]
                  output.b: missing (model needs f32[10])
                  scale: missing (model needs f32)
                  extra.W: not in the model (checkpoint has f32[3, 3])
                  extra.s: not in the model (checkpoint has i32)""", e.getMessage());
        assertEquals(7, e.problems().size());
        assertEquals("output.b: missing (model needs f32[10])", e.problems().get(3));
    }

    @Test
    void verifyReportsADtypeMismatchAlone() {
        Checkpoint c = new Checkpoint(Map.of("b", values(DType.F16, 10)));
        CheckpointException e = assertThrows(CheckpointException.class, () -> c.verifyAgainst(Map.of("b", TensorSpec.of(DType.F32, 10))));
        assertEquals("checkpoint does not match the model (1 problem):\n  b: checkpoint has f16[10], model needs f32[10]", e.getMessage());
    }

    @Test
    void tensorSpecsPrintAndCompare() {
        assertEquals("f32[784, 512]", TensorSpec.of(DType.F32, 784, 512).toString());
        assertEquals("u8", TensorSpec.of(DType.U8).toString());
        assertEquals(TensorSpec.of(DType.F32, 2, 3), TensorSpec.of(values(DType.F32, 2, 3)));
        assertTrue(TensorSpec.of(DType.F32, 2, 3).matches(values(DType.F32, 2, 3)));
    }
}
