package dlm.spark;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What an executor needs to compile the driver's train step itself (generated hidden classes
 * cannot be shipped): the program's text and file name, broadcast once. The standard library and
 * the compiler come with the dlm-spark jar; that executors compiled the same bytecode as the
 * driver is checked on every shard result ({@link ShardResult#bytecodeHash}).
 *
 * @param key identifies the program in an executor's cache of compiled steps
 */
public record ProgramSource(String fileName, String source, String key) implements Serializable {
    public static ProgramSource of(String fileName, String source) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(fileName.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(source.getBytes(StandardCharsets.UTF_8));
            return new ProgramSource(fileName, source, HexFormat.of().formatHex(d.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
