package dlm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.io.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every failure of loading is a typed exception that says what and where. */
class ErrorsTest {

    @Test
    void aProgramErrorIsLocatedInTheFile(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.dlm");
        Files.writeString(bad, Files.readString(Mnist.dlm()).replace("activation = ::relu", "activation = ::rellu"));
        var e = assertThrows(DlmCompileException.class, () -> DlmModel.load(bad, Mnist.weights()));
        assertEquals(bad.toString(), e.file());
        assertEquals(7, e.line());
        assertEquals(Files.readString(bad).lines().toList().get(6).indexOf("::rellu") + 1, e.column()); // 53
        assertEquals(bad + ":7:53: error: " + e.reason(), e.getMessage());
        assertTrue(e.reason().contains("rellu"), e.reason());
        List<String> lines = e.render().lines().toList();
        assertEquals(e.getMessage(), lines.get(0));
        assertTrue(lines.get(1).contains("activation = ::rellu"), e.render());
        assertEquals("^", lines.get(2).strip().substring(0, 1), e.render());
        assertEquals(lines.get(1).indexOf("::rellu"), lines.get(2).indexOf('^'), e.render());
    }

    @Test
    void aProgramErrorInAResourceIsLocatedAtTheResource(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("m.dlm"), "model M(x: f32[batch, 4]) {\n    return x +\n}\n");
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, null)) {
            var e = assertThrows(DlmCompileException.class, () -> DlmModel.load(loader, "m.dlm", "w.npz"));
            assertEquals("m.dlm", e.file());
            assertEquals(3, e.line());
        }
    }

    @Test
    void aFileWithoutATrainBlockIsRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.dlm");
        Files.writeString(f, "model M(x: f32[batch, 4]) {\n    return x * 2f\n}\n");
        var e = assertThrows(DlmModelException.class, () -> DlmModel.load(f, Mnist.weights()));
        assertEquals(f + " has no train(Model) { … } block: the model to load is the one a single train block names", e.getMessage());
    }

    @Test
    void weightsThatDoNotFitListEveryProblem(@TempDir Path dir) throws Exception {
        Map<String, Tensor> params = new LinkedHashMap<>(Checkpoint.load(Mnist.weights()).params());
        List<String> names = List.copyOf(params.keySet());
        Tensor first = params.get(names.get(0));
        // the first array mis-shaped, the last missing, one the model does not have
        params.put(names.get(0), Tensor.zeros(DType.F32, first.dim(0), first.dim(1) + 1));
        Tensor last = params.remove(names.get(names.size() - 1));
        params.put("extra.W", Tensor.zeros(DType.F32, 3, 3));
        Path w = dir.resolve("w.npz");
        new Checkpoint(params).save(w);
        var e = assertThrows(WeightsException.class, () -> DlmModel.load(Mnist.dlm(), w));
        String shape0 = "f32[" + first.dim(0) + ", " + first.dim(1) + "]", bad0 = "f32[" + first.dim(0) + ", " + (first.dim(1) + 1) + "]";
        assertEquals(List.of(
                names.get(0) + ": checkpoint has " + bad0 + ", model needs " + shape0,
                names.get(names.size() - 1) + ": missing (model needs " + dlm.runtime.io.TensorSpec.of(last) + ")",
                "extra.W: not in the model (checkpoint has f32[3, 3])"), e.problems());
        assertTrue(e.getMessage().startsWith(w + " does not fit model Mnist: checkpoint does not match the model (3 problems):"), e.getMessage());
    }

    @Test
    void nonFiniteWeightsAreRefused(@TempDir Path dir) throws Exception {
        Map<String, Tensor> params = new LinkedHashMap<>(Checkpoint.load(Mnist.weights()).params());
        String name = params.keySet().iterator().next();
        Tensor t = params.get(name).copy();
        t.f32Storage()[5] = Float.NaN;
        t.f32Storage()[9] = Float.NEGATIVE_INFINITY;
        params.put(name, t);
        Path w = dir.resolve("w.npz");
        new Checkpoint(params).save(w);
        var e = assertThrows(WeightsException.class, () -> DlmModel.load(Mnist.dlm(), w));
        assertEquals(List.of(name + ": holds 2 non-finite values (NaN or ±inf) of " + String.format(java.util.Locale.ROOT, "%,d", t.size())), e.problems());
    }

    @Test
    void aFileThatIsNotAnNpzIsAnIOException(@TempDir Path dir) throws Exception {
        Path w = dir.resolve("w.npz");
        Files.writeString(w, "not a zip");
        var e = assertThrows(java.io.IOException.class, () -> DlmModel.load(Mnist.dlm(), w));
        assertTrue(e.getMessage().contains(w.toString()), e.getMessage());
    }

    @Test
    void everyApiExceptionIsADlmModelException() {
        for (Class<?> c : List.of(DlmCompileException.class, WeightsException.class, InputException.class))
            assertTrue(DlmModelException.class.isAssignableFrom(c), c.getName());
    }
}
