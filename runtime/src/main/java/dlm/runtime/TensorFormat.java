package dlm.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Prints tensors the way NumPy's {@code repr} and {@code str} do with the default print
 * options (line width 75, threshold 1000, 3 edge items, precision 8), so that DLM output can
 * be compared with the chapter's Python sessions line for line.
 *
 * <p>The layout is a port of NumPy's {@code _formatArray}; the element formats are ports of
 * its {@code IntegerFormat}, {@code BoolFormat} and {@code FloatingFormat} ({@link FloatFormat}).
 * DLM differences: the dtype suffix uses DLM names and is left out for DLM's default dtypes
 * (i32, f32, bool) instead of NumPy's (int64, float64, bool); a summarized array does not get
 * NumPy 2.2's {@code shape=} suffix, matching the book's outputs
 * ({@code array([5, 0, 4, ..., 5, 6, 8], dtype=u8)}).
 */
public final class TensorFormat {
    private TensorFormat() {}

    private static final int LINE_WIDTH = 75;
    private static final int THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;

    /** NumPy's {@code repr}: {@code array([12,  3,  6, 14,  7])}. */
    public static String repr(Tensor t) {
        String prefix = "array(";
        // NumPy reserves room for the closing parenthesis when wrapping.
        String body = t.size() == 0 ? "[]" : layout(t, ", ", prefix, LINE_WIDTH - 1);
        List<String> extras = new ArrayList<>();
        if (t.size() == 0 && t.rank() != 1) extras.add("shape=" + shapeTuple(t.shape()));
        if (!dtypeImplied(t)) extras.add("dtype=" + t.dtype().dlmName());
        if (extras.isEmpty()) return prefix + body + ")";
        String head = prefix + body + ",";
        String tail = String.join(", ", extras) + ")";
        int lastLine = head.length() - (head.lastIndexOf('\n') + 1);
        String spacer = lastLine + tail.length() + 1 > LINE_WIDTH ? "\n" + " ".repeat(prefix.length()) : " ";
        return head + spacer + tail;
    }

    /** NumPy's {@code str}: {@code [12  3  6 14  7]}; a rank-0 tensor prints as its scalar. */
    public static String str(Tensor t) {
        if (t.rank() == 0) {
            return switch (t.dtype()) {
                case BOOL -> t.getLong(0) != 0 ? "True" : "False";
                case F16, F32, F64 -> FloatFormat.scalar(t.dtype(), t.getDouble(0));
                default -> Long.toString(t.getLong(0));
            };
        }
        return t.size() == 0 ? "[]" : layout(t, " ", "", LINE_WIDTH);
    }

    /**
     * Whether the elements alone tell the dtype: DLM reads {@code 12} as i32, {@code 1.5} as f32
     * and {@code True} as bool; an empty {@code []} reads as f32 only.
     */
    private static boolean dtypeImplied(Tensor t) {
        DType d = t.dtype();
        return t.size() == 0 ? d == DType.F32 : d == DType.I32 || d == DType.F32 || d == DType.BOOL;
    }

    /** A Python tuple: {@code (2, 0)}, {@code (5,)}. */
    private static String shapeTuple(int[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) b.append(i > 0 ? ", " : "").append(shape[i]);
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }

    // ---- layout --------------------------------------------------------------------------------

    /** NumPy's {@code _array2string} + {@code _formatArray}. */
    private static String layout(Tensor t, String separator, String prefix, int lineWidth) {
        boolean summarize = t.size() > THRESHOLD;
        IntFunction<String> element = elementFormat(t, shownIndices(t.shape(), summarize));
        Layout l = new Layout(t.shape(), Tensor.strides(t.shape()), summarize, separator, element);
        return l.recurse(0, 0, " " + " ".repeat(prefix.length()), lineWidth);
    }

