package dlm.compiler.codegen;

import static org.objectweb.asm.Opcodes.*;

import dlm.compiler.codegen.Code.Local;
import dlm.compiler.codegen.Loop.Access;
import dlm.compiler.codegen.Loop.IotaVal;
import dlm.compiler.codegen.Loop.RandVal;
import dlm.compiler.codegen.Loop.LabelCheck;
import dlm.compiler.codegen.Loop.LitVal;
import dlm.compiler.codegen.Loop.OpVal;
import dlm.compiler.codegen.Loop.ReadVal;
import dlm.compiler.codegen.Loop.Red;
import dlm.compiler.codegen.Loop.StoreOp;
import dlm.compiler.codegen.Loop.Val;
import dlm.compiler.ir.Node;
import dlm.compiler.ops.KernelCall;
import dlm.runtime.DType;
import dlm.runtime.exec.Blas;
import dlm.runtime.exec.CompiledStep;
import dlm.runtime.exec.Failures;
import dlm.runtime.exec.Nn;
import dlm.runtime.kernels.ParallelLoops;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Emits the class of a {@link Planner}'s schedule: one field per planned array, a constructor
 * taking them all ({@code Object[]}), {@code run()} calling one private method per step in
 * schedule order, and the step methods. A step method loads the arrays it uses into locals and
 * runs a loop nest ({@link Loop}) or calls a kernel; each node's code is marked with the node's
 * {@code .dlm} line ({@code LineNumberTable}; the class's {@code SourceFile} is the .dlm file)
 * and covered by an exception handler that records that location ({@link Failures}).
 */
final class ClassGen {
    private final Planner plan;
    final String internalName;
    final String sourceFile;
    final ClassNode cn = new ClassNode();
    /** Per step method, in schedule order: the unit it runs. */
    final Map<String, Unit> methods = new LinkedHashMap<>();

    ClassGen(Planner plan, String internalName, String sourceFile) {
        this.plan = plan;
        this.internalName = internalName;
        this.sourceFile = sourceFile;
    }

    static String sourceFileOf(Node n) {
        if (n == null || n.span().isNone()) return null;
        return Path.of(n.span().fileName()).getFileName().toString();
    }

    byte[] generate() {
        cn.visit(V25, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, internalName, null, "java/lang/Object",
                new String[] {Type.getInternalName(CompiledStep.class), PARTS});
        cn.visitSource(sourceFile, null);
        for (Buf b : plan.bufs) cn.visitField(ACC_PRIVATE | ACC_FINAL, b.field(), b.storage.desc, null, null).visitEnd();
        cn.visitField(ACC_PRIVATE | ACC_FINAL, "task$", TASK_DESC, null, null).visitEnd();
        constructor();
        List<String> calls = new ArrayList<>();
        for (Unit u : plan.schedule) {
            u.method = methodName(u);
            methods.put(u.method, u);
            calls.add(u.method);
            stepMethod(u);
        }
        run(calls);
        runPart();
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) { return "java/lang/Object"; }
        };
        cn.accept(cw);
        return cw.toByteArray();
    }

    private static String methodName(Unit u) {
        Node n = u instanceof Unit.Group g && !g.members.isEmpty() ? g.members.get(g.members.size() - 1) : u.firstNode();
        if (u instanceof Unit.Group g && g.reduction != null) n = g.reduction;
        String label = n == null ? "" : "_" + n.label().replaceAll("[^A-Za-z0-9_]", "_").replaceAll("^_+", "");
        return "s" + u.order + "_" + u.kind() + (label.equals("_") ? "" : label);
    }

    private void constructor() {
        MethodNode mn = new MethodNode(ACC_PUBLIC, "<init>", "([Ljava/lang/Object;)V", null, null);
        Code c = new Code(mn, 2);
        c.loadThis();
        mn.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        for (Buf b : plan.bufs) {
            c.loadThis();
            mn.visitVarInsn(ALOAD, 1);
            c.iconst(b.index).insn(AALOAD).checkcast(b.storage.desc);
            c.putField(internalName, b.field(), b.storage.desc);
        }
        c.loadThis();
        mn.visitTypeInsn(NEW, TASK);
        c.insn(DUP).loadThis();
        mn.visitMethodInsn(INVOKESPECIAL, TASK, "<init>", "(L" + PARTS + ";)V", false);
        c.putField(internalName, "task$", TASK_DESC);
        c.insn(RETURN);
        mn.visitMaxs(0, 0);
        cn.methods.add(mn);
    }

    // ---- parallel loops ------------------------------------------------------------------------------

    private static final String PARTS = Type.getInternalName(ParallelLoops.Parts.class);
    private static final String TASK = Type.getInternalName(ParallelLoops.Task.class);
    private static final String TASK_DESC = "L" + TASK + ";";
    /** Element-wise loops of at least this many elements run across the kernel pool. */
    static final int PARALLEL_MIN_ELEMENTS = 1 << 16;
    /** The methods of the parallel loops, by id: {@code (part, parts)}. */
    private final List<String> partMethods = new ArrayList<>();

    /**
     * Whether a loop may run split over its outermost dimension: element-wise (no reduction, no
     * label checks), big, and every array it stores to is read, if at all, only at the stored
     * element (so no part reads what another writes).
     */
    static boolean parallel(Loop l) {
        if (l.red != null || !l.checks.isEmpty() || l.stores.isEmpty() || l.dims.length == 0 || l.dims[0] < 2) return false;
        long n = 1;
        for (int d : l.dims) n *= d;
        if (n < PARALLEL_MIN_ELEMENTS) return false;
        for (StoreOp st : l.stores) {
            for (Access a : l.accesses) if (a.value.buf == st.target().value.buf && !a.sameAs(st.target())) return false;
            for (StoreOp o : l.stores) if (o != st && o.target().value.buf == st.target().value.buf) return false;
        }
        return true;
    }

    /** {@code runPart(loop, part, parts)}: dispatches to the loop's part method. */
    private void runPart() {
        MethodNode mn = new MethodNode(ACC_PUBLIC, "runPart", "(III)V", null, null);
        Code c = new Code(mn, 4);
        for (int id = 0; id < partMethods.size(); id++) {
            Label next = new Label();
            mn.visitVarInsn(ILOAD, 1);
            c.iconst(id).jump(IF_ICMPNE, next);
            c.loadThis();
            mn.visitVarInsn(ILOAD, 2);
            mn.visitVarInsn(ILOAD, 3);
            mn.visitMethodInsn(INVOKEVIRTUAL, internalName, partMethods.get(id), "(II)V", false);
            c.insn(RETURN);
            c.label(next);
        }
        c.insn(RETURN);
        mn.visitMaxs(0, 0);
        cn.methods.add(mn);
    }

    /** Emits loop l as a part method, and a fork of it into the step method of e. */
    private void parallelLoop(Emitter e, Loop l, String stepName) {
        int id = partMethods.size();
        String name = stepName + "$p" + id;
        partMethods.add(name);
        MethodNode mn = new MethodNode(ACC_PRIVATE | ACC_FINAL, name, "(II)V", null, null);
        Emitter pe = new Emitter(mn, 3);
        Code c = pe.c;
        Local lo = c.newLocal(JType.INT), hi = c.newLocal(JType.INT);
        // lo = dims0 * part / parts, hi = dims0 * (part + 1) / parts (in long)
        c.iconst(l.dims[0]).insn(I2L);
        mn.visitVarInsn(ILOAD, 1);
        c.insn(I2L).insn(LMUL);
        mn.visitVarInsn(ILOAD, 2);
        c.insn(I2L).insn(LDIV).insn(L2I).store(lo);
        c.iconst(l.dims[0]).insn(I2L);
        mn.visitVarInsn(ILOAD, 1);
        c.iconst(1).insn(IADD).insn(I2L).insn(LMUL);
        mn.visitVarInsn(ILOAD, 2);
        c.insn(I2L).insn(LDIV).insn(L2I).store(hi);
        List<Value> used = new ArrayList<>();
        for (Access a : l.accesses) used.add(a.value);
        pe.loadArrays(used);
        LoopEmitter le = new LoopEmitter(pe, l);
        le.lo = lo;
        le.hi = hi;
        le.emit();
        pe.finish(name);
        cn.methods.add(mn);
        e.c.loadThis().getField(internalName, "task$", TASK_DESC).iconst(id);
        e.mn.visitMethodInsn(INVOKEVIRTUAL, TASK, "fork", "(I)V", false);
    }

    /** {@code run()}: the step methods in order, in chunks so that no method grows large. */
    private void run(List<String> calls) {
        int chunk = 1000;
        if (calls.size() <= chunk) {
            cn.methods.add(caller("run", ACC_PUBLIC, calls));
            return;
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < calls.size(); i += chunk) {
            String name = "run" + parts.size();
            parts.add(name);
            cn.methods.add(caller(name, ACC_PRIVATE, calls.subList(i, Math.min(calls.size(), i + chunk))));
        }
        cn.methods.add(caller("run", ACC_PUBLIC, parts));
    }

    private MethodNode caller(String name, int access, List<String> callees) {
        MethodNode mn = new MethodNode(access, name, "()V", null, null);
        Code c = new Code(mn, 1);
        for (String m : callees) {
            Unit u = methods.get(m);
            if (u != null && u.firstNode() != null) c.line(lineOf(u.firstNode()));
            c.loadThis();
            mn.visitMethodInsn(INVOKEVIRTUAL, internalName, m, "()V", false);
        }
        c.insn(RETURN);
        mn.visitMaxs(0, 0);
        return mn;
    }

    private int lineOf(Node n) {
        if (n == null || n.span().isNone()) return 0;
        String f = sourceFileOf(n);
        return f != null && f.equals(sourceFile) ? n.span().line() : 0;
    }

    // ---- one step -----------------------------------------------------------------------------------

    /** The method being emitted: its code, the array locals, the node ranges for failures. */
    private final class Emitter {
        final MethodNode mn;
        final Code c;
        final Map<Buf, Local> arrays = new HashMap<>();
        final Map<Node, List<Label[]>> ranges = new LinkedHashMap<>();

        Emitter(MethodNode mn) { this(mn, 1); }

        Emitter(MethodNode mn, int firstFreeLocal) {
            this.mn = mn;
            this.c = new Code(mn, firstFreeLocal);
        }

        Local array(Value v) {
            return arrays.computeIfAbsent(v.buf, b -> {
                throw new IllegalStateException("array of " + v + " not loaded");
            });
        }

        void loadArrays(Iterable<Value> vs) {
            for (Value v : vs) {
                if (arrays.containsKey(v.buf)) continue;
                Local l = c.newRef(v.buf.storage.desc);
                c.loadThis().getField(internalName, v.buf.field(), v.buf.storage.desc).store(l);
                arrays.put(v.buf, l);
            }
        }

        /** Emits {@code body} as code of node n: its line, and a range its failures are attributed to. */
        void as(Node n, Runnable body) {
            int line = lineOf(n);
            if (line > 0) c.line(line);
            Label start = new Label(), end = new Label();
            c.label(start);
            body.run();
            c.label(end);
            if (n != null) ranges.computeIfAbsent(n, k -> new ArrayList<>()).add(new Label[] {start, end});
        }

        private LabelNode label(Label l) { return (LabelNode) l.info; }

        void finish(String name) {
            c.insn(RETURN);
            for (var e : ranges.entrySet()) {
                Node n = e.getKey();
                Label handler = new Label();
                boolean any = false;
                for (Label[] r : e.getValue()) {
                    if (!hasCode(label(r[0]), label(r[1]))) continue;
                    mn.visitTryCatchBlock(r[0], r[1], handler, "java/lang/Throwable");
                    any = true;
                }
                if (!any) continue;
                c.label(handler);
                c.sconst(internalName.replace('/', '.')).sconst(name).sconst(sourceFile == null ? "?" : sourceFile).iconst(Math.max(lineOf(n), 0));
                c.invokeStatic(Failures.class, "located", "(Ljava/lang/Throwable;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;I)Ljava/lang/Throwable;");
                c.insn(ATHROW);
            }
            mn.visitMaxs(0, 0);
        }

        private boolean hasCode(LabelNode from, LabelNode to) {
            for (AbstractInsnNode i = from.getNext(); i != null && i != to; i = i.getNext()) if (i.getOpcode() >= 0) return true;
            return false;
        }
    }

    private void stepMethod(Unit u) {
        MethodNode mn = new MethodNode(ACC_PRIVATE | ACC_FINAL, u.method, "()V", null, null);
        Emitter e = new Emitter(mn);
        switch (u) {
            case Unit.Gemm g -> gemm(e, g);
            case Unit.Kernel k -> kernel(e, k);
            default -> {
                for (Loop l : u.loops()) {
                    if (parallel(l)) parallelLoop(e, l, u.method);
                    else loop(e, l);
                }
            }
        }
        e.finish(u.method);
        cn.methods.add(mn);
    }

    // ---- kernels --------------------------------------------------------------------------------------

    private void gemm(Emitter e, Unit.Gemm g) {
        Node n = g.firstNode();
        List<Value> arrays = new ArrayList<>(List.of(g.a, g.b, g.c));
        if (g.bias != null) arrays.add(g.bias);
        if (g.aTable != null) arrays.add(g.aTable);
        if (g.mask != null) arrays.add(g.mask);
        e.loadArrays(arrays);
        Code c = e.c;
        Local a = e.array(g.a), b = e.array(g.b), out = e.array(g.c);
        int mn = g.m * g.n;
        int epilogue = (g.biasAdded ? 1 : 0) | (g.relu ? 2 : 0);
        e.as(n, () -> batchLoop(c, g, 0, new Object[] {g.aOff, g.bOff, 0}, offs -> {
            if (g.dtype.isFloating()) {
                // BLAS-style arguments: transposes as flags, leading dimensions; then what the variant adds
                int[] la = GemmLowering.blasLayout(g.m, g.k, g.ars, g.acs), lb = GemmLowering.blasLayout(g.k, g.n, g.brs, g.bcs);
                String arr = Storage.of(g.dtype).desc;
                c.bconst(la[0] == 1).bconst(lb[0] == 1).iconst(g.m).iconst(g.n).iconst(g.k);
                c.load(a);
                push(c, offs[0]);
                c.iconst(la[1]);
                if (g.aTable != null) c.load(e.array(g.aTable)); // op(A) from u8 codes (GemmByteTableRule)
                c.load(b);
                push(c, offs[1]);
                c.iconst(lb[1]).load(out);
                push(c, offs[2]);
                c.iconst(Math.max(g.n, 1));
                if (g.aTable != null || epilogue != 0) {
                    // bias and relu applied by the kernel (GemmEpilogueRule)
                    if (g.bias != null) c.load(e.array(g.bias));
                    else c.insn(ACONST_NULL);
                    c.iconst(g.biasOff).iconst(epilogue);
                    if (g.aTable != null) c.invokeStatic(Blas.class, "sgemmTable", "(ZZIII[BII[F[FII[FII[FII)V");
                    else c.invokeStatic(Blas.class, "sgemm", "(ZZIII[FII[FII[FII[FII)V");
                } else {
                    c.bconst(false);
                    String name = g.dtype == DType.F64 ? "dgemm" : "sgemm";
                    c.invokeStatic(Blas.class, name, "(ZZIII" + arr + "II" + arr + "II" + arr + "IIZ)V");
                }
            } else {
                String arr = Storage.of(g.dtype).desc;
                c.iconst(g.m).iconst(g.n).iconst(g.k).load(a);
                push(c, offs[0]);
                c.iconst(g.ars).iconst(g.acs).load(b);
                push(c, offs[1]);
                c.iconst(g.brs).iconst(g.bcs).load(out);
                push(c, offs[2]);
                c.iconst(Math.max(g.n, 1));
                String name = switch (g.dtype) { case I32 -> "igemm"; case I64 -> "lgemm"; default -> "u8gemm"; };
                c.invokeStatic(Blas.class, name, "(III" + arr + "III" + arr + "III" + arr + "II)V");
            }
        }, mn));
        if (g.mask != null) {
            // a relu's backward pass: C = mask > 0 ? C : 0 (see GemmReluMaskRule)
            e.as(n, () -> c.load(out).iconst(0).iconst(Math.max(g.n, 1)).iconst(g.m).iconst(g.n)
                    .load(e.array(g.mask)).iconst(g.maskOff).iconst(Math.max(g.n, 1))
                    .invokeStatic(dlm.runtime.kernels.Masks.class, "keepWherePositive", "([FIIII[FII)V"));
        }
    }

    /** Nested loops over a matmul's batch axes; {@code offs} are Integer constants or int Locals. */
    private void batchLoop(Code c, Unit.Gemm g, int d, Object[] offs, java.util.function.Consumer<Object[]> body, int mn) {
        if (d == g.batch.length) {
            body.accept(offs);
            return;
        }
        int outStride = mn;
        for (int q = d + 1; q < g.batch.length; q++) outStride *= g.batch[q];
        int[] strides = {g.aBatch[d], g.bBatch[d], outStride};
        final int os = outStride;
        c.forLoop(g.batch[d], i -> {
            Object[] next = new Object[3];
            for (int k = 0; k < 3; k++) {
                if (strides[k] == 0) { next[k] = offs[k]; continue; }
                Local l = c.newLocal(JType.INT);
                push(c, offs[k]);
                c.load(i).iconst(strides[k]).insn(IMUL).insn(IADD).store(l);
                next[k] = l;
            }
            batchLoop(c, g, d + 1, next, body, mn);
        });
    }

    private static void push(Code c, Object o) {
        if (o instanceof Integer i) c.iconst(i);
        else c.load((Local) o);
    }

    /** A kernel op's call: arguments in the call's order, the descriptor taken from the resolved method. */
    private void kernel(Emitter e, Unit.Kernel k) {
        List<Value> arrays = new ArrayList<>();
        for (Value v : k.values) if (v != null) arrays.add(v);
        if (k.returnsResult()) arrays.add(k.out);
        e.loadArrays(arrays);
        Code c = e.c;
        e.as(k.firstNode(), () -> {
            if (k.returnsResult()) c.load(e.array(k.out)).iconst(0);
            for (int i = 0; i < k.values.length; i++) {
                switch (k.call.args().get(i)) {
                    case KernelCall.Input in -> c.load(e.array(k.values[i])).iconst(k.offsets[i]);
                    case KernelCall.Output o -> c.load(e.array(k.values[i])).iconst(k.offsets[i]);
                    case KernelCall.Scratch s -> c.load(e.array(k.values[i]));
                    case KernelCall.IntArg a -> c.iconst(a.value());
                    case KernelCall.BoolArg a -> c.bconst(a.value());
                    case KernelCall.Absent a -> c.insn(ACONST_NULL).iconst(0);
                }
            }
            c.invokeStatic(k.method.getDeclaringClass(), k.method.getName(), Type.getMethodDescriptor(k.method));
            if (k.returnsResult()) c.convert(KernelMethods.returnType(k.method), JType.compute(k.out.dtype)).storeElement(k.out.dtype);
        });
    }

    // ---- loops ----------------------------------------------------------------------------------------

    private void loop(Emitter e, Loop l) {
        List<Value> used = new ArrayList<>();
        for (Access a : l.accesses) used.add(a.value);
        for (LabelCheck chk : l.checks) used.add(chk.value());
        if (l.red != null && l.red.scratch != null) used.add(l.red.scratch);
        e.loadArrays(used);
        new LoopEmitter(e, l).emit();
    }

    private final class LoopEmitter {
        final Emitter e;
        final Code c;
        final Loop l;
        final int rank;
        final Map<Val, Local> locals = new IdentityHashMap<>();
        final Map<RandVal, RandomDraws> draws = new IdentityHashMap<>();
        /** Per access, per level: the index of its element there (Integer constant or Local). */
        final Map<Access, Object[]> bases = new IdentityHashMap<>();
        final Local[] counters;
        Local acc, bestIdx, position;
        /** When set: the outermost loop runs over [lo, hi) only (a part of a parallel loop). */
        Local lo, hi;

        LoopEmitter(Emitter e, Loop l) {
            this.e = e;
            this.c = e.c;
            this.l = l;
            this.rank = l.dims.length;
            this.counters = new Local[rank];
        }

        void emit() {
            for (Val v : l.vals) v.level = levelOf(v);
            for (Access a : positions()) {
                Object[] b = new Object[rank + 1];
                b[0] = a.offset;
                bases.put(a, b);
            }
            for (Val v : l.vals) if (v instanceof RandVal r) draws.put(r, new RandomDraws(c, r));
            for (LabelCheck chk : l.checks) {
                String arr = Storage.of(chk.value().dtype).desc;
                e.as(chk.origin(), () -> c.load(e.array(chk.value())).iconst(chk.offset()).iconst(chk.n()).iconst(chk.depth())
                        .invokeStatic(Nn.class, "checkLabels", "(" + arr + "III)V"));
            }
            Red red = l.red;
            if (red != null && !red.register) initAccumulatorArray(red);
            level(0);
            if (red != null && !red.register) finishAccumulatorArray(red);
        }

        /** The accesses and the random draws' element numbers: the positions the loop nest walks. */
        private List<Access> positions() {
            List<Access> all = new ArrayList<>(l.accesses);
            all.addAll(l.indices);
            return all;
        }

        private int levelOf(Val v) {
            return switch (v) {
                case ReadVal r -> {
                    int lv = 0;
                    for (int d = 0; d < rank; d++) if (r.access.strides[d] != 0) lv = d + 1;
                    yield lv;
                }
                case LitVal lit -> 0;
                case IotaVal io -> io.dim + 1;
                case RandVal r -> {
                    int lv = Math.max(r.seed.level, r.step.level);
                    for (int d = 0; d < rank; d++) if (r.index.strides[d] != 0) lv = Math.max(lv, d + 1);
                    yield lv;
                }
                case OpVal op -> {
                    int lv = 0;
                    for (Val in : op.ins) lv = Math.max(lv, in.level);
                    yield lv;
                }
            };
        }

        private void level(int lv) {
            for (Val v : l.vals) if (v.level == lv) value(v);
            Red red = l.red;
            int s = red != null && red.register ? l.reducedFrom() : -1;
            if (lv == s) initAccumulator(red);
            if (lv == rank) {
                for (StoreOp st : l.stores) e.as(st.origin(), () -> store(st));
                if (red != null) e.as(red.origin, () -> accumulate(red));
            } else {
                Local i = c.newLocal(JType.INT);
                counters[lv] = i;
                Runnable body = () -> {
                    if (lv + 1 < rank) {
                        for (Access a : positions()) {
                            Object[] b = bases.get(a);
                            if (a.strides[lv] == 0) { b[lv + 1] = b[lv]; continue; }
                            Local nb = c.newLocal(JType.INT);
                            push(c, b[lv]);
                            c.load(i);
                            if (a.strides[lv] != 1) c.iconst(a.strides[lv]).insn(IMUL);
                            c.insn(IADD).store(nb);
                            b[lv + 1] = nb;
                        }
                    }
                    level(lv + 1);
                };
                if (lv == 0 && lo != null) c.forRange(i, lo, hi, body);
                else c.forLoop(i, l.dims[lv], body);
            }
            if (lv == s) e.as(red.origin, () -> storeAccumulator(red, s));
        }

        /** Pushes the array index of access a at level lv (the full index when lv == rank). */
        private void index(Access a, int lv) {
            Object[] b = bases.get(a);
            if (lv < rank || rank == 0) {
                push(c, b[Math.min(lv, rank)]);
                return;
            }
            int inner = rank - 1;
            Object base = b[inner];
            int stride = a.strides[inner];
            if (stride == 0) {
                push(c, base);
                return;
            }
            c.load(counters[inner]);
            if (stride != 1) c.iconst(stride).insn(IMUL);
            if (!(base instanceof Integer z && z == 0)) {
                push(c, base);
                c.insn(IADD);
            }
        }

        private void value(Val v) {
            e.as(v.origin, () -> {
                JType t = JType.compute(v.dtype);
                switch (v) {
                    case ReadVal r -> {
                        c.load(e.array(r.access.value));
                        index(r.access, v.level);
                        c.loadElement(v.dtype);
                    }
                    case LitVal lit -> c.constant(t, lit.l, lit.d);
                    case IotaVal io -> c.load(counters[io.dim]).convert(JType.INT, t);
                    case RandVal r -> {
                        Local index = c.newLocal(JType.INT);
                        index(r.index, v.level);
                        c.store(index);
                        draws.get(r).emit(index, locals.get(r.seed), locals.get(r.step));
                    }
                    case OpVal op -> {
                        Local[] ins = new Local[op.ins.length];
                        DType[] types = new DType[op.ins.length];
                        for (int k = 0; k < ins.length; k++) {
                            ins[k] = locals.get(op.ins[k]);
                            types[k] = op.ins[k].dtype;
                        }
                        ScalarOps.emit(c, op.op, v.dtype, types, ins, op.attrs);
                    }
                }
                Local local = c.newLocal(t);
                c.store(local);
                locals.put(v, local);
            });
        }

        private void store(StoreOp st) {
            c.load(e.array(st.target().value));
            index(st.target(), rank);
            c.load(locals.get(st.val()));
            c.storeElement(st.target().value.dtype);
        }

        // ---- reductions ----

        private void pushInit(Red red, JType t) {
            boolean max = red.kind.equals("max") || red.kind.equals("argmax");
            switch (red.kind) {
                case "sum", "mean" -> c.constant(t, 0, 0.0);
                default -> {
                    switch (t) {
                        case INT -> c.iconst(max ? Integer.MIN_VALUE : Integer.MAX_VALUE);
                        case LONG -> c.lconst(max ? Long.MIN_VALUE : Long.MAX_VALUE);
                        case FLOAT -> c.fconst(max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
                        case DOUBLE -> c.dconst(max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
                        case REF -> throw new IllegalStateException();
                    }
                }
            }
        }

        private void initAccumulator(Red red) {
            JType t = red.accType();
            acc = c.newLocal(t);
            pushInit(red, t);
            c.store(acc);
            if (red.isArg()) {
                bestIdx = c.newLocal(JType.INT);
                position = c.newLocal(JType.INT);
                c.iconst(0).store(bestIdx).iconst(0).store(position);
            }
        }

        /** Pushes the input element converted to the accumulator type. */
        private void pushInput(Red red) {
            c.load(locals.get(red.input));
            c.convert(JType.compute(red.input.dtype), red.accType());
        }

        /** acc op= input, for the value on the stack below (register or array element). */
        private void combine(Red red) {
            JType t = red.accType();
            switch (red.kind) {
                case "sum", "mean" -> c.arith(t, IADD);
                case "max" -> c.invokeStatic(Math.class, "max", "(" + t.desc + t.desc + ")" + t.desc);
                case "min" -> c.invokeStatic(Math.class, "min", "(" + t.desc + t.desc + ")" + t.desc);
                default -> throw new IllegalStateException(red.kind);
            }
        }

        private void accumulate(Red red) {
            if (red.isArg()) {
                argStep(red);
                return;
            }
            if (red.register) {
                c.load(acc);
                pushInput(red);
                combine(red);
                c.store(acc);
                return;
            }
            boolean scratch = red.scratch != null;
            c.load(e.array(scratch ? red.scratch : red.out.value));
            index(red.out, rank);
            c.insn(DUP2);
            if (scratch) c.insn(DALOAD);
            else c.loadElement(red.outType);
            if (!scratch && red.accType() != JType.compute(red.outType)) throw new IllegalStateException("accumulator type");
            pushInput(red);
            combine(red);
            if (scratch) c.insn(DASTORE);
            else c.storeElement(red.outType);
        }

        /**
         * argmax/argmin: the first position whose element strictly beats the best so far; for
         * floats a NaN best is never beaten and a NaN element always beats (NumPy's NaN rule).
         */
        private void argStep(Red red) {
            JType t = red.accType();
            boolean max = red.kind.equals("argmax");
            Local v = locals.get(red.input);
            Label skip = new Label(), take = new Label();
            if (t == JType.FLOAT || t == JType.DOUBLE) {
                int cmp = t == JType.FLOAT ? FCMPL : DCMPL;
                c.load(acc).load(acc).insn(cmp).jump(IFNE, skip);          // best is NaN: keep it
                c.load(v).load(v).insn(cmp).jump(IFNE, take);              // element is NaN: take it
                c.load(v).load(acc).insn(max ? cmp : (t == JType.FLOAT ? FCMPG : DCMPG)).jump(max ? IFLE : IFGE, skip);
            } else if (t == JType.LONG) {
                c.load(v).load(acc).insn(LCMP).jump(max ? IFLE : IFGE, skip);
            } else {
                c.load(v).load(acc).jump(max ? IF_ICMPLE : IF_ICMPGE, skip);
            }
            c.label(take);
            c.load(v).store(acc);
            c.load(position).store(bestIdx);
            c.label(skip);
            e.mn.visitIincInsn(position.slot(), 1);
        }

        /** Converts the finished accumulator on the stack to the output's compute type. */
        private void finish(Red red) {
            JType out = JType.compute(red.outType);
            if (red.kind.equals("mean")) c.dconst(red.count).insn(DDIV);
            c.convert(red.accType(), out);
        }

        private void storeAccumulator(Red red, int s) {
            c.load(e.array(red.out.value));
            index(red.out, s);
            if (red.isArg()) c.load(bestIdx);
            else {
                c.load(acc);
                finish(red);
            }
            c.storeElement(red.outType);
        }

        private void initAccumulatorArray(Red red) {
            boolean scratch = red.scratch != null;
            Local arr = e.array(scratch ? red.scratch : red.out.value);
            e.as(red.origin, () -> c.forLoop(red.outSize, j -> {
                c.load(arr).load(j);
                if (scratch) {
                    c.dconst(0).insn(DASTORE);
                } else {
                    pushInit(red, JType.compute(red.outType));
                    c.storeElement(red.outType);
                }
            }));
        }

        private void finishAccumulatorArray(Red red) {
            boolean scratch = red.scratch != null;
            if (!scratch && !red.kind.equals("mean")) return;
            Local src = e.array(scratch ? red.scratch : red.out.value), dst = e.array(red.out.value);
            e.as(red.origin, () -> c.forLoop(red.outSize, j -> {
                c.load(dst).load(j).load(src).load(j);
                if (scratch) c.insn(DALOAD);
                else c.loadElement(red.outType);
                finish(red);
                c.storeElement(red.outType);
            }));
        }
    }
}
