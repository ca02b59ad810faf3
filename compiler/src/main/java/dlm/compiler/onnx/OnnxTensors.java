package dlm.compiler.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** DLM dtypes and tensors as ONNX element types and {@link TensorProto}s (raw little-endian data). */
final class OnnxTensors {
    private OnnxTensors() {}

    /** The ONNX element type of a DLM dtype (every DLM dtype has one). */
    static int elementType(DType d) {
        return switch (d) {
            case BOOL -> TensorProto.DataType.BOOL_VALUE;
            case U8 -> TensorProto.DataType.UINT8_VALUE;
            case I32 -> TensorProto.DataType.INT32_VALUE;
            case I64 -> TensorProto.DataType.INT64_VALUE;
            case F16 -> TensorProto.DataType.FLOAT16_VALUE;
            case F32 -> TensorProto.DataType.FLOAT_VALUE;
            case F64 -> TensorProto.DataType.DOUBLE_VALUE;
        };
    }

    /** The tensor's values, exactly (raw_data holds each element in its dtype's little-endian bytes). */
    static TensorProto toProto(String name, Tensor t) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(elementType(t.dtype()));
        for (int d : t.shape()) b.addDims(d);
        int n = t.size();
        ByteBuffer buf = ByteBuffer.allocate(n * t.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (t.dtype()) {
                case BOOL, U8 -> buf.put((byte) t.getLong(i));
                case I32 -> buf.putInt((int) t.getLong(i));
                case I64 -> buf.putLong(t.getLong(i));
                case F16 -> buf.putShort(Float.floatToFloat16((float) t.getDouble(i)));
                case F32 -> buf.putFloat((float) t.getDouble(i));
                case F64 -> buf.putDouble(t.getDouble(i));
            }
        }
        return b.setRawData(ByteString.copyFrom(buf.array())).build();
    }
}
