package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.random.Philox;
import java.util.List;

/**
 * Run-time random tensors: {@code randomUniform} (uniform in [0, 1)) and {@code randomNormal}
 * (mean 0, variance 1), of attr {@code shape} (symbolic dims allowed, bound when the step runs)
 * and attr {@code dtype} (f32 or f64), drawn by {@link Philox} from two i64 scalar inputs: the
 * seed and the step counter. Attr {@code stream} (an int, a hash of the call site's name) keeps
 * call sites independent. Every element is a function of (seed, stream,
 * step, index) alone, so the value is the same compiled or interpreted, whatever the thread count.
 *
 * <p>No gradient reaches the inputs (they are integers). Its kind is element-wise: element
 * {@code i} depends on the two scalars and on {@code i} alone, so the code generator computes it
 * inside the fused loop of its consumers (a dropout mask and its scaling are one loop), from the
 * same block function and word conversions of {@link Philox} that the reference evaluation uses.
 */
public final class RandomOp implements Op {
    private final String name;
    private final boolean normal;

    RandomOp(String name, boolean normal) {
        this.name = name;
        this.normal = normal;
    }

    @Override
    public String name() { return name; }

    /** Whether it draws normal values (else uniform ones in [0, 1)). */
    public boolean normal() { return normal; }

    @Override
    public OpKind kind() { return OpKind.ELEMENTWISE; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name, inputs, 2);
        for (TensorType t : inputs)
            if (t.dtype() != DType.I64 || t.rank() != 0) throw new ShapeException(name + " takes an i64 seed and an i64 step, got " + t);
        DType d = attrs.getDType("dtype");
        if (d != DType.F32 && d != DType.F64) throw new ShapeException(name + " makes f32 or f64 values, not " + d.dlmName());
        Shape s = attrs.getShape("shape");
        String problem = s.sizeProblem();
        if (problem != null) throw new ShapeException("a tensor of shape " + s + " cannot exist: " + problem);
        return new TensorType(d, s);
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        infer(TypeRules.typesOf(inputs), attrs);
        int[] shape = attrs.getShape("shape").sizes();
        DType d = attrs.getDType("dtype");
        Tensor out = Tensor.zeros(d, shape);
        long[] seed = {inputs.get(0).getLong(0)}, step = {inputs.get(1).getLong(0)};
        int stream = attrs.getInt("stream");
        int[] w = new int[4];
        if (d == DType.F32) {
            if (normal) Philox.normal(seed, 0, step, 0, out.f32Storage(), 0, w, out.size(), stream);
            else Philox.uniform(seed, 0, step, 0, out.f32Storage(), 0, w, out.size(), stream);
        } else {
            double[] o = (double[]) out.storage();
            if (normal) Philox.normal(seed, 0, step, 0, o, 0, w, out.size(), stream);
            else Philox.uniform(seed, 0, step, 0, o, 0, w, out.size(), stream);
        }
        return out;
    }
}