    private record Layout(int[] shape, int[] strides, boolean summarize, String separator,
                          IntFunction<String> element) {

        String recurse(int axis, int offset, String hangingIndent, int width) {
            if (axis == shape.length) return element.apply(offset);
            String nextIndent = hangingIndent + " ";
            int nextWidth = width - 1; // room for this level's ']'
            int len = shape[axis];
            boolean summary = summarize && len > 2 * EDGE_ITEMS;
            int leading = summary ? EDGE_ITEMS : 0;
            int trailing = summary ? EDGE_ITEMS : len;
            StringBuilder s = new StringBuilder();
            if (axis == shape.length - 1) {
                // The innermost axis: elements on lines, wrapped to the width.
                int elemWidth = width - Math.max(separator.stripTrailing().length(), 1);
                StringBuilder line = new StringBuilder(hangingIndent);
                for (int i = 0; i < leading; i++) {
                    extendLine(s, line, recurse(axis + 1, offset + i * strides[axis], nextIndent, nextWidth), elemWidth, hangingIndent);
                    line.append(separator);
                }
                if (summary) {
                    extendLine(s, line, "...", elemWidth, hangingIndent);
                    line.append(separator);
                }
                for (int i = trailing; i >= 1; i--) {
                    extendLine(s, line, recurse(axis + 1, offset + (len - i) * strides[axis], nextIndent, nextWidth), elemWidth, hangingIndent);
                    if (i > 1) line.append(separator);
                }
                s.append(line);
            } else {
                // Outer axes: one sub-array per line, with blank lines between blocks of rank ≥ 2.
                String lineSep = separator.stripTrailing() + "\n".repeat(shape.length - axis - 1);
                for (int i = 0; i < leading; i++)
                    s.append(hangingIndent).append(recurse(axis + 1, offset + i * strides[axis], nextIndent, nextWidth)).append(lineSep);
                if (summary) s.append(hangingIndent).append("...").append(lineSep);
                for (int i = trailing; i >= 1; i--) {
                    s.append(hangingIndent).append(recurse(axis + 1, offset + (len - i) * strides[axis], nextIndent, nextWidth));
                    if (i > 1) s.append(lineSep);
                }
            }
            return "[" + s.substring(hangingIndent.length()) + "]";
        }

        /** NumPy's {@code _extendLine}: wraps unless the line holds nothing but its indent. */
        private static void extendLine(StringBuilder s, StringBuilder line, String word, int width, String indent) {
            if (line.length() + word.length() > width && line.length() > indent.length()) {
                s.append(line.toString().stripTrailing()).append('\n');
                line.setLength(0);
                line.append(indent);
            }
            line.append(word);
        }
    }

    /** Flat indices of the elements that will be printed (the corners when summarizing). */
    private static int[] shownIndices(int[] shape, boolean summarize) {
        List<Integer> out = new ArrayList<>();
        collect(shape, Tensor.strides(shape), summarize, 0, 0, out);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void collect(int[] shape, int[] strides, boolean summarize, int axis, int offset, List<Integer> out) {
        if (axis == shape.length) {
            out.add(offset);
            return;
        }
        int len = shape[axis];
        for (int i = 0; i < len; i++) {
            if (summarize && len > 2 * EDGE_ITEMS && i == EDGE_ITEMS) i = len - EDGE_ITEMS;
            collect(shape, strides, summarize, axis + 1, offset + i * strides[axis], out);
        }
    }

    // ---- element formats -----------------------------------------------------------------------

    /** The element printer, its widths chosen from the printed elements as NumPy does. */
    private static IntFunction<String> elementFormat(Tensor t, int[] shown) {
        DType d = t.dtype();
        if (d.isBool()) {
            // " True" lines up with "False", except in a rank-0 array.
            String trueStr = t.rank() == 0 ? "True" : " True";
            return i -> t.getLong(i) != 0 ? trueStr : "False";
        }
        if (d.isInteger()) {
            int width = 0;
            for (int i : shown) width = Math.max(width, Long.toString(t.getLong(i)).length());
            int w = width;
            return i -> {
                String s = Long.toString(t.getLong(i));
                return " ".repeat(w - s.length()) + s;
            };
        }
        double[] values = new double[shown.length];
        for (int k = 0; k < shown.length; k++) values[k] = t.getDouble(shown[k]);
        FloatFormat f = new FloatFormat(d, values);
        return i -> f.format(t.getDouble(i));
    }
}
