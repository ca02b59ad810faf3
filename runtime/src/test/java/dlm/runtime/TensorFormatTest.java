package dlm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Exact strings, each checked against NumPy 2.4 (with DLM's dtype names and defaults). */
class TensorFormatTest {

    private static Tensor i32(int[] shape, double... v) { return Tensor.of(DType.I32, shape, v); }

    private static Tensor range(DType t, int... shape) {
        Tensor x = Tensor.zeros(t, shape);
        for (int i = 0; i < x.size(); i++) x.setLong(i, i);
        return x;
    }

    @Test
    void scalarsAndVectors() {
        assertEquals("array(12)", Tensor.scalar(DType.I32, 12).toString());
        assertEquals("array([12,  3,  6, 14,  7])", i32(new int[] {5}, 12, 3, 6, 14, 7).toString());
        assertEquals("[12  3  6 14  7]", TensorFormat.str(i32(new int[] {5}, 12, 3, 6, 14, 7)));
        assertEquals("12", TensorFormat.str(Tensor.scalar(DType.I32, 12)));
        assertEquals("array(2.5)", Tensor.scalar(DType.F32, 2.5).toString());
        assertEquals("array(1.e+20, dtype=f64)", Tensor.scalar(DType.F64, 1e20).toString());
        assertEquals("1e+20", TensorFormat.str(Tensor.scalar(DType.F64, 1e20)));
        assertEquals("3.0", TensorFormat.str(Tensor.scalar(DType.F32, 3)));
    }

    @Test
    void scalarStrUsesTheShortestDigitsOfItsOwnDtype() {
        assertEquals("0.1", TensorFormat.str(Tensor.scalar(DType.F32, 0.1f)));
        assertEquals("0.10000000149011612", TensorFormat.str(Tensor.scalar(DType.F64, 0.1f)));
        assertEquals("5e-324", TensorFormat.str(Tensor.scalar(DType.F64, Double.MIN_VALUE))); // Java says 4.9E-324
        assertEquals("1e-45", TensorFormat.str(Tensor.scalar(DType.F32, Float.MIN_VALUE)));
        assertEquals("6e-08", TensorFormat.str(Tensor.scalar(DType.F16, Float.float16ToFloat((short) 1))));
        // 4112 in f16: 4110 lies exactly halfway to 4108 and reads back as 4112 (even significand).
        assertEquals("4.11e+03", TensorFormat.str(Tensor.scalar(DType.F16, 4112)));
        assertEquals("1e-04", TensorFormat.str(Tensor.scalar(DType.F32, 1e-4f)));
        assertEquals("-inf", TensorFormat.str(Tensor.scalar(DType.F32, Double.NEGATIVE_INFINITY)));
        assertEquals("True", TensorFormat.str(Tensor.scalar(DType.BOOL, 1)));
    }

    @Test
    void matrixRowsAlignUnderTheFirst() {
        Tensor m = i32(new int[] {3, 5}, 5, 78, 2, 34, 0, 6, 79, 3, 35, 1, 7, 80, 4, 36, 2);
        assertEquals("""
                array([[ 5, 78,  2, 34,  0],
                       [ 6, 79,  3, 35,  1],
                       [ 7, 80,  4, 36,  2]])""", m.toString());
        assertEquals("""
                [[ 5 78  2 34  0]
                 [ 6 79  3 35  1]
                 [ 7 80  4 36  2]]""", TensorFormat.str(m));
    }

    @Test
    void rank3BlocksAreSeparatedByBlankLines() {
        assertEquals("""
                array([[[ 0,  1,  2,  3],
                        [ 4,  5,  6,  7],
                        [ 8,  9, 10, 11]],

                       [[12, 13, 14, 15],
                        [16, 17, 18, 19],
                        [20, 21, 22, 23]]])""", range(DType.I32, 2, 3, 4).toString());
    }

    @Test
    void longRowsWrapAtSeventyFiveColumns() {
        assertEquals("""
                array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16,
                       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])""", range(DType.I32, 30).toString());
    }

    @Test
    void floats() {
        assertEquals("array([0., 1., 2.])", Tensor.f32(0, 1, 2).toString());
        assertEquals("array([0.1, 0.2])", Tensor.f32(0.1f, 0.2f).toString());
        assertEquals("array([ 1.5 ,  2.25, -3.  ])", Tensor.f32(1.5f, 2.25f, -3).toString());
        assertEquals("array([0.33333333], dtype=f64)", Tensor.of(DType.F64, new int[] {1}, 1.0 / 3).toString());
        assertEquals("array([1.5000000e-10, 1.0726176e-10])", Tensor.f32(1.5e-10f, 1.0726176e-10f).toString());
        assertEquals("array([1.e-01, 1.e+06, 2.e+00])", Tensor.f32(0.1f, 1e6f, 2).toString());
        assertEquals("array([ 1.5 ,  2.25, -3.  ,   nan,  -inf])",
                Tensor.f32(1.5f, 2.25f, -3, Float.NaN, Float.NEGATIVE_INFINITY).toString());
        assertEquals("array([-0.,  1.])", Tensor.f32(-0f, 1).toString());
        assertEquals("array([  0.1, 100. ,   2. ], dtype=f16)", Tensor.of(DType.F16, new int[] {3}, 0.1, 100, 2).toString());
        assertEquals("""
                array([0.        , 0.1       , 0.2       , 0.3       , 0.4       ,
                       0.5       , 0.6       , 0.7       , 0.8       , 0.90000004,
                       1.        , 1.1       ])""",
                Tensor.f32(0, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.90000004f, 1, 1.1f).toString());
    }

    @Test
    void bools() {
        assertEquals("array([ True, False])", Tensor.of(DType.BOOL, new int[] {2}, 1, 0).toString());
        assertEquals("array(True)", Tensor.scalar(DType.BOOL, 1).toString());
        assertEquals("[ True False]", TensorFormat.str(Tensor.of(DType.BOOL, new int[] {2}, 1, 0)));
    }

    @Test
    void largeArraysAreSummarized() {
        Tensor labels = Tensor.zeros(DType.U8, 60000);
        for (int i = 0; i < labels.size(); i++) labels.setLong(i, i);
        assertEquals("array([ 0,  1,  2, ..., 93, 94, 95], dtype=u8)", labels.toString());
        assertEquals("""
                array([[   0,    1,    2, ...,   97,   98,   99],
                       [ 100,  101,  102, ...,  197,  198,  199],
                       [ 200,  201,  202, ...,  297,  298,  299],
                       ...,
                       [2700, 2701, 2702, ..., 2797, 2798, 2799],
                       [2800, 2801, 2802, ..., 2897, 2898, 2899],
                       [2900, 2901, 2902, ..., 2997, 2998, 2999]])""", range(DType.I32, 30, 100).toString());
    }

    @Test
    void dtypeSuffixesAndEmptyArrays() {
        assertEquals("array([0, 1], dtype=i64)", range(DType.I64, 2).toString());
        assertEquals("array([0., 1.], dtype=f64)", range(DType.F64, 2).toString());
        assertEquals("array([])", Tensor.zeros(DType.F32, 0).toString());
        assertEquals("array([], dtype=u8)", Tensor.zeros(DType.U8, 0).toString());
        assertEquals("array([], dtype=i32)", Tensor.zeros(DType.I32, 0).toString());
        assertEquals("array([], shape=(2, 3, 0), dtype=i64)", Tensor.zeros(DType.I64, 2, 3, 0).toString());
        assertEquals("array([], shape=(2, 0))", Tensor.zeros(DType.F32, 2, 0).toString());
        assertEquals("[]", TensorFormat.str(Tensor.zeros(DType.F32, 0)));
    }

    @Test
    void dtypeSuffixMovesToItsOwnLineWhenTheLastLineIsFull() {
        Tensor t = Tensor.zeros(DType.F64, 25);
        for (int i = 0; i < t.size(); i++) t.setDouble(i, 3 * i);
        assertEquals("""
                array([ 0.,  3.,  6.,  9., 12., 15., 18., 21., 24., 27., 30., 33., 36.,
                       39., 42., 45., 48., 51., 54., 57., 60., 63., 66., 69., 72.],
                      dtype=f64)""", t.toString());
    }
}
