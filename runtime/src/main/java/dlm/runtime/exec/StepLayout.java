package dlm.runtime.exec;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory plan of a compiled step written beside its class file, so that a step compiled ahead
 * of time (by the Maven plugin) runs with the runtime alone: the class's name and, in the order of
 * the {@code Object[]} its constructor takes ({@link CompiledStep}), each array — an external
 * (an input or a weight, bound by name), a constant (its values) or a scratch array (its element
 * type and length) — and the outputs (name, array, dtype, shape).
 *
 * <p>Format: {@code DLMSTEP1}, then {@link DataOutputStream} fields. It is written and read only
 * here, by the same version of DLM.
 */
public final class StepLayout {
    private static final String MAGIC = "DLMSTEP1";

    /** One array of the plan. {@code tensor}: a constant's values; {@code dtype}/{@code shape}: an external's or output's; {@code storage}/{@code length}: a scratch array's. */
    public sealed interface Slot {}

    public record External(String name, DType dtype, int[] shape) implements Slot {}

    public record Constant(Tensor value) implements Slot {}

    /** {@code dtype} picks the Java array type (u8 and bool are both bytes, …). */
    public record Scratch(DType dtype, int length) implements Slot {}

    public record Output(String name, int slot, DType dtype, int[] shape) {}

    private final String className;
    private final List<Slot> slots;
    private final List<Output> outputs;

    public StepLayout(String className, List<Slot> slots, List<Output> outputs) {
        this.className = className;
        this.slots = List.copyOf(slots);
        this.outputs = List.copyOf(outputs);
    }

    /** The step class's binary name. */
    public String className() { return className; }

    public List<Slot> slots() { return slots; }

    public List<Output> outputs() { return outputs; }

    /** The externals by name (inputs and weights). */
    public Map<String, External> externals() {
        Map<String, External> m = new LinkedHashMap<>();
        for (Slot s : slots) if (s instanceof External e) m.put(e.name(), e);
        return m;
    }

    /** An instance of the step with its tensors: externals (bound or fresh) and outputs over its own arrays. */
    public record Instance(CompiledStep step, Map<String, Tensor> externals, Map<String, Tensor> outputs) {}

    /**
     * Instantiates the step class (loaded by {@code loader}) over new arrays: each external is
     * bound to the tensor of its name in {@code bind} (which must have its dtype and shape) or a
     * fresh zero tensor; constants are copied; scratch arrays allocated.
     */
    public Instance instantiate(ClassLoader loader, Map<String, Tensor> bind) {
        Object[] arrays = new Object[slots.size()];
        Map<String, Tensor> externals = new LinkedHashMap<>();
        for (int i = 0; i < arrays.length; i++) {
            switch (slots.get(i)) {
                case External e -> {
                    Tensor t = bind.get(e.name());
                    if (t == null) t = Tensor.zeros(e.dtype(), e.shape());
                    else if (t.dtype() != e.dtype() || !Arrays.equals(t.shape(), e.shape()))
                        throw new IllegalArgumentException(e.name() + " expects " + e.dtype().dlmName() + Arrays.toString(e.shape()) + ", got "
                                + t.dtype().dlmName() + Arrays.toString(t.shape()));
                    arrays[i] = t.storage();
                    externals.put(e.name(), t);
                }
                case Constant c -> arrays[i] = c.value().copy().storage();
                case Scratch s -> arrays[i] = Tensor.zeros(s.dtype(), s.length()).storage();
            }
        }
        Map<String, Tensor> outs = new LinkedHashMap<>();
        for (Output o : outputs) outs.put(o.name(), Tensor.wrap(o.dtype(), o.shape(), arrays[o.slot()]));
        Class<?> c;
        try {
            c = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the compiled step class " + className + " is not on the class path", e);
        }
        return new Instance(StepClasses.instantiate(c, arrays), Collections.unmodifiableMap(externals), Collections.unmodifiableMap(outs));
    }

    // ---- the file ------------------------------------------------------------------------------------

