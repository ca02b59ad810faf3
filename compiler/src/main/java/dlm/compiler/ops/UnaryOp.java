package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * A unary element-wise op that keeps its operand's dtype and shape. Numeric ops give the scalar
 * function on doubles and on longs (so integers stay exact and wrap like Java casts); floating
 * ops (exp, log, …) only on doubles; logical ops only on longs (bool as 0/1). Numeric and floating
 * entries give their VJP (used on floating dtypes only: integers carry no gradient). Every entry
 * also gives its spelling and the code of one element ({@link ScalarEmitter}).
 */
final class UnaryOp implements ElementwiseOp {
    @Override
    public OpKind kind() { return OpKind.ELEMENTWISE; }

    /** Which operand dtypes an op accepts. */
    enum Kind { NUMERIC, FLOATING, LOGIC }

    private final String name;
    private final Kind kind;
    private final DoubleUnaryOperator onFloats;
    private final LongUnaryOperator onIntegers;
    private final VjpRule vjp; // null: no derivative
    private final Spelling spelling;
    private final ScalarEmitter emitter;

    private UnaryOp(String name, Kind kind, DoubleUnaryOperator onFloats, LongUnaryOperator onIntegers, VjpRule vjp,
                    Spelling spelling, ScalarEmitter emitter) {
        this.name = name;
        this.kind = kind;
        this.onFloats = onFloats;
        this.onIntegers = onIntegers;
        this.vjp = vjp;
        this.spelling = spelling;
        this.emitter = emitter;
    }

    /** A prelude function named like the op, e.g. {@code abs(x)}. */
    static UnaryOp numeric(String name, DoubleUnaryOperator onFloats, LongUnaryOperator onIntegers, VjpRule vjp, ScalarEmitter emitter) {
        return numeric(name, Spelling.call(name), onFloats, onIntegers, vjp, emitter);
    }

    static UnaryOp numeric(String name, Spelling spelling, DoubleUnaryOperator onFloats, LongUnaryOperator onIntegers, VjpRule vjp,
                           ScalarEmitter emitter) {
        return new UnaryOp(name, Kind.NUMERIC, onFloats, onIntegers, vjp, spelling, emitter);
    }

    /** A prelude function named like the op, computed in double (rounded once to the dtype). */
    static UnaryOp floating(String name, DoubleUnaryOperator f, VjpRule vjp, ScalarEmitter emitter) {
        return new UnaryOp(name, Kind.FLOATING, f, x -> { throw new AssertionError("floating operands only"); }, vjp,
                Spelling.call(name), emitter);
    }

    static UnaryOp logic(String name, Spelling spelling, LongUnaryOperator f, ScalarEmitter emitter) {
        return new UnaryOp(name, Kind.LOGIC, x -> { throw new AssertionError("bool operands only"); }, f, null, spelling, emitter);
    }

    @Override
    public String name() { return name; }

    @Override
    public Spelling spelling() { return spelling; }

    @Override
    public void emit(ScalarCode c, DType out, DType[] in, Attrs attrs) { emitter.emit(c, out, in, attrs); }

    @Override
    public int arity() { return 1; }


    @Override
    public boolean appliesToNumbers() { return kind != Kind.LOGIC; }

    @Override
    public double onNumbers(double... args) {
        if (kind == Kind.LOGIC) return ElementwiseOp.super.onNumbers(args);
        return onFloats.applyAsDouble(args[0]);
    }

    @Override
    public boolean keepsInts() { return kind == Kind.NUMERIC; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name, inputs, 1);
        TensorType x = inputs.get(0);
        switch (kind) {
            case NUMERIC -> TypeRules.numericTensor(name, x);
            case FLOATING -> TypeRules.floating(name, x);
            case LOGIC -> TypeRules.boolOperand(name, x);
        }
        return x;
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        infer(TypeRules.typesOf(inputs), attrs); // the same checks as the checker, on concrete shapes
        Tensor x = inputs.get(0);
        Tensor out = Tensor.zeros(x.dtype(), x.shape());
        boolean exact = TypeRules.exact(x.dtype());
        for (int i = 0; i < out.size(); i++) {
            if (exact) out.setLong(i, onIntegers.applyAsLong(x.getLong(i)));
            else out.setDouble(i, onFloats.applyAsDouble(x.getDouble(i)));
        }
        return out;
    }

    @Override
    public List<Node> vjp(Node node, Node cotangent, GradBuilder b) {
        return vjp == null ? ElementwiseOp.super.vjp(node, cotangent, b) : vjp.apply(node, cotangent, b);
    }
}
