package dlm.compiler.passes;

import static dlm.compiler.passes.PassTestSupport.assertProvenance;
import static dlm.compiler.passes.PassTestSupport.assertSameValues;
import static dlm.compiler.passes.PassTestSupport.assertWellFormed;
import static dlm.compiler.passes.PassTestSupport.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.GraphPrinter;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.compiler.passes.PassTestSupport.Builder;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property test: a few hundred randomly generated well-typed graphs — element-wise ops, reshapes,
 * transposes, reductions, matmuls, casts and broadcasts over inputs (some with a symbolic batch
 * dim), params and constants, with 0, 1 and -1 sprinkled in — compute the same values before and
 * after {@link PassPipeline#standard()}, keep their spans, names, inputs and params, reach a fixed
 * point, and leave none of the patterns the simplifier removes.
 */
class RandomGraphsTest {
    static final int GRAPHS = 300;

    private static final TensorType[] INPUT_TYPES = {
        f32(), f32(3), f32(2, 3), f32("batch", 3), f32(3, 2), f32(2, 1, 3), f32("batch", 2, 3), f32(1, 3), f32("batch", 1),
    };
    private static final int[][] CONSTANT_SHAPES = {{}, {3}, {2, 3}, {1, 3}, {3, 2}, {2, 1, 3}, {1}};
    private static final double[] SPECIAL = {0, 1, -1, 0, 1, 2, 0.5};

    @Test
    void randomGraphsKeepTheirValuesThroughTheStandardPipeline() {
        int simplified = 0, nodesBefore = 0, nodesAfter = 0;
        for (int i = 0; i < GRAPHS; i++) {
            Graph g = generate(new Random(7919L * i + 1));
            try {
                PipelineResult r = PassPipeline.standard().run(g);
                assertTrue(r.converged(), "no fixed point within the cap");
                for (PassStats s : r.stats()) assertTrue(s.nodesAfter() <= s.nodesBefore(), s.toString());
                assertWellFormed(r.graph());
                assertProvenance(g, r);
                assertSameValues(g, r.graph(), 2, false);
                assertEquals(List.of(), leftovers(r.graph()));
                PipelineResult again = PassPipeline.standard().run(r.graph());
                assertEquals(1, again.rounds(), "the result is a fixed point");
                if (r.graph().size() < g.size()) simplified++;
                nodesBefore += g.size();
                nodesAfter += r.graph().size();
            } catch (Throwable t) {
                throw new AssertionError("random graph " + i + ":\n" + GraphPrinter.text("g" + i, g), t);
            }
        }
        // the generator really exercises the passes
        assertTrue(simplified > GRAPHS / 2, "only " + simplified + " graphs got smaller");
        assertTrue(nodesAfter < nodesBefore * 0.9, nodesBefore + " -> " + nodesAfter);
    }

    /** Patterns that must not survive the pipeline. */
    static List<String> leftovers(Graph g) {
        List<String> found = new ArrayList<>();
        for (Node n : g.nodes()) {
            List<Node> in = n.inputs();
            switch (n.opName()) {
                case "mul" -> { if (Patterns.isSplat(in.get(0), 1) || Patterns.isSplat(in.get(1), 1)) found.add("mul by 1: " + n); }
                case "add" -> { if (Patterns.isSplat(in.get(0), 0) || Patterns.isSplat(in.get(1), 0) || in.get(1).is("neg")) found.add("add: " + n); }
                case "sub" -> { if (Patterns.isSplat(in.get(1), 0) || in.get(1).is("neg")) found.add("sub: " + n); }
                case "div" -> { if (Patterns.isSplat(in.get(1), 1)) found.add("div by 1: " + n); }
                case "neg" -> { if (in.get(0).is("neg")) found.add("neg(neg): " + n); }
                case "transpose" -> { if (in.get(0).is("transpose") || Patterns.isIdentity(Patterns.perm(n))) found.add("transpose: " + n); }
                case "reshape", "expandDims", "squeeze" -> {
                    if (Patterns.RELABEL.contains(in.get(0).opName()) || in.get(0).type().equals(n.type())) found.add("relabel: " + n);
                }
                case "cast" -> { if (in.get(0).type().dtype() == n.type().dtype()) found.add("cast: " + n); }
                case "broadcastTo" -> { if (in.get(0).type().equals(n.type()) || in.get(0).is("broadcastTo")) found.add("broadcastTo: " + n); }
                default -> {}
            }
            // nothing computed from constants alone is left (every result here is small)
            if (!Patterns.isLeaf(n) && !in.isEmpty() && in.stream().allMatch(i -> i.is("constant")) && n.type().shape().isKnown())
                found.add("unfolded: " + n);
        }
        return found;
    }

    // ---- the generator ----------------------------------------------------------------------

    static Graph generate(Random r) {
        Builder b = new Builder();
        List<Node> pool = new ArrayList<>();
        int inputs = 1 + r.nextInt(3);
        for (int i = 0; i < inputs; i++) pool.add(b.input("x" + i, INPUT_TYPES[r.nextInt(INPUT_TYPES.length)]));
        int params = r.nextInt(3);
        for (int i = 0; i < params; i++) pool.add(b.paramUniform("w" + i, new TensorType(DType.F32, Shape.of(CONSTANT_SHAPES[r.nextInt(CONSTANT_SHAPES.length)]))));
        int constants = 1 + r.nextInt(3);
        for (int i = 0; i < constants; i++) pool.add(constant(b, r, CONSTANT_SHAPES[r.nextInt(CONSTANT_SHAPES.length)]));

        int ops = 4 + r.nextInt(20);
        List<Node> made = new ArrayList<>();
        for (int attempt = 0; made.size() < ops && attempt < ops * 30; attempt++) {
            Node n;
            try {
                n = randomOp(b, r, pool);
            } catch (DlmException e) {
                n = null; // an ill-typed combination: try another
            }
            if (n != null) {
                pool.add(n);
                made.add(n);
            }
        }
        // outputs: the newest nodes (the ends of the chains) and one at random
        b.out("out0", made.isEmpty() ? pool.get(0) : made.get(made.size() - 1));
        for (int i = 2; i <= 3 && made.size() >= i; i++) if (r.nextBoolean()) b.out("out" + (i - 1), made.get(made.size() - i));
        if (!made.isEmpty() && r.nextBoolean()) b.out("out3", made.get(r.nextInt(made.size())));
        if (r.nextInt(4) == 0 && !made.isEmpty()) made.get(r.nextInt(made.size())).nameIfUnnamed("v" + r.nextInt(100));
        return b.g;
    }

    /** A node of the pool, most often one of the newest, so that computations chain deeply. */
    private static Node pick(Random r, List<Node> pool) {
        int n = pool.size();
        return r.nextInt(10) < 6 ? pool.get(n - 1 - r.nextInt(Math.min(n, 4))) : pool.get(r.nextInt(n));
    }

    private static Node constant(Builder b, Random r, int... shape) {
        if (r.nextBoolean()) return b.f(SPECIAL[r.nextInt(SPECIAL.length)], shape);
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (int i = 0; i < t.size(); i++) t.setDouble(i, Math.round((r.nextDouble() * 4 - 2) * 8) / 8.0);
        return b.constant(t);
    }

    /** A constant with no zeros, for divisors (so that no ±0 ever reaches a denominator). */
    private static Node divisor(Builder b, Random r, int... shape) {
        if (r.nextBoolean()) return b.f(new double[] {1, 2, -1, 0.5}[r.nextInt(4)], shape);
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (int i = 0; i < t.size(); i++) t.setDouble(i, (0.5 + r.nextDouble() * 1.5) * (r.nextBoolean() ? 1 : -1));
        return b.constant(t);
    }

    /** A constant shaped to broadcast against {@code a}: a scalar, a's last axis, [1, last] or a's whole (known) shape. */
    private static int[] operandShape(Random r, Node a) {
        Shape s = a.type().shape();
        Dim last = s.rank() > 0 ? s.dim(s.rank() - 1) : null;
        return switch (r.nextInt(4)) {
            case 0 -> new int[0];
            case 1 -> last != null && last.isKnown() ? new int[] {last.size()} : new int[0];
            case 2 -> last != null && last.isKnown() ? new int[] {1, last.size()} : new int[] {1};
            default -> s.isKnown() ? s.sizes() : new int[0];
        };
    }

    private static Node randomOp(Builder b, Random r, List<Node> pool) {
        Node a = pick(r, pool);
        int rank = a.type().rank();
        switch (r.nextInt(15)) {
            case 0, 1 -> { // binary, sometimes against a special constant
                String op = new String[] {"add", "sub", "mul", "maximum", "minimum"}[r.nextInt(5)];
                Node other = r.nextInt(3) == 0 ? b.f(SPECIAL[r.nextInt(SPECIAL.length)], operandShape(r, a)) : pick(r, pool);
                return r.nextBoolean() ? b.op(op, a, other) : b.op(op, other, a);
            }
            case 2 -> {
                return b.op("div", a, divisor(b, r, operandShape(r, a)));
            }
            case 3 -> {
                String op = new String[] {"neg", "abs", "relu", "tanh", "sign", "square", "sigmoid", "exp"}[r.nextInt(8)];
                return b.op(op, a);
            }
            case 4 -> { // neg(neg(a)) or a - neg(b) or neg(a) + b
                return switch (r.nextInt(3)) {
                    case 0 -> b.op("neg", b.op("neg", a));
                    case 1 -> b.op("sub", a, b.op("neg", pick(r, pool)));
                    default -> b.op("add", b.op("neg", a), pick(r, pool));
                };
            }
            case 5 -> { // reshape, once or twice
                Node once = b.op("reshape", reshapeAttrs(r, a.type().shape()), a);
                return r.nextBoolean() ? once : b.op("reshape", reshapeAttrs(r, once.type().shape()), once);
            }
            case 6 -> { // expandDims, squeeze, or both
                Node e = b.op("expandDims", Attrs.of("axis", r.nextInt(rank + 1)), a);
                if (r.nextBoolean()) return e;
                List<Integer> ones = new ArrayList<>();
                for (int i = 0; i < e.type().rank(); i++) if (e.type().shape().dim(i).isOne()) ones.add(i);
                int[] axes = ones.stream().filter(x -> r.nextInt(3) > 0).mapToInt(Integer::intValue).toArray();
                return b.op("squeeze", Attrs.of("axes", axes), e);
            }
            case 7, 8 -> { // transpose, once or twice
                if (rank < 2) return null;
                Node t = b.op("transpose", transposeAttrs(r, rank), a);
                return r.nextBoolean() ? t : b.op("transpose", transposeAttrs(r, rank), t);
            }
            case 9 -> {
                String op = new String[] {"sum", "mean", "max", "min"}[r.nextInt(4)];
                List<Integer> axes = new ArrayList<>();
                for (int i = 0; i < rank; i++) if (r.nextBoolean()) axes.add(i);
                Attrs attrs = r.nextInt(4) == 0 ? Attrs.EMPTY : Attrs.of("axes", axes.stream().mapToInt(Integer::intValue).toArray());
                if (r.nextBoolean()) attrs = attrs.with("keepdims", r.nextBoolean());
                return b.op(op, attrs, a);
            }
            case 10 -> { // matmul with a matching operand from the pool, or a new constant
                if (rank == 0) return null;
                Dim k = a.type().shape().dim(rank - 1);
                List<Node> fits = pool.stream().filter(n -> n.type().rank() >= 1 && n.type().shape().dim(n.type().rank() == 1 ? 0 : n.type().rank() - 2).equals(k)).toList();
                Node right;
                if (!fits.isEmpty() && r.nextBoolean()) right = fits.get(r.nextInt(fits.size()));
                else if (k.isKnown()) right = r.nextBoolean() ? constant(b, r, k.size(), 1 + r.nextInt(3)) : constant(b, r, k.size());
                else return null;
                return b.op("matmul", a, right);
            }
            case 11 -> { // broadcastTo: the same shape, size-1 axes stretched, or a new leading axis
                List<Dim> dims = new ArrayList<>(a.type().shape().dims());
                for (int i = 0; i < dims.size(); i++) if (dims.get(i).isOne() && r.nextBoolean()) dims.set(i, Dim.of(3));
                if (r.nextBoolean()) dims.add(0, Dim.of(2));
                Node once = b.op("broadcastTo", Attrs.of("shape", new Shape(dims)), a);
                if (r.nextBoolean()) return once;
                List<Dim> more = new ArrayList<>(dims);
                more.add(0, Dim.of(2));
                return b.op("broadcastTo", Attrs.of("shape", new Shape(more)), once);
            }
            case 12 -> { // cast chains: through f64 (lossless), through i32 (lossy), or to f32 itself
                return switch (r.nextInt(3)) {
                    case 0 -> b.op("cast", Attrs.of("dtype", DType.F32), b.op("cast", Attrs.of("dtype", DType.F64), a));
                    case 1 -> b.op("cast", Attrs.of("dtype", DType.F32), b.op("cast", Attrs.of("dtype", DType.I32), a));
                    default -> b.op("cast", Attrs.of("dtype", DType.F32), a);
                };
            }
            case 13 -> {
                Node cond = b.op("greater", a, b.f(0));
                return b.op("where", cond, a, r.nextBoolean() ? a : pick(r, pool));
            }
            default -> { // a computation on constants only, to fold
                Node c = constant(b, r, CONSTANT_SHAPES[r.nextInt(CONSTANT_SHAPES.length)]);
                Node folded = b.op(new String[] {"exp", "neg", "tanh", "square"}[r.nextInt(4)], c);
                return b.op(r.nextBoolean() ? "add" : "mul", a, folded);
            }
        }
    }

    private static Attrs transposeAttrs(Random r, int rank) {
        if (r.nextInt(3) == 0) return Attrs.EMPTY; // reversed axes
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < rank; i++) p.add(i);
        Collections.shuffle(p, r);
        return Attrs.of("perm", p.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Flatten, add a leading 1, reverse the dims, the same shape, or one dim inferred (NumPy's -1). */
    private static Attrs reshapeAttrs(Random r, Shape s) {
        List<Dim> dims = new ArrayList<>(s.dims());
        switch (r.nextInt(5)) {
            case 0 -> { return Attrs.of("shape", Shape.of(s.numel())); }
            case 1 -> {
                dims.add(0, Dim.of(1));
                return Attrs.of("shape", new Shape(dims));
            }
            case 2 -> {
                Collections.reverse(dims);
                return Attrs.of("shape", new Shape(dims));
            }
            case 3 -> { return Attrs.of("shape", s); }
            default -> {
                if (dims.isEmpty()) return Attrs.of("shape", Shape.of(1));
                int axis = r.nextInt(dims.size());
                dims.set(axis, Dim.of(1));
                return Attrs.of("shape", new Shape(dims), "inferAxis", axis);
            }
        }
    }
}
