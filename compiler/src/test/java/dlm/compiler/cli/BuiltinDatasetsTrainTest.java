package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.data.DataFile;
import dlm.runtime.data.Dataset;
import dlm.runtime.data.DatasetOptions;
import dlm.runtime.data.DatasetSpec;
import dlm.runtime.data.Datasets;
import dlm.runtime.data.Progress;
import dlm.runtime.train.EpochResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on cifar10() and bostonHousing() from small generated files (the real ones are not
 * available offline; their download is tested in the runtime's Cifar10AndBostonTest): the
 * train loop takes their u8 [n, 32, 32, 3] images and f32 [n, 13] features and f32 targets.
 */
class BuiltinDatasetsTrainTest {

    @TempDir
    Path tmp;

    /** A learnable table: y = x0 + 2·x1 − x2 with x a small deterministic pattern. */
    private static byte[] bostonLike(int n) throws IOException {
        double[] x = new double[n * 13], y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 13; j++) x[i * 13 + j] = ((i * 7 + j * 3) % 11) / 5.0 - 1;
            y[i] = x[i * 13] + 2 * x[i * 13 + 1] - x[i * 13 + 2];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(npy("(" + n + ", 13)", x));
            zip.putNextEntry(new ZipEntry("y.npy"));
            zip.write(npy("(" + n + ",)", y));
        }
        return out.toByteArray();
    }

    private static byte[] npy(String shape, double[] v) {
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }";
        header += " ".repeat(63 - (10 + header.length()) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        for (double d : v) b.putDouble(d);
        return b.array();
    }

    @Test
    void aRegressionTrainsOnBostonHousingsArraysAndItsLossFalls() throws Exception {
        byte[] npz = bostonLike(200);
        Path data = Files.createDirectories(tmp.resolve("data/boston-housing"));
        Files.write(data.resolve("boston_housing.npz"), npz);
        DataFile real = DatasetSpec.BOSTON_HOUSING.files().get(0);
        DatasetSpec spec = new DatasetSpec("boston-housing", List.of(), List.of(new DataFile(real.fileName(), DataFile.UNKNOWN_SIZE, null,
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(npz)), real.contents())), DatasetSpec.Format.KERAS_BOSTON_NPZ);
        DatasetOptions options = new DatasetOptions(tmp.resolve("data"), Map.of(), tmp.resolve("home"), null, null, Duration.ofSeconds(5), false, false, Progress.silent());
        Dataset d = Datasets.load(spec, options);
        assertEquals(160, d.trainImages().dim(0));

        CheckedProgram p = Frontend.compile("housing.dlm", """
                import std.nn.*
                model Housing(x: f32[batch, 13]) {
                    return dense(dense(x, units = 16, activation = ::relu), units = 1)
                }
                train(Housing) {
                    data = bostonHousing()
                    loss = ::meanSquaredError
                    optimizer = adam(learningRate = 0.01)
                    metrics = [::meanAbsoluteError]
                    epochs = 8
                    batchSize = 16
                }
                """);
        List<EpochResult> h = fit(p, d).history();
        assertEquals(8, h.size());
        assertTrue(Double.isFinite(h.get(7).loss()) && h.get(7).loss() < h.get(0).loss() / 2, h.toString());
    }

    private static TrainRun.Outcome fit(CheckedProgram p, Dataset d) throws IOException {
        PrintStream none = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        TrainRun.Reports reports = new TrainRun.Reports(null, note -> {}, none, r -> {});
        return TrainRun.fit(p, p.trains().get(0), TrainGraph.build(p, p.trains().get(0)), 1L, d, new TrainRun.Request(0, 0, 0, null, null, null), null, reports);
    }

    @Test
    void dlmcTrainsAConvnetOnCifar10sExtractedBatchesAndPrintsItsClasses() throws IOException {
        // an extracted copy in the cache (as after a download) is used as is: no archive, no network
        Path home = tmp.resolve("home");
        Path batches = Files.createDirectories(home.resolve(".dlm/datasets/cifar10/cifar-10-batches-bin"));
        for (String f : List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin")) {
            byte[] b = new byte[8 * 3073];
            for (int r = 0; r < 8; r++) {
                b[r * 3073] = (byte) (r % 2);                           // two classes: dark and bright images
                for (int k = 1; k < 3073; k++) b[r * 3073 + k] = (byte) (r % 2 == 0 ? (k * 5) % 100 : 155 + (k * 5) % 100);
            }
            Files.write(batches.resolve(f), b);
        }
        Path f = Files.writeString(tmp.resolve("cifar.dlm"), """
                import std.nn.*
                model Cifar(images: u8[batch, 32, 32, 3]) {
                    val x = images.toF32() / 255f
                    val conv = conv2d(x, filters = 4, kernelSize = 3, activation = ::relu)
                    return dense(flatten(maxPooling2d(conv, poolSize = 4)), units = 10, activation = ::softmax)
                }
                train(Cifar) {
                    data = cifar10()
                    loss = ::sparseCategoricalCrossentropy
                    optimizer = adam()
                    metrics = [::accuracy]
                    epochs = 2
                    batchSize = 8
                }
                """);
        String saved = System.getProperty("user.home");
        CliRunner r;
        try {
            System.setProperty("user.home", home.toString());
            r = CliRunner.run("train", f.toString(), "--json", tmp.resolve("run.json").toString(), "--report", tmp.resolve("run.html").toString());
        } finally {
            System.setProperty("user.home", saved);
        }
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("cifar10: 10 classes: airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck\n"), r.out());
        // 5 batches of 8 images: 40 training images, 5 steps of 8; 8 test images
        assertTrue(r.out().contains("Epoch 2/2  5/5 "), r.out());
        assertTrue(r.out().contains("test_loss: "), r.out());
        // the training report's confusion matrix names the classes
        String json = Files.readString(tmp.resolve("run.json"));
        assertTrue(json.contains("\"0 airplane\"") && json.contains("\"9 truck\""), json.length() > 2000 ? json.substring(0, 2000) : json);
    }
}