    public void write(OutputStream os) throws IOException {
        DataOutputStream out = new DataOutputStream(os);
        out.writeUTF(MAGIC);
        out.writeUTF(className);
        out.writeInt(slots.size());
        for (Slot s : slots) {
            switch (s) {
                case External e -> {
                    out.writeByte('E');
                    out.writeUTF(e.name());
                    writeType(out, e.dtype(), e.shape());
                }
                case Constant c -> {
                    out.writeByte('C');
                    writeType(out, c.value().dtype(), c.value().shape());
                    writeValues(out, c.value());
                }
                case Scratch r -> {
                    out.writeByte('S');
                    out.writeUTF(r.dtype().name());
                    out.writeInt(r.length());
                }
            }
        }
        out.writeInt(outputs.size());
        for (Output o : outputs) {
            out.writeUTF(o.name());
            out.writeInt(o.slot());
            writeType(out, o.dtype(), o.shape());
        }
        out.flush();
    }

    public static StepLayout read(InputStream is) throws IOException {
        DataInputStream in = new DataInputStream(is);
        if (!MAGIC.equals(in.readUTF())) throw new IOException("not a DLM step layout");
        String cls = in.readUTF();
        int n = in.readInt();
        List<Slot> slots = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int kind = in.readByte();
            slots.add(switch (kind) {
                case 'E' -> {
                    String name = in.readUTF();
                    DType d = DType.valueOf(in.readUTF());
                    yield new External(name, d, readShape(in));
                }
                case 'C' -> {
                    DType d = DType.valueOf(in.readUTF());
                    Tensor t = Tensor.zeros(d, readShape(in));
                    readValues(in, t);
                    yield new Constant(t);
                }
                case 'S' -> new Scratch(DType.valueOf(in.readUTF()), in.readInt());
                default -> throw new IOException("damaged DLM step layout (slot kind " + kind + ")");
            });
        }
        int m = in.readInt();
        List<Output> outputs = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            String name = in.readUTF();
            int slot = in.readInt();
            DType d = DType.valueOf(in.readUTF());
            outputs.add(new Output(name, slot, d, readShape(in)));
        }
        return new StepLayout(cls, slots, outputs);
    }

    private static void writeType(DataOutputStream out, DType d, int[] shape) throws IOException {
        out.writeUTF(d.name());
        out.writeInt(shape.length);
        for (int s : shape) out.writeInt(s);
    }

    private static int[] readShape(DataInputStream in) throws IOException {
        int[] s = new int[in.readInt()];
        for (int a = 0; a < s.length; a++) s[a] = in.readInt();
        return s;
    }

    private static void writeValues(DataOutputStream out, Tensor t) throws IOException {
        switch (t.storage()) {
            case byte[] a -> out.write(a);
            case short[] a -> { for (short v : a) out.writeShort(v); }
            case int[] a -> { for (int v : a) out.writeInt(v); }
            case long[] a -> { for (long v : a) out.writeLong(v); }
            case float[] a -> { for (float v : a) out.writeInt(Float.floatToRawIntBits(v)); }
            case double[] a -> { for (double v : a) out.writeLong(Double.doubleToRawLongBits(v)); }
            default -> throw new IllegalStateException("storage " + t.storage().getClass());
        }
    }

    private static void readValues(DataInputStream in, Tensor t) throws IOException {
        switch (t.storage()) {
            case byte[] a -> in.readFully(a);
            case short[] a -> { for (int i = 0; i < a.length; i++) a[i] = in.readShort(); }
            case int[] a -> { for (int i = 0; i < a.length; i++) a[i] = in.readInt(); }
            case long[] a -> { for (int i = 0; i < a.length; i++) a[i] = in.readLong(); }
            case float[] a -> { for (int i = 0; i < a.length; i++) a[i] = Float.intBitsToFloat(in.readInt()); }
            case double[] a -> { for (int i = 0; i < a.length; i++) a[i] = Double.longBitsToDouble(in.readLong()); }
            default -> throw new IllegalStateException("storage " + t.storage().getClass());
        }
    }
}
