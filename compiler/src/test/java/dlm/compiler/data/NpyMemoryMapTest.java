package dlm.compiler.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * npy(…) reads through a memory map: a float64 array larger than a child JVM's whole heap
 * (-Xmx64m) loads as the model's u8 rows, every value and label accounted for.
 */
class NpyMemoryMapTest {
    @TempDir
    Path tmp;

    private static final int ROWS = 600_000, COLS = 16;

    /** A little-endian float64 .npy of shape rows (× cols when cols > 0), element k = value(k), written row by row. */
    private static void writeF64(Path p, int rows, int cols, java.util.function.LongToDoubleFunction value) throws IOException {
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + rows + (cols > 0 ? ", " + cols + ")" : ",)") + ", }";
        int pad = 64 - (10 + header.length() + 1) % 64;
        String h = header + " ".repeat(pad) + "\n";
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(p), 1 << 16)) {
            o.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) (h.length() & 0xFF), (byte) (h.length() >> 8)});
            o.write(h.getBytes(StandardCharsets.ISO_8859_1));
            int per = Math.max(cols, 1);
            ByteBuffer row = ByteBuffer.allocate(8 * per).order(ByteOrder.LITTLE_ENDIAN);
            for (long r = 0; r < rows; r++) {
                row.clear();
                for (int c = 0; c < per; c++) row.putDouble(value.applyAsDouble(r * per + c));
                o.write(row.array());
            }
        }
    }

    @Test
    void anArrayLargerThanTheHeapLoadsThroughAMap() throws Exception {
        Path x = tmp.resolve("x.npy"), y = tmp.resolve("y.npy");
        writeF64(x, ROWS, COLS, k -> k % 251);
        writeF64(y, ROWS, 0, k -> k % 3);
        Path f = Files.writeString(tmp.resolve("m.dlm"), """
                import std.nn.*
                model M(x: u8[batch, 16]) {
                    return dense(x.toF32(), units = 3, activation = ::softmax)
                }
                train(M) {
                    data = split(npy("x.npy", target = "y.npy"), test = 0.1, seed = 3)
                    loss = ::sparseCategoricalCrossentropy
                    optimizer = sgd()
                }
                """);
        long xsum = 0, ysum = 0;
        for (long k = 0; k < (long) ROWS * COLS; k++) xsum += k % 251;
        for (long k = 0; k < ROWS; k++) ysum += k % 3;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"), MappedLoadMain.class.getName(), f.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String[] w = out.strip().split(" ");
        assertTrue(Files.size(x) > Long.parseLong(w[1]), "the file (" + Files.size(x) + " bytes) must be larger than the child's heap: " + out);
        assertEquals("rows 540000 60000 xsum " + xsum + " ysum " + ysum + " u8", out.strip().substring(out.indexOf("rows")), out);
    }
}
