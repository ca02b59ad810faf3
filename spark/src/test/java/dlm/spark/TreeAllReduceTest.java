package dlm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dlm.runtime.train.TreeSum;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The socket all-reduce on loopback, without Spark: every rank ends with TreeSum's bits, however the shards are spread. */
class TreeAllReduceTest {
    @Test
    void everyRankGetsTheFixedTreeSumWhateverTheShardsRanksAndLength() throws Exception {
        Random rnd = new Random(18);
        for (int[] c : new int[][] {{2, 4, 1001}, {3, 6, 10}, {3, 7, 5}, {4, 4, 100_003}, {2, 3, 2}}) {
            int ranks = c[0], shards = c[1], length = c[2];
            float[][] leaves = new float[shards][length];
            for (float[] l : leaves) for (int i = 0; i < length; i++) l[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4));
            float[] expected = new float[length];
            float[][] scratch = new float[shards][];
            for (int k = 0; k < shards; k++) scratch[k] = leaves[k].clone();
            TreeSum.sumInto(scratch, expected);
            // the shards dealt to ranks out of order: shard k on rank (k * 7 + 1) % ranks
            List<Map<Integer, float[]>> held = new ArrayList<>();
            for (int r = 0; r < ranks; r++) held.add(new HashMap<>());
            for (int k = 0; k < shards; k++) held.get((k * 7 + 1) % ranks).put(k, leaves[k]);
            List<ServerSocket> servers = new ArrayList<>();
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                servers.add(s);
                addresses.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort()));
            }
            ExecutorService pool = Executors.newFixedThreadPool(ranks);
            List<Future<float[]>> results = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                results.add(pool.submit(() -> {
                    try (TreeAllReduce ar = TreeAllReduce.connect(rank, addresses, servers.get(rank))) {
                        float[] out = new float[length];
                        ar.allReduce(shards, held.get(rank), out);
                        float[] again = new float[length];
                        ar.allReduce(shards, held.get(rank), again); // a second round on the same connections
                        assertArrayEquals(out, again);
                        return out;
                    }
                }));
            }
            for (Future<float[]> f : results) assertArrayEquals(expected, f.get(), ranks + " ranks, " + shards + " shards, " + length + " elements");
            pool.shutdown();
            for (ServerSocket s : servers) s.close();
        }
        // the order matters for these values: adding left to right gives other bits
        float[][] l = {{1f}, {1e8f}, {-1e8f}};
        float[] tree = new float[1];
        TreeSum.sumInto(new float[][] {l[0].clone(), l[1].clone(), l[2].clone()}, tree);
        assertNotEquals((1f + 1e8f) + -1e8f, tree[0]);
    }
}
