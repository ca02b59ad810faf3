package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dlmc train --shards K} on 600 real MNIST digits: one shard writes the ordinary run's
 * checkpoint byte for byte, four shards train (a different rounding), and the options' mistakes
 * are usage errors.
 */
class ShardsCliTest {
    @TempDir
    Path tmp;

    @Test
    void oneShardWritesTheOrdinaryCheckpointAndFourShardsTrain() throws IOException {
        String mnist = TestFiles.example("mnist.dlm").toString(), data = TestFiles.dataDir().toString();
        Path plain = tmp.resolve("plain.npz"), one = tmp.resolve("one.npz"), four = tmp.resolve("four.npz");
        CliRunner a = CliRunner.run("train", mnist, "--data", data, "--limit", "600", "--epochs", "1", "--save", plain.toString());
        assertEquals(0, a.status(), a.err());
        CliRunner b = CliRunner.run("train", mnist, "--data", data, "--limit", "600", "--epochs", "1", "--shards", "1", "--save", one.toString());
        assertEquals(0, b.status(), b.err());
        assertEquals(a.out().replaceAll("\\d+\\.\\ds \\d+ms/step", ""), b.out().replaceAll("\\d+\\.\\ds \\d+ms/step", ""));
        assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(one));
        CliRunner c = CliRunner.run("train", mnist, "--data", data, "--limit", "600", "--epochs", "1", "--shards", "4", "--save", four.toString());
        assertEquals(0, c.status(), c.err());
        assertTrue(c.out().contains("test_acc: 0."), c.out());
        assertNotEquals(java.util.Arrays.hashCode(Files.readAllBytes(plain)), java.util.Arrays.hashCode(Files.readAllBytes(four)));
    }

    @Test
    void sampleWeightsFromTheDataAreRefusedAtTheTrainBlock() throws IOException {
        StringBuilder csv = new StringBuilder("a,w,y\n");
        for (int i = 0; i < 20; i++) csv.append(i).append(',').append(i % 3).append(',').append(2 * i).append('\n');
        Files.writeString(tmp.resolve("t.csv"), csv);
        Path dlm = tmp.resolve("w.dlm");
        Files.writeString(dlm, """
                import std.nn.*
                model Reg(x: f32[batch, 1]) { return dense(x, units = 1) }
                train(Reg) {
                    data = csv("t.csv", target = "y", sampleWeight = "w")
                    loss = ::meanSquaredError
                    optimizer = sgd(learningRate = 1e-3)
                    batchSize = 4
                }
                """);
        for (String k : new String[] {"1", "2"}) {
            CliRunner r = CliRunner.run("train", dlm.toString(), "--shards", k);
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().contains("error: data-parallel training (--shards) does not support sample weights from the data yet"), r.err());
            assertTrue(r.err().contains(dlm + ":3:1"), r.err());
        }
        assertEquals(0, CliRunner.run("train", dlm.toString(), "--epochs", "1").status()); // the same program trains without --shards
    }

    @Test
    void mistakesWithShardsAreUsageErrors() {
        String mnist = TestFiles.example("mnist.dlm").toString();
        CliRunner r = CliRunner.run("train", mnist, "--shards", "0");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--shards must be a whole number from 1 to 4096"), r.err());
        r = CliRunner.run("train", mnist, "--shards", "2", "--backend", "interp");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--shards runs compiled steps"), r.err());
        r = CliRunner.run("train", mnist, "--spark", "local[2]");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--spark needs --shards K"), r.err());
        // the core jar has no Spark: without dlm-spark on the class path, --spark says where to get it
        r = CliRunner.run("train", mnist, "--shards", "2", "--spark", "local[2]", "--data", TestFiles.dataDir().toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("--spark needs the dlm-spark jar"), r.err());
        r = CliRunner.run("train", mnist, "--sync-every", "2");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--sync-every needs --shards K: it averages the K shards' replicas"), r.err());
        r = CliRunner.run("train", mnist, "--shards", "2", "--sync-every", "0");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--sync-every must be a whole number from 1 to"), r.err());
        // the core jar has no Hadoop: a file system URI for --save says where to get it
        r = CliRunner.run("train", mnist, "--save", "hdfs://namenode:8020/ck.npz");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--save hdfs://namenode:8020/ck.npz: a file system URI needs the dlm-spark jar (Hadoop's FileSystem) on the class path"), r.err());
    }

    @Test
    void syncEveryTrainsLocalSgd() throws IOException {
        String mnist = TestFiles.example("mnist.dlm").toString(), data = TestFiles.dataDir().toString();
        Path avg = tmp.resolve("avg.npz"), local = tmp.resolve("local.npz");
        CliRunner a = CliRunner.run("train", mnist, "--data", data, "--limit", "600", "--epochs", "1", "--shards", "2", "--save", avg.toString());
        assertEquals(0, a.status(), a.err());
        CliRunner b = CliRunner.run("train", mnist, "--data", data, "--limit", "600", "--epochs", "1", "--shards", "2", "--sync-every", "2", "--save", local.toString());
        assertEquals(0, b.status(), b.err());
        assertTrue(b.out().contains("test_acc: 0."), b.out());
        assertNotEquals(java.util.Arrays.hashCode(Files.readAllBytes(avg)), java.util.Arrays.hashCode(Files.readAllBytes(local)));
    }
}
