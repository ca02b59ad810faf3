package dlm.spark;

import dlm.compiler.train.NonFiniteStep;
import dlm.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trainer's whole state between two steps, as shipped to and from the ranks: weights, optimizer
 * slots, step count and learning rate (null when it is compiled into the step). Every rank holds
 * the same state after every step; {@link #digest} checks that.
 */
record EpochState(long step, LinkedHashMap<String, Blob> weights, LinkedHashMap<String, ArrayList<Blob>> slots, Blob learningRate) implements Serializable {
    static EpochState of(NonFiniteStep.Snapshot s, Tensor learningRate) {
        LinkedHashMap<String, Blob> w = new LinkedHashMap<>();
        s.params().forEach((k, v) -> w.put(k, Blob.of(v)));
        LinkedHashMap<String, ArrayList<Blob>> sl = new LinkedHashMap<>();
        s.slots().forEach((k, v) -> sl.put(k, new ArrayList<>(v.stream().map(Blob::of).toList())));
        return new EpochState(s.step(), w, sl, learningRate == null ? null : Blob.of(learningRate));
    }

    NonFiniteStep.Snapshot snapshot() {
        Map<String, Tensor> w = new LinkedHashMap<>();
        weights.forEach((k, v) -> w.put(k, v.tensor()));
        Map<String, List<Tensor>> sl = new LinkedHashMap<>();
        slots.forEach((k, v) -> sl.put(k, v.stream().map(Blob::tensor).toList()));
        return new NonFiniteStep.Snapshot(w, sl, step);
    }

    /** SHA-256 of the state's numbers (names, step, every weight, slot and the learning rate, as stored). */
    String digest() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream o = new DataOutputStream(bytes);
            o.writeLong(step);
            for (var e : weights.entrySet()) write(o, e.getKey(), e.getValue());
            for (var e : slots.entrySet()) for (Blob b : e.getValue()) write(o, e.getKey(), b);
            if (learningRate != null) write(o, "lr", learningRate);
            o.flush();
            return HexFormat.of().formatHex(d.digest(bytes.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(DataOutputStream o, String name, Blob b) throws IOException {
        o.writeUTF(name);
        Tensor t = b.tensor();
        for (int i = 0; i < t.size(); i++) o.writeLong(Double.doubleToRawLongBits(t.getDouble(i)));
    }
}
