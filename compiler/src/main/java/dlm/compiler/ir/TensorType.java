package dlm.compiler.ir;

import dlm.runtime.DType;

/** The static type of a graph value: its dtype and shape, printed as in DLM source ({@code f32[batch, 784]}). */
public record TensorType(DType dtype, Shape shape) {

    public static TensorType scalar(DType dtype) { return new TensorType(dtype, Shape.SCALAR); }

    public static TensorType of(DType dtype, int... sizes) { return new TensorType(dtype, Shape.of(sizes)); }

    public int rank() { return shape.rank(); }

    public TensorType withShape(Shape s) { return new TensorType(dtype, s); }

    public TensorType withDType(DType d) { return new TensorType(d, shape); }

    @Override
    public String toString() { return shape.rank() == 0 ? dtype.dlmName() : dtype.dlmName() + shape; }
}
