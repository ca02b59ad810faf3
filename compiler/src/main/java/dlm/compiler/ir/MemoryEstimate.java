package dlm.compiler.ir;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The memory a graph's tensors need when it runs, estimated before anything is allocated, so that
 * a model too large for the JVM's heap is refused with a located message naming its biggest
 * tensors and how to give the JVM more memory — not an {@link OutOfMemoryError} part-way
 * through.
 *
 * <p>The estimate counts tensors at their shapes with the symbolic dims bound (the batch size):
 * params, optimizer slots, gradients and activations (see {@link #training}). It leans high — the
 * compiled step reuses buffers and fuses element-wise chains — and is compared with what the heap
 * still has room for ({@link Runtime#maxMemory} less what is in use, data sets included).
 */
public final class MemoryEstimate {
    /** One tensor: what it is, its type with the symbolic dims bound, its size and where it is made. */
    public record Item(String name, String type, long elements, long bytes, SourceSpan span) {}

    private final List<Item> items = new ArrayList<>();
    private long total;

    private MemoryEstimate() {}

    /**
     * A training step's graph, each symbolic dim (the batch) taken as {@code symbolSize}: every
     * param, its gradient, every input (the batch, optimizer slots), constant, and every value
     * whose shape depends on the batch (activations and their gradients). Values of fixed shape
     * computed from params (update temporaries) are fused or reuse the gradient's buffer, so they
     * are not counted again.
     */
    public static MemoryEstimate training(Graph g, long symbolSize) {
        MemoryEstimate m = new MemoryEstimate();
        for (Node n : g.nodes()) {
            boolean stored = n.is("param") || n.is("input") || n.is("constant");
            if (stored || !n.type().shape().isKnown()) m.add(n, symbolSize);
            if (n.is("param")) m.add("gradient of " + n.name(), n.type(), symbolSize, n.span());
        }
        return m;
    }

    /** Every node of a graph with static shapes (a model run on its default inputs). */
    public static MemoryEstimate allNodes(Graph g) {
        MemoryEstimate m = new MemoryEstimate();
        for (Node n : g.nodes()) m.add(n, 1);
        return m;
    }

    private void add(Node n, long symbolSize) {
        add(n.name() != null ? n.name() : n.label() + " (" + n.opName() + ")", n.type(), symbolSize, n.span());
    }

    /** Refuses, at {@code span}, to make one tensor of {@code type} that the heap has no room for. */
    public static void requireTensor(String name, TensorType type, SourceSpan span) {
        MemoryEstimate m = new MemoryEstimate();
        m.add(name, type, 1, span);
        m.require(span, "this " + type + " tensor", available());
    }

    private void add(String name, TensorType type, long symbolSize, SourceSpan span) {
        long elements = 1;
        List<String> dims = new ArrayList<>();
        for (Dim d : type.shape().dims()) {
            long size = d.coefficient();
            for (int i = 0; i < d.symbols().size(); i++) size = saturatedTimes(size, symbolSize);
            dims.add(Long.toString(size));
            elements = saturatedTimes(elements, size);
        }
        long n = saturatedTimes(elements, type.dtype().bytes());
        items.add(new Item(name, type.dtype().dlmName() + "[" + String.join(", ", dims) + "]", elements, n, span));
        total = n > Long.MAX_VALUE - total ? Long.MAX_VALUE : total + n;
    }

    private static long saturatedTimes(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        return hi != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    public long total() { return total; }

    public List<Item> items() { return List.copyOf(items); }

    /** {@link #require} located at the biggest tensor (for a script, whose values have no one place). */
    public void requireAtBiggest(String what, long available) {
        SourceSpan at = items.stream().max(Comparator.comparingLong(Item::bytes)).map(Item::span).orElse(SourceSpan.NONE);
        require(at, what, available);
    }

    /** Bytes the heap can still take: the JVM's maximum less what is allocated now. */
    public static long available() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * Throws a {@link DlmException} at {@code at} when the estimate exceeds {@code available}
     * bytes: {@code what} needs about X, more than the heap has room for, the biggest tensors,
     * and the {@code DLM_JAVA_OPTS=-Xmx…} that would give the JVM enough memory.
     */
    public void require(SourceSpan at, String what, long available) {
        // With the batch size bound, a shape may exceed what one tensor can hold: located at the value itself.
        for (Item i : items)
            if (i.elements() > Dim.MAX_ELEMENTS)
                throw new DlmException(i.span() != null && !i.span().isNone() ? i.span() : at, what + ": " + i.name() + " would be " + i.type() + ", "
                        + (i.elements() == Long.MAX_VALUE ? "more than 2^63" : Long.toString(i.elements())) + " elements, more than a tensor can hold ("
                        + Dim.MAX_ELEMENTS + ", 2^31 - 1)");
        if (total <= available) return;
        long max = Runtime.getRuntime().maxMemory();
        long used = max - available;
        // enough for this, what is already in use, and a quarter to spare for the rest
        long wantGiB = Math.max(1, (long) Math.ceil(Math.min((double) Long.MAX_VALUE, (total + (double) Math.max(used, 0)) * 1.25) / (1L << 30)));
        String message = what + " needs about " + bytes(total) + " of memory, more than the " + bytes(Math.max(available, 0))
                + " the JVM has left (its heap is at most " + bytes(max) + ")";
        StringBuilder sb = new StringBuilder("  biggest tensors:");
        List<Item> biggest = items.stream().sorted(Comparator.comparingLong(Item::bytes).reversed()).limit(5).toList();
        int w = biggest.stream().mapToInt(i -> i.name().length()).max().orElse(0);
        int tw = biggest.stream().mapToInt(i -> i.type().length()).max().orElse(0);
        for (Item i : biggest) {
            sb.append(String.format(Locale.ROOT, "%n    %-" + w + "s  %-" + tw + "s  %9s", i.name(), i.type(), bytes(i.bytes())));
            if (i.span() != null && !i.span().isNone()) sb.append("  ").append(i.span().location());
        }
        sb.append("\n  give the JVM more memory, e.g. DLM_JAVA_OPTS=-Xmx").append(wantGiB).append("g (if the machine has it), or make the tensors smaller");
        String notes = sb.toString();
        throw new DlmException(at, message) {
            @Override
            public String render() { return super.render() + "\n" + notes; }
        };
    }

    /** 1.5 GB, 12.0 MB, 512 B (binary units, as Keras' summary prints them). */
    public static String bytes(long b) {
        if (b == Long.MAX_VALUE) return "more than 8 EB";
        String[] units = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
        return u == 0 ? b + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
