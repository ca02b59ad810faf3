package dlm.compiler.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MovementOpsTest {
    private static final Dim BATCH = Dim.sym("batch");

    // ---- reshape --------------------------------------------------------------------------

    @Test
    void reshapeKeepsRowMajorOrder() {
        Tensor x = iota(DType.F32, 3, 2);
        Tensor y = eval("reshape", Attrs.of("shape", Shape.of(2, 3)), x);
        assertEquals(Tensor.of(DType.F32, new int[] {2, 3}, 0, 1, 2, 3, 4, 5), y);
        // A fresh copy: writing the result leaves the input alone.
        y.setDouble(0, 99);
        assertEquals(0.0, x.getDouble(0));
    }

    @Test
    void reshapeInfersTheMinusOneAxis() {
        TensorType x = TensorType.of(DType.F32, 3, 4);
        // Whatever the placeholder dim holds is ignored.
        assertEquals(TensorType.of(DType.F32, 6, 2), infer("reshape", Attrs.of("shape", Shape.of(0, 2), "inferAxis", 0), x));
        assertEquals(TensorType.of(DType.F32, 2, 6), infer("reshape", Attrs.of("shape", Shape.of(2, 1), "inferAxis", 1), x));
        assertEquals(TensorType.of(DType.F32, 12), infer("reshape", Attrs.of("shape", Shape.of(7), "inferAxis", 0), x));

        Tensor t = iota(DType.I32, 2, 3, 4);
        Tensor y = eval("reshape", Attrs.of("shape", Shape.of(4, 1), "inferAxis", 1), t);
        assertArrayEquals(new int[] {4, 6}, y.shape());
        assertArrayEquals(t.toDoubles(), y.toDoubles());
        // At run time the placeholder may even be symbolic.
        Tensor z = eval("reshape", Attrs.of("shape", Shape.of(BATCH, Dim.of(12)), "inferAxis", 0), t);
        assertArrayEquals(new int[] {2, 12}, z.shape());
    }

    @Test
    void reshapeSymbolic() {
        TensorType images = new TensorType(DType.U8, Shape.of(BATCH, Dim.of(28), Dim.of(28)));
        // The chapter's reshape((batch, 28 * 28)) written as [batch, -1].
        assertEquals(new TensorType(DType.U8, Shape.of(BATCH, Dim.of(784))),
                infer("reshape", Attrs.of("shape", Shape.of(BATCH, Dim.of(1)), "inferAxis", 1), images));
        // Explicit, and to one axis of batch*784 elements, with or without -1.
        assertEquals(new TensorType(DType.U8, Shape.of(BATCH, Dim.of(784))),
                infer("reshape", Attrs.of("shape", Shape.of(BATCH, Dim.of(784))), images));
        Dim flat = Dim.of(784).times(BATCH);
        assertEquals("784*batch", flat.toString());
        assertEquals(new TensorType(DType.U8, Shape.of(flat)), infer("reshape", Attrs.of("shape", Shape.of(flat)), images));
        assertEquals(new TensorType(DType.U8, Shape.of(flat)),
                infer("reshape", Attrs.of("shape", Shape.of(Dim.of(1)), "inferAxis", 0), images));
        // And back.
        assertEquals(images, infer("reshape", Attrs.of("shape", images.shape()), new TensorType(DType.U8, Shape.of(flat))));
        assertEquals(new TensorType(DType.U8, Shape.of(Dim.of(28).times(BATCH), Dim.of(28))),
                infer("reshape", Attrs.of("shape", Shape.of(Dim.of(1), Dim.of(28)), "inferAxis", 0), images));
    }

    @Test
    void reshapeErrors() {
        TensorType x = TensorType.of(DType.F32, 3, 2);
        assertInferError("cannot reshape f32[3, 2] (6 elements) to [4, -1]",
                "reshape", Attrs.of("shape", Shape.of(4, 1), "inferAxis", 1), x);
        assertInferError("cannot reshape f32[3, 2] (6 elements) to [-1, 0]",
                "reshape", Attrs.of("shape", Shape.of(1, 0), "inferAxis", 0), x);
        assertInferError("cannot reshape f32[3, 2] (6 elements) to [4, 2] (8 elements)",
                "reshape", Attrs.of("shape", Shape.of(4, 2)), x);
        assertInferError("cannot reshape f32[batch, 3] (3*batch elements) to [batch, 2] (2*batch elements)",
                "reshape", Attrs.of("shape", Shape.of(BATCH, Dim.of(2))), new TensorType(DType.F32, Shape.of(BATCH, Dim.of(3))));
        assertInferError("cannot reshape f32[batch, 3] (3*batch elements) to [5, -1]",
                "reshape", Attrs.of("shape", Shape.of(5, 1), "inferAxis", 1), new TensorType(DType.F32, Shape.of(BATCH, Dim.of(3))));
        // At run time a symbolic reshape may turn out wrong.
        ShapeException e = assertThrows(ShapeException.class,
                () -> eval("reshape", Attrs.of("shape", Shape.of(4, 1), "inferAxis", 1), iota(DType.F32, 3, 2)));
        assertEquals("cannot reshape f32[3, 2] (6 elements) to [4, -1]", e.getMessage());
    }

    // ---- transpose ------------------------------------------------------------------------

    @Test
    void transpose2d() {
        Tensor x = iota(DType.F32, 300, 20);
        Tensor y = eval("transpose", Attrs.of("perm", new int[] {1, 0}), x);
        assertArrayEquals(new int[] {20, 300}, y.shape());
        for (int i = 0; i < 300; i++) for (int j = 0; j < 20; j++) assertEquals(x.get(i, j), y.get(j, i));
        assertEquals(TensorType.of(DType.F32, 20, 300),
                infer("transpose", Attrs.of("perm", new int[] {1, 0}), TensorType.of(DType.F32, 300, 20)));
        // Without perm the axes are reversed (np.transpose(x), x.T).
        assertEquals(y, eval("transpose", Attrs.EMPTY, x));
        assertEquals(Tensor.of(DType.I32, new int[] {3, 2}, 1, 4, 2, 5, 3, 6),
                eval("transpose", Attrs.EMPTY, Tensor.of(DType.I32, new int[] {2, 3}, 1, 2, 3, 4, 5, 6)));
    }

    @Test
    void transposeRank3() {
        Tensor x = iota(DType.I64, 2, 3, 4); // x[i,j,k] = 12i + 4j + k
        Tensor y = eval("transpose", Attrs.of("perm", new int[] {2, 0, 1}), x);
        assertArrayEquals(new int[] {4, 2, 3}, y.shape()); // out axis i is in axis perm[i]
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++) assertEquals(12 * i + 4 * j + k, y.get(k, i, j));
        assertEquals(23.0, y.get(3, 1, 2));
        assertEquals(7.0, y.get(3, 0, 1));
        // Symbolic dims move with their axes.
        assertEquals(new TensorType(DType.F32, Shape.of(Dim.of(28), BATCH, Dim.of(14))),
                infer("transpose", Attrs.of("perm", new int[] {1, 0, 2}),
                        new TensorType(DType.F32, Shape.of(BATCH, Dim.of(28), Dim.of(14)))));
    }

    @Test
    void transposeRank5AgainstNaiveIndexing() {
        int[] perm = {3, 0, 4, 2, 1};
        Tensor x = iota(DType.F64, 2, 3, 1, 4, 2);
        Tensor y = eval("transpose", Attrs.of("perm", perm), x);
        assertArrayEquals(new int[] {4, 2, 2, 1, 3}, y.shape());
        int[] o = new int[5];
        for (int f = 0; f < y.size(); f++) {
            int rem = f;
            for (int a = 4; a >= 0; a--) { o[a] = rem % y.dim(a); rem /= y.dim(a); }
            int[] in = new int[5];
            for (int a = 0; a < 5; a++) in[perm[a]] = o[a];
            assertEquals(x.get(in), y.get(o));
        }
    }

    @Test
    void transposeErrors() {
        TensorType x = TensorType.of(DType.F32, 2, 3);
        assertInferError("invalid permutation [0, 0] for f32[2, 3]", "transpose", Attrs.of("perm", new int[] {0, 0}), x);
        assertInferError("invalid permutation [0] for f32[2, 3]", "transpose", Attrs.of("perm", new int[] {0}), x);
        assertInferError("invalid permutation [0, 2] for f32[2, 3]", "transpose", Attrs.of("perm", new int[] {0, 2}), x);
        assertInferError("invalid permutation [-1, 0] for f32[2, 3]", "transpose", Attrs.of("perm", new int[] {-1, 0}), x);
    }

    // ---- expandDims / squeeze ------------------------------------------------------------

    @Test
    void expandDimsAndSqueeze() {
        TensorType x = TensorType.of(DType.F32, 2, 3);
        assertEquals(TensorType.of(DType.F32, 1, 2, 3), infer("expandDims", Attrs.of("axis", 0), x));
        assertEquals(TensorType.of(DType.F32, 2, 1, 3), infer("expandDims", Attrs.of("axis", 1), x));
        assertEquals(TensorType.of(DType.F32, 2, 3, 1), infer("expandDims", Attrs.of("axis", 2), x));
        assertEquals(TensorType.of(DType.F32, 1), infer("expandDims", Attrs.of("axis", 0), TensorType.scalar(DType.F32)));

        Tensor t = iota(DType.F32, 2, 3);
        Tensor e = eval("expandDims", Attrs.of("axis", 1), t);
        assertArrayEquals(new int[] {2, 1, 3}, e.shape());
        assertArrayEquals(t.toDoubles(), e.toDoubles());

        assertEquals(TensorType.of(DType.F32, 2), infer("squeeze", Attrs.of("axes", new int[] {0, 2}), TensorType.of(DType.F32, 1, 2, 1)));
        assertEquals(TensorType.of(DType.F32, 1, 2), infer("squeeze", Attrs.of("axes", new int[] {2}), TensorType.of(DType.F32, 1, 2, 1)));
        assertEquals(TensorType.scalar(DType.F32), infer("squeeze", Attrs.of("axes", new int[] {0}), TensorType.of(DType.F32, 1)));
        assertEquals(new TensorType(DType.F32, Shape.of(BATCH)),
                infer("squeeze", Attrs.of("axes", new int[] {1}), new TensorType(DType.F32, Shape.of(BATCH, Dim.of(1)))));
        assertEquals(t, eval("squeeze", Attrs.of("axes", new int[] {1}), e));
        assertEquals(Tensor.scalar(DType.I32, 7), eval("squeeze", Attrs.of("axes", new int[] {0, 1}), Tensor.of(DType.I32, new int[] {1, 1}, 7)));
    }

    @Test
    void expandDimsAndSqueezeErrors() {
        TensorType x = TensorType.of(DType.F32, 2, 3);
        assertInferError("cannot insert axis 3 into f32[2, 3]: the axis must be in 0..2", "expandDims", Attrs.of("axis", 3), x);
        assertInferError("cannot squeeze axis 1 of f32[2, 3]: its size is 3", "squeeze", Attrs.of("axes", new int[] {1}), x);
        assertInferError("cannot squeeze axis 2 of f32[2, 3]: it has rank 2", "squeeze", Attrs.of("axes", new int[] {2}), x);
        assertInferError("cannot squeeze axis 0 of f32[1, 3] twice", "squeeze", Attrs.of("axes", new int[] {0, 0}), TensorType.of(DType.F32, 1, 3));
        assertInferError("cannot squeeze axis 0 of f32[batch, 3]: its size is batch", "squeeze", Attrs.of("axes", new int[] {0}),
                new TensorType(DType.F32, Shape.of(BATCH, Dim.of(3))));
    }

    // ---- tile -----------------------------------------------------------------------------

    @Test
    void tileTheChaptersY() {
        // np.tile(y, (32, 1)) with y of shape (1, 10): 32 copies of the row.
        Tensor y = iota(DType.F32, 1, 10);
        Tensor t = eval("tile", Attrs.of("reps", new int[] {32, 1}), y);
        assertArrayEquals(new int[] {32, 10}, t.shape());
        for (int i = 0; i < 32; i++) for (int j = 0; j < 10; j++) assertEquals(j, t.get(i, j));
    }

    @Test
    void tileValuesAndRankAlignment() {
        // np.tile([[1,2],[3,4]], (2,2))
        Tensor m = Tensor.of(DType.I32, new int[] {2, 2}, 1, 2, 3, 4);
        assertEquals(Tensor.of(DType.I32, new int[] {4, 4}, 1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4),
                eval("tile", Attrs.of("reps", new int[] {2, 2}), m));
        // reps shorter than rank: leading 1s. np.tile([[1,2],[3,4]], 2)
        assertEquals(Tensor.of(DType.I32, new int[] {2, 4}, 1, 2, 1, 2, 3, 4, 3, 4), eval("tile", Attrs.of("reps", new int[] {2}), m));
        // reps longer than rank: the input gets leading 1-axes. np.tile([1,2,3], (2,2))
        Tensor v = Tensor.of(DType.I32, new int[] {3}, 1, 2, 3);
        assertEquals(Tensor.of(DType.I32, new int[] {2, 6}, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3),
                eval("tile", Attrs.of("reps", new int[] {2, 2}), v));
        assertEquals(TensorType.of(DType.F32, 2, 2, 3), infer("tile", Attrs.of("reps", new int[] {2, 1, 1}), TensorType.of(DType.F32, 2, 3)));
        assertEquals(TensorType.of(DType.F32, 0, 3), infer("tile", Attrs.of("reps", new int[] {0, 1}), TensorType.of(DType.F32, 2, 3)));
        assertEquals(TensorType.of(DType.F32, 4), infer("tile", Attrs.of("reps", new int[] {4}), TensorType.scalar(DType.F32)));
        // Symbolic dims multiply.
        assertEquals(new TensorType(DType.F32, Shape.of(BATCH, Dim.of(6))),
                infer("tile", Attrs.of("reps", new int[] {1, 2}), new TensorType(DType.F32, Shape.of(BATCH, Dim.of(3)))));
        assertEquals(new TensorType(DType.F32, Shape.of(Dim.of(2).times(BATCH))),
                infer("tile", Attrs.of("reps", new int[] {2}), new TensorType(DType.F32, Shape.of(BATCH))));
        assertInferError("cannot tile f32[2, 3] by [-1, 2]: repetitions must be 0 or more", "tile",
                Attrs.of("reps", new int[] {-1, 2}), TensorType.of(DType.F32, 2, 3));
    }

    // ---- broadcastTo ----------------------------------------------------------------------

    @Test
    void broadcastTo() {
        Tensor v = Tensor.of(DType.F32, new int[] {3}, 1, 2, 3);
        assertEquals(Tensor.of(DType.F32, new int[] {2, 3}, 1, 2, 3, 1, 2, 3), eval("broadcastTo", Attrs.of("shape", Shape.of(2, 3)), v));
        Tensor col = Tensor.of(DType.F32, new int[] {2, 1}, 1, 2);
        assertEquals(Tensor.of(DType.F32, new int[] {2, 3}, 1, 1, 1, 2, 2, 2), eval("broadcastTo", Attrs.of("shape", Shape.of(2, 3)), col));
        assertEquals(Tensor.of(DType.I64, new int[] {2, 2}, 5, 5, 5, 5), eval("broadcastTo", Attrs.of("shape", Shape.of(2, 2)), Tensor.scalar(DType.I64, 5)));
        assertEquals(Tensor.zeros(DType.F32, 0, 3), eval("broadcastTo", Attrs.of("shape", Shape.of(0, 3)), v));

        Shape batch10 = Shape.of(BATCH, Dim.of(10));
        assertEquals(new TensorType(DType.F32, batch10), infer("broadcastTo", Attrs.of("shape", batch10), TensorType.of(DType.F32, 1, 10)));
        assertEquals(new TensorType(DType.F32, batch10), infer("broadcastTo", Attrs.of("shape", batch10), new TensorType(DType.F32, batch10)));

        assertInferError("cannot broadcast f32[3] to [4]: axis 0 is 3 vs 4", "broadcastTo", Attrs.of("shape", Shape.of(4)), TensorType.of(DType.F32, 3));
        assertInferError("cannot broadcast f32[2, 3] to [5, 2, 4]: axis 2 is 3 vs 4", "broadcastTo",
                Attrs.of("shape", Shape.of(5, 2, 4)), TensorType.of(DType.F32, 2, 3));
        assertInferError("cannot broadcast f32[2, 3] to [3]: rank 2 is more than 1", "broadcastTo",
                Attrs.of("shape", Shape.of(3)), TensorType.of(DType.F32, 2, 3));
        assertInferError("cannot broadcast f32[batch, 10] to [32, 10]: axis 0 is batch vs 32", "broadcastTo",
                Attrs.of("shape", Shape.of(32, 10)), new TensorType(DType.F32, batch10));
    }

    // ---- slice ----------------------------------------------------------------------------

    @Test
    void sliceTheChaptersShapes() {
        TensorType images = TensorType.of(DType.U8, 60000, 28, 28);
        // train_images[10:100]
        assertEquals(TensorType.of(DType.U8, 90, 28, 28), infer("slice", slice(new int[] {0}, new int[] {10}, new int[] {100}, new int[] {1}), images));
        // train_images[:, 14:, 14:]
        Attrs corner = slice(new int[] {1, 2}, new int[] {14, 14}, new int[] {28, 28}, new int[] {1, 1});
        assertEquals(TensorType.of(DType.U8, 60000, 14, 14), infer("slice", corner, images));
        // train_images[:, 7:-7, 7:-7], -7 normalized to 21 by the checker
        Attrs centre = slice(new int[] {1, 2}, new int[] {7, 7}, new int[] {21, 21}, new int[] {1, 1});
        assertEquals(TensorType.of(DType.U8, 60000, 14, 14), infer("slice", centre, images));
        // Axes that are not sliced may be symbolic.
        assertEquals(new TensorType(DType.U8, Shape.of(BATCH, Dim.of(14), Dim.of(14))),
                infer("slice", centre, new TensorType(DType.U8, Shape.of(BATCH, Dim.of(28), Dim.of(28)))));
    }

    @Test
    void sliceValues() {
        Tensor x = iota(DType.I32, 200); // x[i] = i
        Tensor y = eval("slice", slice(new int[] {0}, new int[] {10}, new int[] {100}, new int[] {1}), x);
        assertArrayEquals(new int[] {90}, y.shape());
        for (int i = 0; i < 90; i++) assertEquals(10 + i, y.get(i));

        // x[1:8:3] = [1, 4, 7]; x[1:7:3] = [1, 4]; x[5:5] and x[6:2] are empty
        assertEquals(Tensor.of(DType.I32, new int[] {3}, 1, 4, 7), eval("slice", slice(new int[] {0}, new int[] {1}, new int[] {8}, new int[] {3}), x));
        assertEquals(Tensor.of(DType.I32, new int[] {2}, 1, 4), eval("slice", slice(new int[] {0}, new int[] {1}, new int[] {7}, new int[] {3}), x));
        assertEquals(Tensor.zeros(DType.I32, 0), eval("slice", slice(new int[] {0}, new int[] {5}, new int[] {5}, new int[] {1}), x));
        assertEquals(Tensor.zeros(DType.I32, 0), eval("slice", slice(new int[] {0}, new int[] {6}, new int[] {2}, new int[] {1}), x));

        // m[i, j] = 5i + j; m[1:5:2, ::2] = rows 1, 3 and columns 0, 2, 4
        Tensor m = iota(DType.F32, 6, 5);
        assertEquals(Tensor.of(DType.F32, new int[] {2, 3}, 5, 7, 9, 15, 17, 19),
                eval("slice", slice(new int[] {0, 1}, new int[] {1, 0}, new int[] {5, 5}, new int[] {2, 2}), m));
        // Axes listed out of order; m[:, 3:] with rows 4: unlisted rows are whole
        assertEquals(Tensor.of(DType.F32, new int[] {2, 2}, 23, 24, 28, 29),
                eval("slice", slice(new int[] {1, 0}, new int[] {3, 4}, new int[] {5, 6}, new int[] {1, 1}), m));
        assertEquals(Tensor.of(DType.F32, new int[] {6, 1}, 4, 9, 14, 19, 24, 29),
                eval("slice", slice(new int[] {1}, new int[] {4}, new int[] {5}, new int[] {1}), m));

        // The chapter's crop on a concrete image batch: pixel [n, 7 + i, 7 + j]
        Tensor imgs = iota(DType.I32, 2, 28, 28);
        Tensor c = eval("slice", slice(new int[] {1, 2}, new int[] {7, 7}, new int[] {21, 21}, new int[] {1, 1}), imgs);
        assertArrayEquals(new int[] {2, 14, 14}, c.shape());
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < 14; i++)
                for (int j = 0; j < 14; j++) assertEquals(imgs.get(n, 7 + i, 7 + j), c.get(n, i, j));
    }

    /** Negative steps walk down from start to just above stop; stop -1 reads through index 0. */
    @Test
    void sliceWithNegativeSteps() {
        Tensor x = Tensor.of(DType.I32, new int[] {7}, 0, 1, 2, 3, 4, 5, 6);
        assertEquals(Tensor.of(DType.I32, new int[] {7}, 6, 5, 4, 3, 2, 1, 0), eval("slice", slice(new int[] {0}, new int[] {6}, new int[] {-1}, new int[] {-1}), x));
        assertEquals(Tensor.of(DType.I32, new int[] {2}, 5, 3), eval("slice", slice(new int[] {0}, new int[] {5}, new int[] {1}, new int[] {-2}), x));
        assertEquals(Tensor.of(DType.I32, new int[] {2}, 5, 2), eval("slice", slice(new int[] {0}, new int[] {5}, new int[] {-1}, new int[] {-3}), x));
        assertEquals(Tensor.zeros(DType.I32, 0), eval("slice", slice(new int[] {0}, new int[] {1}, new int[] {4}, new int[] {-1}), x));
        assertEquals(Tensor.zeros(DType.I32, 0), eval("slice", slice(new int[] {0}, new int[] {-1}, new int[] {-1}, new int[] {-1}), x));
        Tensor m = Tensor.of(DType.I32, new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
        assertEquals(Tensor.of(DType.I32, new int[] {2, 2}, 6, 4, 3, 1),
                eval("slice", slice(new int[] {0, 1}, new int[] {1, 2}, new int[] {-1, -1}, new int[] {-1, -2}), m));
        assertEquals(TensorType.of(DType.I32, 4), infer("slice", slice(new int[] {0}, new int[] {6}, new int[] {-1}, new int[] {-2}), TensorType.of(DType.I32, 7)));
    }

    @Test
    void sliceErrors() {
        TensorType x = TensorType.of(DType.F32, 60, 28);
        assertInferError("slice 0:100 is out of range for axis 0 of f32[60, 28]", "slice",
                slice(new int[] {0}, new int[] {0}, new int[] {100}, new int[] {1}), x);
        assertInferError("slice 30:20:2 is out of range for axis 1 of f32[60, 28]", "slice",
                slice(new int[] {1}, new int[] {30}, new int[] {20}, new int[] {2}), x);
        assertInferError("slice 0:5:0 of f32[60, 28]: the step must not be 0", "slice",
                slice(new int[] {0}, new int[] {0}, new int[] {5}, new int[] {0}), x);
        assertInferError("slice 28:0:-1 is out of range for axis 1 of f32[60, 28]", "slice",
                slice(new int[] {1}, new int[] {28}, new int[] {0}, new int[] {-1}), x);
        assertInferError("slice 5:-2:-1 is out of range for axis 1 of f32[60, 28]", "slice",
                slice(new int[] {1}, new int[] {5}, new int[] {-2}, new int[] {-1}), x);
        assertInferError("cannot slice axis 2 of f32[60, 28]: it has rank 2", "slice",
                slice(new int[] {2}, new int[] {0}, new int[] {1}, new int[] {1}), x);
        assertInferError("cannot slice axis 0 of f32[60, 28] twice", "slice",
                slice(new int[] {0, 0}, new int[] {0, 1}, new int[] {1, 2}, new int[] {1, 1}), x);
        assertInferError("cannot slice axis 0 of f32[batch, 28]: its size batch is not known statically", "slice",
                slice(new int[] {0}, new int[] {0}, new int[] {1}, new int[] {1}), new TensorType(DType.F32, Shape.of(BATCH, Dim.of(28))));
        assertInferError("slice needs one start, stop and step per axis, got 1 axes, 2 starts, 1 stops and 1 steps", "slice",
                slice(new int[] {0}, new int[] {0, 1}, new int[] {1}, new int[] {1}), x);
    }

    // ---- concat ---------------------------------------------------------------------------

    @Test
    void concat() {
        Tensor a = Tensor.of(DType.F32, new int[] {2, 2}, 1, 2, 3, 4);
        Tensor b = Tensor.of(DType.F32, new int[] {1, 2}, 5, 6);
        Tensor c = Tensor.of(DType.F32, new int[] {2, 1}, 7, 8);
        assertEquals(Tensor.of(DType.F32, new int[] {3, 2}, 1, 2, 3, 4, 5, 6), eval("concat", Attrs.of("axis", 0), a, b));
        assertEquals(Tensor.of(DType.F32, new int[] {2, 3}, 1, 2, 7, 3, 4, 8), eval("concat", Attrs.of("axis", 1), a, c));
        assertEquals(Tensor.of(DType.F32, new int[] {2, 5}, 7, 1, 2, 7, 7, 8, 3, 4, 8, 8), eval("concat", Attrs.of("axis", 1), c, a, c, c));
        assertEquals(a, eval("concat", Attrs.of("axis", 0), a));
        assertEquals(Tensor.of(DType.I32, new int[] {5}, 1, 2, 3, 4, 5),
                eval("concat", Attrs.of("axis", 0), Tensor.of(DType.I32, new int[] {2}, 1, 2), Tensor.zeros(DType.I32, 0), Tensor.of(DType.I32, new int[] {3}, 3, 4, 5)));

        // Rank 3 on the middle axis, against indexing.
        Tensor p = iota(DType.F64, 2, 3, 2), q = iota(DType.F64, 2, 1, 2);
        Tensor r = eval("concat", Attrs.of("axis", 1), p, q);
        assertArrayEquals(new int[] {2, 4, 2}, r.shape());
        for (int i = 0; i < 2; i++)
            for (int k = 0; k < 2; k++) {
                for (int j = 0; j < 3; j++) assertEquals(p.get(i, j, k), r.get(i, j, k));
                assertEquals(q.get(i, 0, k), r.get(i, 3, k));
            }

        TensorType bx = new TensorType(DType.F32, Shape.of(BATCH, Dim.of(3)));
        assertEquals(new TensorType(DType.F32, Shape.of(BATCH, Dim.of(5))),
                infer("concat", Attrs.of("axis", 1), bx, new TensorType(DType.F32, Shape.of(BATCH, Dim.of(2)))));
        assertEquals(new TensorType(DType.F32, Shape.of(Dim.of(2).times(BATCH), Dim.of(3))), infer("concat", Attrs.of("axis", 0), bx, bx));
    }

    @Test
    void concatErrors() {
        TensorType a = TensorType.of(DType.F32, 2, 3);
        assertInferError("cannot concatenate f32[2, 3] and f32[2, 4] on axis 0: axis 1 is 3 vs 4", "concat", Attrs.of("axis", 0), a, TensorType.of(DType.F32, 2, 4));
        assertInferError("cannot concatenate f32[2, 3] and f32[3] on axis 0: ranks 2 vs 1", "concat", Attrs.of("axis", 0), a, TensorType.of(DType.F32, 3));
        assertInferError("dtype mismatch: f32[2, 3] and f64[2, 3]", "concat", Attrs.of("axis", 0), a, TensorType.of(DType.F64, 2, 3));
        assertInferError("cannot concatenate f32[2, 3] on axis 2: it has rank 2", "concat", Attrs.of("axis", 2), a);
        assertInferError("cannot concatenate f32: operands must have rank 1 or more", "concat", Attrs.of("axis", 0), TensorType.scalar(DType.F32));
        assertInferError("cannot concatenate [f32[batch, 3], f32[2, 3]] on axis 0: the sum batch + 2 is not a single dimension", "concat",
                Attrs.of("axis", 0), new TensorType(DType.F32, Shape.of(BATCH, Dim.of(3))), a);
        assertThrows(ShapeException.class, () -> OpRegistry.get("concat").infer(List.of(), Attrs.of("axis", 0)));
    }

    // ---- every dtype, ranks 0 to 5 ---------------------------------------------------------

    /**
     * For each rank 0..5 and every dtype, identities that must hold exactly (bit for bit):
     * transposing by a permutation then by its inverse, expanding then squeezing, flattening
     * then reshaping back, tiling by ones, broadcasting to the same shape, slicing whole axes
     * and concatenating a single operand all give back the input; and a transpose matches
     * naive indexing.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void everyDtypeAndRankIsMovedExactly(DType dt) {
        int[] full = {2, 3, 1, 4, 2};
        for (int rank = 0; rank <= 5; rank++) {
            int[] shape = Arrays.copyOf(full, rank);
            Tensor x = awkward(dt, shape);
            Tensor before = x.copy();
            String what = dt + Arrays.toString(shape);

            int[] perm = new int[rank], inverse = new int[rank];
            for (int i = 0; i < rank; i++) perm[i] = (i + 1) % rank; // rotate the axes
            for (int i = 0; i < rank; i++) inverse[perm[i]] = i;
            Tensor t = eval("transpose", Attrs.of("perm", perm), x);
            assertEquals(before, eval("transpose", Attrs.of("perm", inverse), t), what);
            int[] o = new int[rank];
            for (int f = 0; f < t.size(); f++) {
                int rem = f;
                for (int a = rank - 1; a >= 0; a--) { o[a] = rem % t.dim(a); rem /= t.dim(a); }
                int[] in = new int[rank];
                for (int a = 0; a < rank; a++) in[perm[a]] = o[a];
                assertEquals(x.getLong(x.flatIndex(in)), t.getLong(t.flatIndex(o)), what);
            }

            assertEquals(before, eval("squeeze", Attrs.of("axes", new int[] {rank}), eval("expandDims", Attrs.of("axis", rank), x)), what);
            Tensor flat = eval("reshape", Attrs.of("shape", Shape.of(1), "inferAxis", 0), x);
            assertArrayEquals(new int[] {x.size()}, flat.shape());
            assertEquals(before, eval("reshape", Attrs.of("shape", Shape.of(shape)), flat), what);
            int[] ones = new int[rank];
            Arrays.fill(ones, 1);
            assertEquals(before, eval("tile", Attrs.of("reps", ones), x), what);
            assertEquals(before, eval("broadcastTo", Attrs.of("shape", Shape.of(shape)), x), what);
            int[] axes = new int[rank], steps = new int[rank];
            for (int i = 0; i < rank; i++) { axes[i] = i; steps[i] = 1; }
            assertEquals(before, eval("slice", slice(axes, new int[rank], shape, steps), x), what);
            if (rank > 0) assertEquals(before, eval("concat", Attrs.of("axis", rank - 1), x), what);

            // Doubling along the last axis, by tile and by concat, agree.
            if (rank > 0) {
                int[] reps = ones.clone();
                reps[rank - 1] = 2;
                assertEquals(eval("tile", Attrs.of("reps", reps), x), eval("concat", Attrs.of("axis", rank - 1), x, x), what);
            }
            assertEquals(before, x, what + ": inputs are never modified");
        }
    }

    @Test
    void valuesADoubleCannotHoldSurvive() {
        long big = (1L << 62) + 1;
        Tensor x = Tensor.zeros(DType.I64, 2, 1);
        x.setLong(0, big);
        x.setLong(1, -big);
        // transpose: [[big, -big]]; tile by (1, 3): [[big, -big, big, -big, big, -big]]
        Tensor y = eval("tile", Attrs.of("reps", new int[] {1, 3}), eval("transpose", Attrs.EMPTY, x));
        assertArrayEquals(new int[] {1, 6}, y.shape());
        for (int i = 0; i < 6; i++) assertEquals(i % 2 == 0 ? big : -big, y.getLong(i));
    }

    // ---- helpers --------------------------------------------------------------------------

    private static Attrs slice(int[] axes, int[] starts, int[] stops, int[] steps) {
        return Attrs.of("axes", axes, "starts", starts, "stops", stops, "steps", steps);
    }

    private static TensorType infer(String op, Attrs attrs, TensorType... inputs) {
        return OpRegistry.get(op).infer(List.of(inputs), attrs);
    }

    private static Tensor eval(String op, Attrs attrs, Tensor... inputs) {
        return OpRegistry.get(op).eval(List.of(inputs), attrs);
    }

    private static void assertInferError(String message, String op, Attrs attrs, TensorType... inputs) {
        ShapeException e = assertThrows(ShapeException.class, () -> infer(op, attrs, inputs));
        assertEquals(message, e.getMessage());
    }

    /** Row-major 0, 1, 2, ... */
    private static Tensor iota(DType dt, int... shape) {
        Tensor t = Tensor.zeros(dt, shape);
        for (int i = 0; i < t.size(); i++) t.setLong(i, i);
        return t;
    }

    /** Distinct-ish values that stress exactness: negative zero and NaN in floats, extremes in integers. */
    private static Tensor awkward(DType dt, int[] shape) {
        Tensor t = Tensor.zeros(dt, shape);
        for (int i = 0; i < t.size(); i++) {
            switch (dt) {
                case BOOL -> t.setLong(i, i % 3 == 0 ? 1 : 0);
                case U8 -> t.setLong(i, (i * 37 + 255) % 256);
                case I32 -> t.setLong(i, i % 5 == 0 ? Integer.MIN_VALUE + i : i * 1_000_003L);
                case I64 -> t.setLong(i, (1L << 60) + i * 3 + 1);
                default -> t.setDouble(i, i == 1 ? -0.0 : i == 2 ? Double.NaN : i * 0.1 - 1);
            }
        }
        return t;
    }
}
