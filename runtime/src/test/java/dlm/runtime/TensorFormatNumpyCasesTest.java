package dlm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden cases written by NumPy itself ({@code numpy_format_cases.py} beside the data file):
 * every dtype, ranks 0 to 4, empty and summarized arrays, nan/inf, random bit patterns.
 */
class TensorFormatNumpyCasesTest {

    @Test
    void matchesNumpy() throws IOException {
        List<String> failures = new ArrayList<>();
        int cases = 0;
        try (var in = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("numpy_format_cases.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; cases++) {
                String[] f = line.split("\\|", -1);
                Tensor t = parse(f[0], f[1], f[2]);
                String repr = unescape(f[3]), str = unescape(f[4]);
                if (!TensorFormat.repr(t).equals(repr)) failures.add("expected\n" + repr + "\ngot\n" + TensorFormat.repr(t));
                if (!TensorFormat.str(t).equals(str)) failures.add("expected\n" + str + "\ngot\n" + TensorFormat.str(t));
            }
        }
        assertTrue(cases > 250, "only " + cases + " cases read");
        assertEquals(List.of(), failures.subList(0, Math.min(3, failures.size())), failures.size() + " mismatches");
    }

    private static Tensor parse(String dtype, String shape, String values) {
        DType t = DType.fromDlmName(dtype);
        int[] dims = shape.isEmpty() ? new int[0] : Arrays.stream(shape.split(",")).mapToInt(Integer::parseInt).toArray();
        Tensor x = Tensor.zeros(t, dims);
        String[] v = values.isEmpty() ? new String[0] : values.split(" ");
        for (int i = 0; i < v.length; i++) {
            switch (t) {
                case F16 -> x.setDouble(i, Float.float16ToFloat((short) Integer.parseInt(v[i], 16)));
                case F32 -> x.setDouble(i, Float.intBitsToFloat(Integer.parseUnsignedInt(v[i], 16)));
                case F64 -> x.setDouble(i, Double.longBitsToDouble(Long.parseUnsignedLong(v[i], 16)));
                default -> x.setLong(i, Long.parseLong(v[i]));
            }
        }
        return x;
    }

    private static String unescape(String s) { return s.replace("\\n", "\n"); }
}
