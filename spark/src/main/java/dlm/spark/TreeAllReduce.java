package dlm.spark;

import dlm.runtime.train.TreeSum;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An all-reduce over the hosts' own sockets whose result is {@link TreeSum}'s fixed tree over the
 * K shard gradients, bit for bit, however the shards are spread over the N ranks: rank r owns
 * the elements {@code [⌊rL/N⌋, ⌊(r+1)L/N⌋)}; every rank sends each owner its shards' slices of
 * the owner's elements (with their shard indices), each owner adds the K slices of its elements
 * in the fixed tree, in shard order, and sends its sum to every other rank. Each rank sends and
 * receives about 2·(N−1)/N gradients when K = N, as a ring all-reduce does, but the order of
 * every addition is fixed by K alone. In training ({@link RankTask}) the ranks are the tasks of a
 * barrier stage, their addresses swapped once an epoch with {@code BarrierTaskContext.allGather}.
 *
 * <p>Floats travel little-endian (the x86 and ARM JVMs' own order, so conversion is a copy).
 *
 * <p>Connections: a full mesh, rank i connecting to every j &gt; i and accepting every j &lt; i;
 * sends run on their own threads, so no pair of ranks can block each other.
 */
public final class TreeAllReduce implements AutoCloseable {
    /**
     * How long a rank waits for a peer's data before giving up (and failing its task, so that
     * Spark re-runs the stage): a peer whose JVM died closes its sockets at once; this bounds a
     * peer that hangs. Longer than any step's compute.
     */
    static final int READ_TIMEOUT_MS = 10 * 60_000;

    private final int rank, ranks;
    private final Socket[] peers;
    private final DataOutputStream[] out;
    private final DataInputStream[] in;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();

    private TreeAllReduce(int rank, Socket[] peers) throws IOException {
        this.rank = rank;
        this.ranks = peers.length;
        this.peers = peers;
        out = new DataOutputStream[ranks];
        in = new DataInputStream[ranks];
        for (int p = 0; p < ranks; p++) {
            if (p == rank) continue;
            out[p] = new DataOutputStream(new BufferedOutputStream(peers[p].getOutputStream(), 1 << 16));
            in[p] = new DataInputStream(new BufferedInputStream(peers[p].getInputStream(), 1 << 16));
        }
    }

    /** Connects rank {@code rank} (listening on {@code own}) to the ranks at {@code addresses} (one per rank, its own included). */
    public static TreeAllReduce connect(int rank, List<InetSocketAddress> addresses, ServerSocket own) throws IOException {
        int n = addresses.size();
        Socket[] peers = new Socket[n];
        for (int p = rank + 1; p < n; p++) {
            Socket s = new Socket();
            s.connect(addresses.get(p), 30_000);
            s.setTcpNoDelay(true);
            s.setSoTimeout(READ_TIMEOUT_MS);
            new DataOutputStream(s.getOutputStream()).writeInt(rank);
            peers[p] = s;
        }
        for (int k = 0; k < rank; k++) {
            own.setSoTimeout(30_000);
            Socket s = own.accept();
            s.setTcpNoDelay(true);
            s.setSoTimeout(READ_TIMEOUT_MS);
            int from = new DataInputStream(s.getInputStream()).readInt();
            if (from < 0 || from >= rank || peers[from] != null) throw new IOException("rank " + rank + ": unexpected connection from rank " + from);
            peers[from] = s;
        }
        return new TreeAllReduce(rank, peers);
    }

    /**
     * Sums the K = {@code shards} shard gradients, of which this rank holds {@code mine} (by shard
     * index; every shard held by exactly one rank), into {@code out} on every rank.
     */
    public void allReduce(int shards, Map<Integer, float[]> mine, float[] out) {
        int length = out.length;
        try {
            // phase 1: each owner gets every rank's slices of its elements
            List<Future<?>> sent = new ArrayList<>();
            for (int p = 0; p < ranks; p++) {
                if (p == rank) continue;
                int to = p;
                sent.add(senders.submit(() -> { sendSlices(to, mine, start(to, length), start(to + 1, length)); return null; }));
            }
            int lo = start(rank, length), hi = start(rank + 1, length);
            TreeMap<Integer, float[]> slices = new TreeMap<>();
            for (var e : mine.entrySet()) slices.put(e.getKey(), java.util.Arrays.copyOfRange(e.getValue(), lo, hi));
            for (int p = 0; p < ranks; p++) {
                if (p == rank) continue;
                int count = in[p].readInt();
                for (int i = 0; i < count; i++) {
                    int shard = in[p].readInt();
                    if (slices.put(shard, readFloats(in[p], hi - lo)) != null) throw new IllegalStateException("shard " + shard + " is held by two ranks");
                }
            }
            if (slices.size() != shards || slices.firstKey() != 0 || slices.lastKey() != shards - 1)
                throw new IllegalStateException("rank " + rank + " got shards " + slices.keySet() + ", not 0.." + (shards - 1));
            for (Future<?> f : sent) f.get();
            float[] sum = new float[hi - lo];
            TreeSum.sumInto(slices.values().toArray(float[][]::new), sum);
            System.arraycopy(sum, 0, out, lo, sum.length);
            // phase 2: every rank gets every owner's sum
            sent.clear();
            for (int p = 0; p < ranks; p++) {
                if (p == rank) continue;
                int to = p;
                sent.add(senders.submit(() -> { writeFloats(this.out[to], sum, 0, sum.length); this.out[to].flush(); return null; }));
            }
            for (int p = 0; p < ranks; p++) {
                if (p == rank) continue;
                int plo = start(p, length);
                float[] part = readFloats(in[p], start(p + 1, length) - plo);
                System.arraycopy(part, 0, out, plo, part.length);
            }
            for (Future<?> f : sent) f.get();
        } catch (IOException e) {
            throw new UncheckedIOException("all-reduce on rank " + rank, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("all-reduce on rank " + rank + ": sending failed", e.getCause());
        }
    }

    /**
     * Gives every rank every shard's small record of doubles (a shard's loss and metrics), of which
     * this rank holds {@code mine} (by shard index): the K records by shard index, exactly as sent.
     */
    public java.util.SortedMap<Integer, double[]> gather(int shards, Map<Integer, double[]> mine) {
        TreeMap<Integer, double[]> all = new TreeMap<>(mine);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int p = 0; p < ranks; p++) {
                if (p == rank) continue;
                DataOutputStream o = out[p];
                sent.add(senders.submit(() -> {
                    o.writeInt(mine.size());
                    for (var e : new TreeMap<>(mine).entrySet()) {
                        o.writeInt(e.getKey());
                        o.writeInt(e.getValue().length);
                        for (double d : e.getValue()) o.writeDouble(d);
                    }
                    o.flush();
                    return null;
                }));
            }
            for (int p = 0; p < ranks; p++) {
                if (p == rank) continue;
                int count = in[p].readInt();
                for (int i = 0; i < count; i++) {
                    int shard = in[p].readInt();
                    double[] v = new double[in[p].readInt()];
                    for (int j = 0; j < v.length; j++) v[j] = in[p].readDouble();
                    if (all.put(shard, v) != null) throw new IllegalStateException("shard " + shard + " is held by two ranks");
                }
            }
            for (Future<?> f : sent) f.get();
        } catch (IOException e) {
            throw new UncheckedIOException("gather on rank " + rank, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("gather on rank " + rank + ": sending failed", e.getCause());
        }
        if (all.size() != shards || all.firstKey() != 0 || all.lastKey() != shards - 1)
            throw new IllegalStateException("rank " + rank + " gathered shards " + all.keySet() + ", not 0.." + (shards - 1));
        return all;
    }

    private int start(int r, int length) { return (int) ((long) length * r / ranks); }

    private void sendSlices(int to, Map<Integer, float[]> mine, int lo, int hi) throws IOException {
        DataOutputStream o = out[to];
        o.writeInt(mine.size());
        for (var e : new TreeMap<>(mine).entrySet()) {
            o.writeInt(e.getKey());
            writeFloats(o, e.getValue(), lo, hi - lo);
        }
        o.flush();
    }

    private static void writeFloats(DataOutputStream o, float[] a, int from, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(a, from, n);
        o.write(b.array());
    }

    private static float[] readFloats(DataInputStream i, int n) throws IOException {
        byte[] bytes = new byte[n * 4];
        i.readFully(bytes);
        float[] a = new float[n];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(a);
        return a;
    }

    @Override
    public void close() throws IOException {
        senders.shutdownNow();
        for (Socket s : peers) if (s != null) s.close();
    }
}
