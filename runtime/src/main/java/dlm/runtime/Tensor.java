package dlm.runtime;

import java.util.Arrays;

/**
 * A dense, row-major tensor: a dtype, a shape and contiguous storage of exactly
 * {@code size()} elements in the dtype's own Java array type
 * (bool/u8: byte[], i32: int[], i64: long[], f16: short[] (IEEE half bits), f32: float[], f64: double[]).
 *
 * <p>The reference interpreter reads and writes elements through {@link #getDouble}/{@link #setDouble}
 * (and the exact {@link #getLong}/{@link #setLong} for integers); kernels use {@link #storage()} directly.
 * A tensor's shape never changes; its elements may be written by their owner.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final int size;
    private final Object storage;

    private Tensor(DType dtype, int[] shape, Object storage) {
        this.dtype = dtype;
        this.shape = shape;
        this.size = sizeOf(shape);
        this.storage = storage;
    }

    // ---- construction ------------------------------------------------------------------------

    /** A tensor of zeros. */
    public static Tensor zeros(DType dtype, int... shape) {
        int[] s = shape.clone();
        return new Tensor(dtype, s, allocate(dtype, sizeOf(s)));
    }

    /** Wraps an existing array (not copied); its length must equal the shape's size. */
    public static Tensor wrap(DType dtype, int[] shape, Object storage) {
        int n = sizeOf(shape);
        int len = java.lang.reflect.Array.getLength(storage);
        if (len != n) throw new IllegalArgumentException("storage has " + len + " elements, shape " + Arrays.toString(shape) + " needs " + n);
        if (storage.getClass() != allocate(dtype, 0).getClass())
            throw new IllegalArgumentException("storage " + storage.getClass().getSimpleName() + " does not hold " + dtype);
        return new Tensor(dtype, shape.clone(), storage);
    }

    /** A tensor of the given shape whose elements are {@code values} (rounded to the dtype). */
    public static Tensor of(DType dtype, int[] shape, double... values) {
        Tensor t = zeros(dtype, shape);
        if (values.length != t.size)
            throw new IllegalArgumentException(values.length + " values for shape " + Arrays.toString(shape));
        for (int i = 0; i < values.length; i++) t.setDouble(i, values[i]);
        return t;
    }

    /** A rank-0 tensor. */
    public static Tensor scalar(DType dtype, double value) {
        return of(dtype, new int[0], value);
    }

    /** Float32 vector, a convenience for tests. */
    public static Tensor f32(float... values) {
        return wrap(DType.F32, new int[] {values.length}, values.clone());
    }

    static Object allocate(DType dtype, int n) {
        return switch (dtype) {
            case BOOL, U8 -> new byte[n];
            case I32 -> new int[n];
            case I64 -> new long[n];
            case F16 -> new short[n];
            case F32 -> new float[n];
            case F64 -> new double[n];
        };
    }

    public static int sizeOf(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape));
        }
        return (int) n;
    }

    // ---- properties --------------------------------------------------------------------------

    public DType dtype() { return dtype; }

    /** A copy of the shape. */
    public int[] shape() { return shape.clone(); }

    public int dim(int axis) { return shape[axis]; }

    public int rank() { return shape.length; }

    public int size() { return size; }

    /** The backing array (see the class comment for its type). */
    public Object storage() { return storage; }

    public float[] f32Storage() { return (float[]) storage; }

    public double[] f64Storage() { return (double[]) storage; }

    public int[] i32Storage() { return (int[]) storage; }

    public long[] i64Storage() { return (long[]) storage; }

    public byte[] byteStorage() { return (byte[]) storage; }

    // ---- element access ----------------------------------------------------------------------

    /** The element at a flat (row-major) index, as a double (exact for every dtype but huge i64). */
    public double getDouble(int i) {
        return switch (dtype) {
            case BOOL -> ((byte[]) storage)[i] != 0 ? 1 : 0;
            case U8 -> ((byte[]) storage)[i] & 0xFF;
            case I32 -> ((int[]) storage)[i];
            case I64 -> ((long[]) storage)[i];
            case F16 -> Float.float16ToFloat(((short[]) storage)[i]);
            case F32 -> ((float[]) storage)[i];
            case F64 -> ((double[]) storage)[i];
        };
    }

    /** Stores a double, rounded to the dtype as {@link DType#round} does. */
    public void setDouble(int i, double v) {
        switch (dtype) {
            case BOOL -> ((byte[]) storage)[i] = (byte) (v != 0 ? 1 : 0);
            case U8 -> ((byte[]) storage)[i] = (byte) (long) v;
            case I32 -> ((int[]) storage)[i] = (int) (long) v;
            case I64 -> ((long[]) storage)[i] = (long) v;
            case F16 -> ((short[]) storage)[i] = Float.floatToFloat16((float) v);
            case F32 -> ((float[]) storage)[i] = (float) v;
            case F64 -> ((double[]) storage)[i] = v;
        }
    }

    /** The element as a long: exact for integer and bool dtypes, truncated for floats. */
    public long getLong(int i) {
        return switch (dtype) {
            case I64 -> ((long[]) storage)[i];
            case I32 -> ((int[]) storage)[i];
            case U8 -> ((byte[]) storage)[i] & 0xFF;
            case BOOL -> ((byte[]) storage)[i] != 0 ? 1 : 0;
            default -> (long) getDouble(i);
        };
    }

    /** Stores a long exactly into integer dtypes (wrapping like a Java cast), converted for floats. */
    public void setLong(int i, long v) {
        switch (dtype) {
            case I64 -> ((long[]) storage)[i] = v;
            case I32 -> ((int[]) storage)[i] = (int) v;
            case U8 -> ((byte[]) storage)[i] = (byte) v;
            case BOOL -> ((byte[]) storage)[i] = (byte) (v != 0 ? 1 : 0);
            default -> setDouble(i, (double) v);
        }
    }

    /** Element at a multi-index (row-major). */
    public double get(int... index) { return getDouble(flatIndex(index)); }

    public int flatIndex(int... index) {
        if (index.length != shape.length)
            throw new IllegalArgumentException("index of rank " + index.length + " for shape " + Arrays.toString(shape));
        int flat = 0;
        for (int a = 0; a < shape.length; a++) {
            if (index[a] < 0 || index[a] >= shape[a])
                throw new IndexOutOfBoundsException("index " + index[a] + " on axis " + a + " of size " + shape[a]);
            flat = flat * shape[a] + index[a];
        }
        return flat;
    }

    /** Row-major strides in elements. */
    public static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int a = shape.length - 1; a >= 0; a--) { st[a] = s; s *= shape[a]; }
        return st;
    }

    // ---- whole-tensor helpers ----------------------------------------------------------------

    /** A deep copy. */
    public Tensor copy() {
        Object s = switch (dtype) {
            case BOOL, U8 -> ((byte[]) storage).clone();
            case I32 -> ((int[]) storage).clone();
            case I64 -> ((long[]) storage).clone();
            case F16 -> ((short[]) storage).clone();
            case F32 -> ((float[]) storage).clone();
            case F64 -> ((double[]) storage).clone();
        };
        return new Tensor(dtype, shape.clone(), s);
    }

    /** The same elements under another shape of equal size (shares storage). */
    public Tensor reshape(int... newShape) {
        if (sizeOf(newShape) != size)
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        return new Tensor(dtype, newShape.clone(), storage);
    }

    /** The elements converted to another dtype (a new tensor). */
    public Tensor cast(DType to) {
        Tensor r = zeros(to, shape);
        boolean exactInts = !dtype.isFloating() && !to.isFloating();
        for (int i = 0; i < size; i++) {
            if (exactInts) r.setLong(i, getLong(i));
            else r.setDouble(i, getDouble(i));
        }
        return r;
    }

    /** All elements as doubles, row-major. */
    public double[] toDoubles() {
        double[] d = new double[size];
        for (int i = 0; i < size; i++) d[i] = getDouble(i);
        return d;
    }

    /** Same dtype, same shape and bitwise-equal elements (NaN equals NaN). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tensor t) || t.dtype != dtype || !Arrays.equals(t.shape, shape)) return false;
        return switch (dtype) {
            case BOOL, U8 -> Arrays.equals((byte[]) storage, (byte[]) t.storage);
            case I32 -> Arrays.equals((int[]) storage, (int[]) t.storage);
            case I64 -> Arrays.equals((long[]) storage, (long[]) t.storage);
            case F16 -> Arrays.equals((short[]) storage, (short[]) t.storage);
            case F32 -> Arrays.equals((float[]) storage, (float[]) t.storage);
            case F64 -> Arrays.equals((double[]) storage, (double[]) t.storage);
        };
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + dtype.hashCode();
    }

    /** NumPy's repr: {@code array([12, 3, 6, 14, 7])}. */
    @Override
    public String toString() { return TensorFormat.repr(this); }
}
