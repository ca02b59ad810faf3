package dlm.spark;

import dlm.compiler.train.ShardGradientStep;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Rank 0's mid-epoch snapshots, on any Hadoop file system the executors share ({@code file:///…}
 * on one machine, {@code hdfs://…}): {@code DIR/<run>/epoch-<e>/step-<s>.snap} holds the state
 * after the epoch's first s steps and those steps' shard results. A snapshot is a pure function of
 * (run, epoch, s), so whichever attempt of the stage wrote it (a zombie task of a failed attempt
 * included) wrote the same bytes; it appears at once, by rename, or not at all. The driver
 * deletes an epoch's snapshots when the epoch has ended.
 */
final class Snapshots {
    private Snapshots() {}

    /** A snapshot's contents. */
    record Snapshot(int steps, EpochState state, ShardGradientStep.Shard[][] results) implements Serializable {}

    private static final String PREFIX = "step-", SUFFIX = ".snap";

    static Path epochDir(EpochPlan p) { return new Path(new Path(new Path(p.snapshotDir()), p.run()), "epoch-" + p.epoch()); }

    /** The most steps a snapshot of the plan's epoch holds (0 when there is none). */
    static int latest(EpochPlan p) {
        Path dir = epochDir(p);
        try {
            FileSystem fs = fs(dir);
            if (!fs.exists(dir)) return 0;
            int best = 0;
            for (FileStatus f : fs.listStatus(dir)) {
                String n = f.getPath().getName();
                if (!n.startsWith(PREFIX) || !n.endsWith(SUFFIX)) continue;
                try {
                    best = Math.max(best, Integer.parseInt(n.substring(PREFIX.length(), n.length() - SUFFIX.length())));
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
            return best;
        } catch (IOException e) {
            throw new UncheckedIOException("listing snapshots in " + dir, e);
        }
    }

    static void write(EpochPlan p, Snapshot s) {
        Path dir = epochDir(p), to = new Path(dir, PREFIX + s.steps() + SUFFIX), tmp = new Path(dir, "." + to.getName() + "." + java.util.UUID.randomUUID() + ".tmp");
        try {
            FileSystem fs = fs(dir);
            fs.mkdirs(dir);
            try (ObjectOutputStream o = new ObjectOutputStream(new java.io.BufferedOutputStream(fs.create(tmp, true), 1 << 16))) {
                o.writeObject(s);
            }
            // a snapshot of these steps is the same whoever wrote it: when another attempt's is there already, keep that one
            if (!fs.rename(tmp, to)) fs.delete(tmp, false);
        } catch (IOException e) {
            throw new UncheckedIOException("writing snapshot " + to, e);
        }
    }

    static Snapshot read(EpochPlan p, int steps) {
        Path f = new Path(epochDir(p), PREFIX + steps + SUFFIX);
        try (ObjectInputStream in = new ObjectInputStream(new java.io.BufferedInputStream(fs(f).open(f), 1 << 16))) {
            Snapshot s = (Snapshot) in.readObject();
            if (s.steps() != steps) throw new IOException(f + " holds " + s.steps() + " steps");
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("reading snapshot " + f, e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes what the run wrote for {@code epoch} (epoch 0: the whole run's folder). */
    static void delete(String snapshotDir, String run, int epoch) {
        Path d = new Path(new Path(snapshotDir), run);
        if (epoch > 0) d = new Path(d, "epoch-" + epoch);
        try {
            fs(d).delete(d, true);
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + d, e);
        }
    }

    static FileSystem fs(Path p) throws IOException { return p.getFileSystem(new Configuration()); }
}
