package dlm.runtime.io;

import static dlm.runtime.io.NpyTest.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Has NumPy itself read what we write, when python3 with numpy is installed; skipped otherwise
 * (the committed reference files already pin the format, this closes the loop).
 */
class NumpyInteropTest {

    @TempDir
    Path dir;

    private static boolean numpyAvailable;

    @BeforeAll
    static void probe() {
        try {
            numpyAvailable = python("import numpy").exitCode == 0;
        } catch (IOException e) {
            numpyAvailable = false;
        }
    }

    private record Result(int exitCode, String out) {}

    private static Result python(String script, String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of("python3", "-c", script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out);
            }
            return new Result(p.exitValue(), out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Per member: name|dtype.str|shape|little-endian C-order data hex, as numpy.load sees it. */
    private static final String DUMP = """
            import sys, numpy as np
            with np.load(sys.argv[1]) as z:
                for k in z.files:
                    a = z[k]
                    if a.dtype.kind == 'U':
                        print(k + '|text|' + str(a).encode('unicode_escape').decode('ascii'))
                    else:
                        le = a.astype(a.dtype.newbyteorder('<'))
                        print(k + '|' + le.dtype.str + '|' + ','.join(map(str, a.shape)) + '|' + np.ascontiguousarray(le).tobytes().hex())
            """;

    private static String expectedLine(String name, Tensor t) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(t, out);
        byte[] b = out.toByteArray();
        int dataBytes = t.size() * t.dtype().bytes();
        String hex = HexFormat.of().formatHex(b, b.length - dataBytes, b.length);
        StringBuilder shape = new StringBuilder();
        for (int i = 0; i < t.rank(); i++) shape.append(i > 0 ? "," : "").append(t.dim(i));
        return name + "|" + Npy.descr(t.dtype()) + "|" + shape + "|" + hex;
    }

    @Test
    void numpyLoadsOurNpzFiles() throws IOException {
        assumeTrue(numpyAvailable, "python3 with numpy is not installed");
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (DType dt : DType.values()) m.put("a." + dt.dlmName() + "/x", values(dt, 2, 3));
        m.put("scalar", Tensor.scalar(DType.F64, -1.5));
        m.put("empty", Tensor.zeros(DType.I32, 0, 4));
        for (boolean compressed : new boolean[] {false, true}) {
            Path p = dir.resolve(compressed ? "c.npz" : "s.npz");
            Npz.writeValues(m, p, compressed);
            Result r = python(DUMP, p.toString());
            assertEquals(0, r.exitCode, r.out);
            StringBuilder expected = new StringBuilder();
            for (var e : m.entrySet()) expected.append(expectedLine(e.getKey(), e.getValue())).append('\n');
            assertEquals(expected.toString(), r.out);
        }
    }

    @Test
    void numpyReadsCheckpointMetadataWithoutPickle() throws IOException {
        assumeTrue(numpyAvailable, "python3 with numpy is not installed");
        Path p = dir.resolve("ckpt.npz");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", "Mnist");
        meta.put("note", "naïve ✓ \"quoted\"");
        new Checkpoint(Map.of("hidden.W", values(DType.F32, 2, 2)), Map.of("hidden.W/m", values(DType.F32, 2, 2)), meta).save(p);
        Result r = python("""
                import sys, json, numpy as np
                z = np.load(sys.argv[1], allow_pickle=False)
                print(sorted(z.files))
                print(json.loads(str(z['__metadata__'])) == {'model': 'Mnist', 'note': 'naïve ✓ "quoted"'})
                print(z['optimizer/hidden.W/m'].tolist())
                """, p.toString());
        assertEquals(0, r.exitCode, r.out);
        assertEquals("['__metadata__', 'hidden.W', 'optimizer/hidden.W/m']\nTrue\n[[-0.8333333134651184, -0.5], [-0.1666666716337204, 0.1666666716337204]]\n", r.out);
    }
}
