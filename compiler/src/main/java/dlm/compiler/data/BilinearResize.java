package dlm.compiler.data;

/**
 * TensorFlow's {@code tf.image.resize(…, method = "bilinear")} (half-pixel centres, no antialias),
 * which Keras's {@code image_dataset_from_directory} applies to every image: output pixel i samples
 * the input at {@code (i + 0.5) · in / out − 0.5}, between the two nearest pixels (clamped at the
 * edges), in float arithmetic in TensorFlow's order, so that the results match its bit for bit.
 */
final class BilinearResize {
    private BilinearResize() {}

    /** img: h × w × c values, row-major; the result: outH × outW × c. */
    static float[] resize(float[] img, int h, int w, int c, int outH, int outW) {
        int[] yLo = new int[outH], yHi = new int[outH], xLo = new int[outW], xHi = new int[outW];
        float[] yLerp = weights(h, outH, yLo, yHi), xLerp = weights(w, outW, xLo, xHi);
        float[] out = new float[outH * outW * c];
        for (int y = 0; y < outH; y++) {
            int top = yLo[y] * w * c, bottom = yHi[y] * w * c;
            float dy = yLerp[y];
            for (int x = 0; x < outW; x++) {
                int left = xLo[x] * c, right = xHi[x] * c;
                float dx = xLerp[x];
                for (int k = 0; k < c; k++) {
                    float topLeft = img[top + left + k], topRight = img[top + right + k];
                    float bottomLeft = img[bottom + left + k], bottomRight = img[bottom + right + k];
                    float t = topLeft + (topRight - topLeft) * dx;
                    float b = bottomLeft + (bottomRight - bottomLeft) * dx;
                    out[(y * outW + x) * c + k] = t + (b - t) * dy;
                }
            }
        }
        return out;
    }

    /** TensorFlow's compute_interpolation_weights: for each output index, its two input indices and the weight of the upper one. */
    private static float[] weights(int in, int out, int[] lo, int[] hi) {
        float scale = (float) in / (float) out;
        float[] lerp = new float[out];
        for (int i = 0; i < out; i++) {
            float at = ((float) i + 0.5f) * scale - 0.5f;
            float floor = (float) Math.floor(at);
            lo[i] = Math.max((int) floor, 0);
            hi[i] = Math.min((int) Math.ceil(at), in - 1);
            lerp[i] = at - floor;
        }
        return lerp;
    }
}
