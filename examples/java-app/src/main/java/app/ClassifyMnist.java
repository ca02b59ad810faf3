package app;

import app.models.MnistModel;
import dlm.runtime.data.Dataset;
import dlm.runtime.data.DatasetOptions;
import dlm.runtime.data.Datasets;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Classifies the MNIST test set with {@code MnistModel}, which dlm-maven-plugin generated from
 * {@code src/main/dlm/mnist.dlm} at build time, and weights {@code dlmc train --save} wrote:
 * {@code java -cp dlm-runtime.jar:target/classes app.ClassifyMnist WEIGHTS.npz DATA_DIR}.
 */
public final class ClassifyMnist {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ClassifyMnist WEIGHTS.npz DATA_DIR (a folder holding mnist/)");
            System.exit(2);
        }
        System.out.println("class path: " + String.join(" ", System.getProperty("java.class.path").split(File.pathSeparator)));
        for (String c : new String[] {"dlm.compiler.Frontend", "org.objectweb.asm.ClassWriter", "org.antlr.v4.runtime.Lexer"}) {
            try {
                Class.forName(c);
                System.out.println("unexpected on the class path: " + c);
                System.exit(1);
            } catch (ClassNotFoundException expected) {
                // the compiler, ASM and ANTLR are build-time tools only
            }
        }
        MnistModel model = MnistModel.load(Path.of(args[0]));
        Dataset mnist = Datasets.load("mnist", DatasetOptions.defaults().withDataDir(Path.of(args[1])));
        byte[] pixels = mnist.testImages().byteStorage();
        int n = mnist.testImages().dim(0);
        byte[][][] images = new byte[n][28][];
        for (int i = 0; i < n; i++)
            for (int y = 0; y < 28; y++) images[i][y] = Arrays.copyOfRange(pixels, (i * 28 + y) * 28, (i * 28 + y + 1) * 28);
        long start = System.nanoTime();
        float[][] scores = model.predict(images);
        double seconds = (System.nanoTime() - start) / 1e9;
        int correct = 0;
        for (int i = 0; i < n; i++) if (argmax(scores[i]) == (int) mnist.testLabels().getDouble(i)) correct++;
        System.out.printf(Locale.ROOT, "test accuracy: %.4f (%d of %d images, %.2f s, batches of %d)%n", (double) correct / n, correct, n, seconds, model.batchSize());
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
        return best;
    }
}
