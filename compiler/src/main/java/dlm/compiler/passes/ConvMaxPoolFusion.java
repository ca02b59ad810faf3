package dlm.compiler.passes;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.exec.ConvPool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuses a first convolution layer with the max pooling of its output: {@code maxPool2d(conv2d(x, k, b))}
 * (after {@link ConvEpilogueFusion}, with or without relu) becomes {@code conv2dMaxPool(x, k, b)},
 * whose [0] half is the pooled values and [1] half each window's winner; in the backward pass, one
 * {@code conv2dMaxPoolBackpropFilter(x, winners, dy)} gives both
 * {@code conv2dBackpropFilter(x, maxPool2dBackprop(conv, dy))} (its first rows, reshaped) and the bias
 * gradient {@code sum(maxPool2dBackprop(conv, dy), [0, 1, 2])} (its last row). The convolution's
 * output — four times the pooled values — and its gradient are never stored: a first layer's step
 * is bound by memory.
 *
 * <p>Applies when the kernel has few taps ({@link ConvPool#fuses}: recomputing nothing, the kernel
 * is direct), the dtype is f32, and the convolution's output is read only by that pooling and by
 * its gradients (relu's mask folded, as {@link MaxPoolReluMaskFusion} leaves them), each of which
 * is read only by the kernel gradient and bias sums above: so not when x itself needs a gradient
 * (a later layer), which needs the convolution's output gradient whole.
 *
 * <p>The pooled values are the unfused kernels' bits; the kernel and bias gradients differ from
 * theirs by rounding (the same terms added in another order), as every fused kernel form may.
 */
public final class ConvMaxPoolFusion implements KernelFusionPass {

    @Override
    public String name() { return "conv-maxpool"; }

    @Override
    public String summary() { return "a first layer's conv2d and maxPool2d in one kernel; its kernel gradient from the pooling's winners"; }

    @Override
    public int fired(Graph g) { return (int) g.nodes().stream().filter(n -> n.is("conv2dMaxPool")).count(); }

    /** One fusion: the convolution, its pooling, the pooling's gradients and what reads them. */
    private record Site(Node conv, Node pool, List<Node> grads, List<Node> filters, List<Node> sums) {}

    /** Off switch for measurements ({@code -Ddlm.fusion.convMaxPool=false}): the unfused kernels. */
    private static boolean enabled() { return !"false".equals(System.getProperty("dlm.fusion.convMaxPool")); }

    @Override
    public PassResult run(Graph g) {
        if (!enabled()) return Rewriter.copyOf(g);
        Map<Node, List<Node>> readers = new IdentityHashMap<>();
        for (Node n : g.nodes()) for (Node i : n.inputs()) readers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
        Set<Node> outputs = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        outputs.addAll(g.outputs().values());
        Map<Node, Site> byNode = new IdentityHashMap<>();
        for (Node pool : g.nodes()) {
            Site s = pool.is("maxPool2d") ? site(pool, readers, outputs) : null;
            if (s == null) continue;
            byNode.put(s.conv(), s);
            byNode.put(s.pool(), s);
            for (Node n : s.grads()) byNode.put(n, s);
            for (Node n : s.filters()) byNode.put(n, s);
            for (Node n : s.sums()) byNode.put(n, s);
        }
        if (byNode.isEmpty()) return Rewriter.copyOf(g);
        Rewriter rw = new Rewriter(g);
        Map<Site, Made> made = new IdentityHashMap<>();
        for (Node n : g.nodes()) {
            Site s = byNode.get(n);
            if (s == null) {
                rw.copy(n);
            } else if (n == s.conv() || s.grads().contains(n)) {
                rw.drop(n);
            } else if (n == s.pool()) {
                Node conv = s.conv();
                Attrs a = Attrs.of("strides", conv.attrs().getInts("strides"), "dilation", conv.attrs().getInts("dilation"),
                        "padding", conv.attrs().getInts("padding"), "relu", conv.attrs().getBool("relu", false),
                        "pool", n.attrs().getInts("pool"), "poolStrides", n.attrs().getInts("strides"), "poolPadding", n.attrs().getInts("padding"));
                Node both = required(rw.create(n, "conv2dMaxPool", rw.inputsOf(conv), a));
                Node pooled = half(rw, n, both, 0);
                made.put(s, new Made(pooled, s.grads().isEmpty() ? null : half(rw, n, both, 1), a, null));
                rw.replace(n, pooled);
            } else { // a kernel gradient or a bias sum: views of the one fused gradient
                Made m = made.get(s);
                Node grads = m.grads();
                if (grads == null) {
                    Node dy = rw.get(s.grads().get(0).input(1));
                    Node conv = s.conv();
                    Attrs a = m.attrs().with("kernelSize", new int[] {conv.input(1).type().shape().dim(0).size(), conv.input(1).type().shape().dim(1).size()});
                    grads = required(rw.create(n, "conv2dMaxPoolBackpropFilter", List.of(rw.get(conv.input(0)), m.codes(), dy), a));
                    made.put(s, m = new Made(m.pooled(), m.codes(), m.attrs(), grads));
                }
                int rows = grads.type().shape().dim(0).size() - 1;
                Node part = rows(rw, n, grads, n.is("sum") ? rows : 0, n.is("sum") ? rows + 1 : rows);
                rw.replace(n, required(rw.create(n, "reshape", List.of(part), Attrs.of("shape", n.type().shape()))));
            }
        }
        return rw.finish();
    }

    /**
     * What the pooling became: the pooled values, the winner codes (null without gradients), the
     * fused op's attrs, and the fused gradient once made (all of a site's gradients read the same dy).
     */
    private record Made(Node pooled, Node codes, Attrs attrs, Node grads) {}

    /** Rows [from, to) of a value: a slice of the leading axis (a view). */
    private static Node rows(Rewriter rw, Node origin, Node x, int from, int to) {
        return required(rw.create(origin, "slice", List.of(x),
                Attrs.of("axes", new int[] {0}, "starts", new int[] {from}, "stops", new int[] {to}, "steps", new int[] {1})));
    }

    /** [i] of the fused result: a slice of the leading axis, squeezed (views, no copy). */
    private static Node half(Rewriter rw, Node origin, Node both, int i) {
        return required(rw.create(origin, "squeeze", List.of(rows(rw, origin, both, i, i + 1)), Attrs.of("axes", new int[] {0})));
    }

    private static Node required(Node n) {
        if (n == null) throw new IllegalStateException("conv-maxpool: an op rejected the fused form's types");
        return n;
    }

    /** The fusion of this pooling, or null when it does not apply. */
    private static Site site(Node pool, Map<Node, List<Node>> readers, Set<Node> outputs) {
        Node conv = pool.input(0);
        if (!conv.is("conv2d") || outputs.contains(conv) || conv.type().dtype() != DType.F32) return null;
        var k = conv.input(1).type().shape();
        if (!k.dim(0).isKnown() || !k.dim(1).isKnown() || !k.dim(2).isKnown() || !ConvPool.fuses(k.dim(0).size(), k.dim(1).size(), k.dim(2).size()))
            return null;
        boolean relu = conv.attrs().getBool("relu", false);
        List<Node> grads = new ArrayList<>(), filters = new ArrayList<>(), sums = new ArrayList<>();
        for (Node r : readers.getOrDefault(conv, List.of())) {
            if (r == pool) continue;
            if (!r.is("maxPool2dBackprop") || r.input(0) != conv || r.attrs().getBool("relu", false) != relu || !same(r, pool, "pool", "strides", "padding")
                    || outputs.contains(r))
                return null;
            grads.add(r);
            for (Node u : readers.getOrDefault(r, List.of())) {
                if (u.is("conv2dBackpropFilter") && u.input(0) == conv.input(0) && u.input(1) == r && same(u, conv, "strides", "dilation", "padding")) filters.add(u);
                else if (u.is("sum") && Arrays.equals(u.attrs().getInts("axes"), new int[] {0, 1, 2}) && !u.attrs().getBool("keepdims", false)) sums.add(u);
                else return null;
            }
        }
        if (readers.getOrDefault(conv, List.of()).stream().filter(r -> r == pool).count() != 1 || grads.size() > 1) return null;
        return new Site(conv, pool, grads, filters, sums);
    }

    /** Whether two nodes' int-array attrs {@code keys} are equal. */
    private static boolean same(Node a, Node b, String... keys) {
        for (String key : keys)
            if (!Arrays.equals(a.attrs().getInts(key), b.attrs().getInts(key))) return false;
        return true;
    }
}
