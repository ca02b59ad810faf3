package dlm.compiler.codegen;

import dlm.compiler.ir.Node;
import dlm.runtime.exec.CompiledStep;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Where a compiled step's time goes: runs the step's methods one by one (what {@code run()} does,
 * in the same order) and adds up the wall time of each. Used by {@code dlmc profile}; the per-call
 * overhead of timing is about 50 ns a method, small against the microseconds each takes. A
 * product's GFLOP/s counts 2·m·n·k, the dense product's flops, also where the GEMM skips the
 * all-zero steps of a u8 operand (so it can exceed the machine's peak).
 */
public final class StepProfile {
    /** One step method: what it computes and its mean time per step. */
    public record Row(String method, String kind, String computes, long flops, long elements, double micros) {
        /** GFLOP/s for matrix products, else 0. */
        public double gflops() { return flops == 0 || micros == 0 ? 0 : flops / micros / 1e3; }
    }

    private final CompiledGraph graph;
    private final List<Unit> units = new ArrayList<>();
    private final MethodHandle[] handles;
    private final long[] nanos;
    private long runs;

    public StepProfile(CompiledGraph graph) {
        this.graph = graph;
        Compilation comp = graph.compilation();
        MethodHandles.Lookup lookup = comp.lookup();
        units.addAll(comp.gen.methods.values());
        handles = new MethodHandle[units.size()];
        nanos = new long[units.size()];
        try {
            for (int i = 0; i < handles.length; i++)
                handles[i] = lookup.findVirtual(lookup.lookupClass(), units.get(i).method, MethodType.methodType(void.class))
                        .asType(MethodType.methodType(void.class, CompiledStep.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the step methods of " + comp.className(), e);
        }
    }

    /** Runs the whole step once, timing each method; {@code record} false for warm-up runs. */
    public void run(boolean record) {
        CompiledStep step = graph.step();
        try {
            for (int i = 0; i < handles.length; i++) {
                long t0 = System.nanoTime();
                handles[i].invokeExact(step);
                if (record) nanos[i] += System.nanoTime() - t0;
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (record) runs++;
    }

    public long runs() { return runs; }

    /** The rows in run order. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            Unit u = units.get(i);
            rows.add(new Row(u.method, u.kind(), computes(u), flops(u), elements(u), runs == 0 ? 0 : nanos[i] / 1e3 / runs));
        }
        return rows;
    }

    /** A table, slowest first, with the share of the step and the total. */
    public String render(int top) {
        List<Row> rows = new ArrayList<>(rows());
        double total = rows.stream().mapToDouble(Row::micros).sum();
        rows.sort(Comparator.comparingDouble(Row::micros).reversed());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%9s %6s %8s  %-22s %s%n", "µs/step", "share", "GFLOP/s", "kind", "computes (step method)"));
        int shown = 0;
        double rest = 0;
        for (Row r : rows) {
            if (shown++ >= top) {
                rest += r.micros();
                continue;
            }
            sb.append(String.format(Locale.ROOT, "%9.1f %5.1f%% %8s  %-22s %s (%s)%n", r.micros(), 100 * r.micros() / total,
                    r.flops() == 0 ? "" : String.format(Locale.ROOT, "%.1f", r.gflops()), r.kind(), r.computes(), r.method()));
        }
        if (rest > 0)
            sb.append(String.format(Locale.ROOT, "%9.1f %5.1f%% %8s  %-22s %d more step methods%n", rest, 100 * rest / total, "", "", rows.size() - top));
        long flops = rows.stream().mapToLong(Row::flops).sum();
        double gemm = rows.stream().filter(r -> r.flops() > 0).mapToDouble(Row::micros).sum();
        sb.append(String.format(Locale.ROOT, "%9.1f %5s  total over %d step methods, mean of %d runs; products (matmul, convolution) %.1f µs (%.0f%%, %.1f GFLOP/s)%n",
                total, "100%", rows.size(), runs, gemm, 100 * gemm / Math.max(total, 1e-9), gemm == 0 ? 0 : flops / gemm / 1e3));
        return sb.toString();
    }

    private static String computes(Unit u) {
        Node n = u.nodes.isEmpty() ? null : u.nodes.get(u.nodes.size() - 1);
        if (u instanceof Unit.Group g && g.reduction != null) n = g.reduction;
        String what = n == null ? "" : n.opName() + " " + n.label();
        if (n != null && !n.span().isNone()) what += " @" + n.span().line();
        return u.nodes.size() > 1 ? what + " +" + (u.nodes.size() - 1) + " fused" : what;
    }

    private static long flops(Unit u) {
        if (u instanceof Unit.Kernel k) return k.call.flops();
        if (!(u instanceof Unit.Gemm g)) return 0;
        long f = 2L * g.m * g.n * g.k;
        for (int b : g.batch) f *= b;
        return f;
    }

    private static long elements(Unit u) {
        long sum = 0;
        for (Loop l : u.loops()) {
            long n = 1;
            for (int d : l.dims) n *= d;
            sum += n;
        }
        return sum;
    }
}
