package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages that name what the user wrote: call sites before library lines, their names, "did you mean". */
class MessagesTest {
    @TempDir
    Path tmp;

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void errorsInsideTheStandardLibraryNameTheUsersCallFirst() throws IOException {
        Path f = write("neg.dlm", """
                import std.nn.*
                model A(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32() / 255f
                    return dense(x, units = -5)
                }
                """);
        CliRunner r = CliRunner.run("check", f.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith(f + ":4:12: error: in this call of dense: a dimension must not be negative, got -5 (raised at <std.nn>:"), r.err());
        assertTrue(r.err().contains(": param W: f32[i, units] = kernelInit)\n    return dense(x, units = -5)\n           ^~~~~~~~~~~~~~~~~~~~\n"), r.err());
    }

    @Test
    void aModelReturningSeveralValuesIsToldWhatTrainNeeds() throws IOException {
        Path f = write("several.dlm", """
                import std.nn.*
                model A(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32() / 255f
                    return [dense(x, units = 10), x]
                }
                train(A) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam() }
                """);
        CliRunner r = CliRunner.run("check", f.toString());
        assertEquals(1, r.status());
        // several outputs train by name, from a data source (Keras's functional fit); mnist() gives one label a sample
        assertTrue(r.err().startsWith(f + ":6:19: error: mnist() gives one input and one label a sample, but model A takes 1 input and returns 2 outputs (output0, x):"
                + " feed it from a data source by name, such as npz(\"data.npz\", targets = [\"…\"])\n"), r.err());
        assertTrue(r.err().contains(f + ":2:7: note: model A is declared here"), r.err());
        Path lossOnly = write("lossonly.dlm", """
                import std.nn.*
                model A(images: u8[batch, 28, 28]) {
                    param w: f32 = 1
                    loss = w * w
                }
                train(A) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam() }
                """);
        CliRunner l = CliRunner.run("check", lossOnly.toString());
        assertEquals(1, l.status());
        assertTrue(l.err().contains("error: model A assigns a loss but returns nothing; train needs the model to return one tensor"), l.err());
    }

    @Test
    void gradWithoutDependenceUsesTheUsersNames() throws IOException {
        Path f = write("nodep.dlm", "val x = [1f, 2f]\nval c = [3f]\nprintln(grad(sum(x), c))\n");
        CliRunner r = CliRunner.run("run", f.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith(f + ":3:9: error: grad(sum(x), c): sum(x) does not depend on c\n"), r.err());
    }

    @Test
    void misspellingsGetADidYouMean() throws IOException {
        CliRunner cmd = CliRunner.run("trian", "x.dlm");
        assertEquals(2, cmd.status());
        assertTrue(cmd.err().startsWith("dlmc: error: unknown command 'trian'; did you mean 'train'?"), cmd.err());
        CliRunner opt = CliRunner.run("train", TestFiles.example("mnist.dlm").toString(), "--epohcs", "2");
        assertEquals(2, opt.status());
        assertTrue(opt.err().contains("--epohcs; did you mean '--epochs'?"), opt.err());
        Path f = write("arg.dlm", """
                import std.nn.*
                model A(images: u8[batch, 28, 28]) {
                    return dense(images.reshape(batch, 784).toF32(), units = 10, activaton = ::relu)
                }
                """);
        CliRunner arg = CliRunner.run("check", f.toString());
        assertEquals(1, arg.status());
        assertTrue(arg.err().startsWith(f + ":3:66: error: unknown argument 'activaton' for dense(x, units, activation, kernelInit, biasInit, kernelRegularizer, biasRegularizer); did you mean 'activation'?"),
                arg.err());
    }

    @Test
    void compileOutOnAnExistingFileSaysWhy() throws IOException {
        Path file = write("existing", "not a folder");
        CliRunner r = CliRunner.run("compile", TestFiles.example("mnist.dlm").toString(), "--out", file.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("dlmc compile: error: --out " + file + " is an existing file, not a folder: compile writes one .class file per step"), r.err());
        assertEquals("not a folder", Files.readString(file));
        CliRunner under = CliRunner.run("compile", TestFiles.example("mnist.dlm").toString(), "--out", file.resolve("sub").toString());
        assertEquals(2, under.status());
        assertTrue(under.err().contains(file + " is not a folder"), under.err());
    }
}
