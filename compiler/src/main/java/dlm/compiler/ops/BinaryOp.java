package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * A binary element-wise op with NumPy broadcasting. Operands must share a dtype; the result keeps
 * it ({@link Kind#ARITHMETIC}) or is bool (comparisons, logic). Each entry gives the scalar
 * function twice: on doubles for floating dtypes (rounded once when stored) and on longs for
 * integer and bool dtypes, so that i64 and integer division stay exact. Arithmetic entries also
 * give their VJP; comparisons and logic produce bool, which carries no gradient. Every entry also
 * gives its spelling and the code of one element ({@link ScalarEmitter}).
 */
final class BinaryOp implements ElementwiseOp {
    @Override
    public OpKind kind() { return OpKind.BROADCAST; }

    /** Which operand dtypes an op accepts and what dtype it produces. */
    enum Kind {
        ARITHMETIC, // numeric operands, same dtype out
        ORDER,      // numeric operands, bool out
        EQUALITY,   // any dtype, bool out
        LOGIC       // bool operands, bool out
    }

    /** A predicate on two doubles (the JDK has none). */
    interface DoubleTest { boolean test(double a, double b); }

    /** A predicate on two longs. */
    interface LongTest { boolean test(long a, long b); }

    private final String name;
    private final Kind kind;
    private final DoubleBinaryOperator onFloats;
    private final LongBinaryOperator onIntegers;
    private final VjpRule vjp; // null: no derivative
    private final Spelling spelling;
    private final ScalarEmitter emitter;

    private BinaryOp(String name, Kind kind, Spelling spelling, DoubleBinaryOperator onFloats, LongBinaryOperator onIntegers,
                     VjpRule vjp, ScalarEmitter emitter) {
        this.name = name;
        this.kind = kind;
        this.spelling = spelling;
        this.onFloats = onFloats;
        this.onIntegers = onIntegers;
        this.vjp = vjp;
        this.emitter = emitter;
    }

    static BinaryOp arithmetic(String name, Spelling spelling, DoubleBinaryOperator onFloats, LongBinaryOperator onIntegers,
                               VjpRule vjp, ScalarEmitter emitter) {
        return new BinaryOp(name, Kind.ARITHMETIC, spelling, onFloats, onIntegers, vjp, emitter);
    }

    /** A comparison, emitted branch-free ({@link ScalarEmitters#compare}). */
    static BinaryOp comparison(String name, Spelling spelling, Kind kind, DoubleTest onFloats, LongTest onIntegers) {
        return new BinaryOp(name, kind, spelling, (a, b) -> onFloats.test(a, b) ? 1 : 0, (a, b) -> onIntegers.test(a, b) ? 1 : 0,
                null, ScalarEmitters.compare(name));
    }

    static BinaryOp logic(String name, Spelling spelling, LongTest op, ScalarEmitter emitter) {
        return new BinaryOp(name, Kind.LOGIC, spelling, (a, b) -> { throw new AssertionError("bool operands only"); },
                (a, b) -> op.test(a, b) ? 1 : 0, null, emitter);
    }

    @Override
    public String name() { return name; }

    @Override
    public Spelling spelling() { return spelling; }

    @Override
    public void emit(ScalarCode c, DType out, DType[] in, Attrs attrs) { emitter.emit(c, out, in, attrs); }

    @Override
    public int arity() { return 2; }


    /** Arithmetic only: comparisons and logic on numbers are the language's own operators. */
    @Override
    public boolean appliesToNumbers() { return kind == Kind.ARITHMETIC; }

    @Override
    public double onNumbers(double... args) {
        if (kind != Kind.ARITHMETIC) return ElementwiseOp.super.onNumbers(args);
        return onFloats.applyAsDouble(args[0], args[1]);
    }

    @Override
    public boolean keepsInts() { return true; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name, inputs, 2);
        TensorType a = inputs.get(0), b = inputs.get(1);
        TypeRules.sameDType(a, b);
        switch (kind) {
            case ARITHMETIC, ORDER -> TypeRules.numericOperand(name, a);
            case LOGIC -> TypeRules.boolOperand(name, a);
            case EQUALITY -> {}
        }
        return new TensorType(resultDType(a.dtype()), Broadcast.shapes(a, b));
    }

    private DType resultDType(DType operands) { return kind == Kind.ARITHMETIC ? operands : DType.BOOL; }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        infer(TypeRules.typesOf(inputs), attrs); // the same checks as the checker, on concrete shapes
        Tensor a = inputs.get(0), b = inputs.get(1);
        int[] shape = Broadcast.sizes(inputs);
        int[] ia = Broadcast.sourceIndices(a.shape(), shape), ib = Broadcast.sourceIndices(b.shape(), shape);
        Tensor out = Tensor.zeros(resultDType(a.dtype()), shape);
        boolean exact = TypeRules.exact(a.dtype());
        for (int i = 0; i < out.size(); i++) {
            if (exact) out.setLong(i, onIntegers.applyAsLong(a.getLong(ia[i]), b.getLong(ib[i])));
            else out.setDouble(i, onFloats.applyAsDouble(a.getDouble(ia[i]), b.getDouble(ib[i])));
        }
        return out;
    }

    @Override
    public List<Node> vjp(Node node, Node cotangent, GradBuilder b) {
        return vjp == null ? ElementwiseOp.super.vjp(node, cotangent, b) : vjp.apply(node, cotangent, b);
    }
}
