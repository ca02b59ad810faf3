package dlm.compiler.codegen;

import dlm.compiler.codegen.Planner.Info;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A product's left operand that is an element-wise function of one u8 array (the model's
 * {@code images.toF32() / 255f}) is read by the product straight from the bytes, through a
 * 256-entry table of that function computed here with the reference evaluation (so every
 * element is exactly what the interpreter computes). When products are its only readers, the
 * float copy of the batch is never written: its loop disappears, and the product's packing,
 * which copies op(A) anyway, converts the bytes. Fires once per product reading a table.
 */
final class GemmByteTableRule implements FusionRule {
    @Override
    public String name() { return "gemm-u8-table"; }

    @Override
    public String summary() { return "a product reads an element-wise function of u8 codes through a 256-entry table"; }

    @Override
    public int rewrite(Planner p) {
        int fired = 0;
        for (Unit u : List.copyOf(p.units)) {
            if (!(u instanceof Unit.Gemm g0) || g0.aTable != null || g0.dtype != DType.F32) continue;
            Value x = g0.a;
            if (x.kind != Value.Kind.TEMP || !(x.producer instanceof Unit.Group grp) || x.node == null) continue;
            List<Unit.Gemm> readers = new ArrayList<>();
            boolean onlyProducts = true;
            for (Unit r : p.units) {
                if (!r.reads.contains(x)) continue;
                if (r instanceof Unit.Gemm g && g.a == x && g.b != x && g.bias != x && g.dtype == DType.F32) readers.add(g);
                else onlyProducts = false;
            }
            for (Node o : p.graph.outputs().values()) if (p.info(o).view != null && p.info(o).view.base() == x) onlyProducts = false;
            if (!onlyProducts) continue;
            View[] source = new View[1];
            Tensor table;
            Map<Node, Tensor> chain = new IdentityHashMap<>();
            try {
                table = tabulate(p, grp, x.node, source, chain);
            } catch (NotTabulable | RuntimeException e) {
                continue; // not a function of one byte (or an op whose evaluation needs more): the product reads floats
            }
            View src = source[0];
            if (src == null || table.dtype() != DType.F32 || table.size() != 256 || !src.isContiguous() || src.numel() != x.size) continue;
            Value t = p.newValue(Value.Kind.CONSTANT, DType.F32, 256, x.node);
            t.constant = table;
            for (Unit.Gemm g : readers) {
                fired++;
                g.a = src.base();
                g.aOff += src.offset();
                g.aTable = t;
                for (Node m : chain.keySet()) if (grp.members.contains(m)) g.tabulated.add(m);
                g.tabulated.sort(Comparator.comparingInt(Node::id));
                g.reads.remove(x);
                g.reads.add(src.base());
                g.reads.add(t);
                if (src.base().producer != null) g.preds.add(src.base().producer);
                if (g.b.producer != grp && (g.bias == null || g.bias.producer != grp)) g.preds.remove(grp);
            }
            // the group no longer stores x; drop it when it computes nothing else
            x.producer = null;
            boolean produces = grp.reduction != null;
            for (Value v : p.values) if (v.producer == grp) produces = true;
            if (!produces) {
                p.units.remove(grp);
                for (Unit r : p.units) r.preds.remove(grp);
            }
        }
        return fired;
    }

    private static final class NotTabulable extends Exception {
        NotTabulable() { super(null, null, false, false); }
    }

    /** n's value for each of the 256 codes of the group's one u8 source (whose view goes to {@code source[0]}). */
    private static Tensor tabulate(Planner p, Unit.Group g, Node n, View[] source, Map<Node, Tensor> memo) throws NotTabulable {
        Tensor done = memo.get(n);
        if (done != null) return done;
        Info i = p.info(n);
        Tensor t;
        if (i.lit != null) {
            t = Tensor.zeros(i.dtype);
            i.lit.store(t);
        } else if (i.group == g && g.members.contains(n) && n.op().kind().isElementwise()) {
            List<Tensor> ins = new ArrayList<>();
            for (Node in : n.inputs()) ins.add(tabulate(p, g, in, source, memo));
            t = n.op().eval(ins, n.attrs());
        } else {
            View v = i.view;
            if (v == null || v.base().dtype != DType.U8 || !Arrays.equals(v.shape(), g.domain)) throw new NotTabulable();
            if (source[0] == null) source[0] = v;
            else if (source[0].base() != v.base() || source[0].offset() != v.offset() || !Arrays.equals(source[0].strides(), v.strides()))
                throw new NotTabulable();
            t = Tensor.zeros(DType.U8, 256);
            for (int c = 0; c < 256; c++) t.setLong(c, c);
        }
        memo.put(n, t);
        return t;
    }
}
