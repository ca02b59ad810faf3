package dlm.compiler.ops;

/**
 * A shape seen as {@code [outer, n, inner]} around a block of adjacent axes: the layout the
 * one-axis kernels of {@code dlm.runtime.exec} take (element k of row (o, i) at
 * {@code (o*n + k)*inner + i}).
 */
record AxisBlock(int outer, int n, int inner) {

    /** Around the single axis {@code axis} of {@code shape}. */
    static AxisBlock around(int[] shape, int axis) { return around(shape, axis, axis); }

    /** Around the axes {@code first..last} (inclusive) of {@code shape}. */
    static AxisBlock around(int[] shape, int first, int last) {
        int outer = 1, n = 1, inner = 1;
        for (int a = 0; a < shape.length; a++) {
            if (a < first) outer *= shape[a];
            else if (a <= last) n *= shape[a];
            else inner *= shape[a];
        }
        return new AxisBlock(outer, n, inner);
    }

    /**
     * Around the axes in {@code mask}, or null when they are not one run of adjacent axes (axes
     * of size 1 do not count: they may sit anywhere). No masked axis: n = 1.
     */
    static AxisBlock aroundMask(int[] shape, boolean[] mask) {
        int first = -1, last = -1;
        for (int a = 0; a < shape.length; a++) {
            if (!mask[a] || shape[a] == 1) continue;
            if (first < 0) first = a;
            last = a;
        }
        if (first < 0) return new AxisBlock(sizeOf(shape), 1, 1);
        for (int a = first; a <= last; a++) if (!mask[a] && shape[a] != 1) return null;
        return around(shape, first, last);
    }

    private static int sizeOf(int[] shape) {
        int s = 1;
        for (int d : shape) s *= d;
        return s;
    }
}
