package dlm.compiler.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import dlm.compiler.Frontend;
import dlm.compiler.diag.DlmException;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every keystroke is a malformed program: random edits of every example (deleting and inserting
 * random characters, seeded), each followed by every request at a random place. The server must
 * publish diagnostics for each change, answer each request, report no internal error of the
 * compiler, and log nothing.
 */
class LanguageServerFuzzTest {
    private static final String ALPHABET = "abcxyzWbnu0123456789 ()[]{}<>=+-*/%@!.,:;\"'`\\_\n\n\r\t#éλ\uD83D\uDE00";
    private static final int EDITS_PER_FILE = 40;

    @TempDir
    Path cache;

    static List<Path> examples() throws Exception {
        try (Stream<Path> s = Files.list(TestFiles.examples())) {
            return s.filter(p -> p.toString().endsWith(".dlm")).sorted().toList();
        }
    }

    @Test
    void randomEditsOfEveryExampleGetAnAnswerToEveryRequestAndNoServerError() throws Exception {
        List<Path> files = examples();
        assertTrue(files.size() >= 10, "examples: " + files);
        int requests = 0, broken = 0, hovers = 0;
        try (LspSession lsp = new LspSession(cache)) {
            for (int f = 0; f < files.size(); f++) {
                Random rnd = new Random(1000 + f);
                String original = Files.readString(files.get(f));
                String uri = "file:///tmp/lsp-fuzz/" + files.get(f).getFileName();
                String text = original;
                lsp.open(uri, text);
                check(lsp.diagnostics(uri), uri, text);
                for (int e = 0; e < EDITS_PER_FILE; e++) {
                    if (e % 10 == 0) text = original; // stay near real programs
                    text = edit(text, rnd);
                    lsp.change(uri, text);
                    List<Diagnostic> d = lsp.diagnostics(uri);
                    check(d, uri, text);
                    sameFirstErrorAsCheck(d, "/tmp/lsp-fuzz/" + files.get(f).getFileName(), text);
                    if (!d.isEmpty()) broken++;
                    int line = rnd.nextInt(text.split("\n", -1).length + 1), ch = rnd.nextInt(80);
                    if (lsp.hover(uri, line, ch) != null) hovers++;
                    assertNotNull(lsp.definition(uri, line, ch));
                    assertNotNull(lsp.completion(uri, line, ch));
                    assertNotNull(lsp.symbols(uri));
                    assertNotNull(lsp.lenses(uri));
                    requests += 5;
                }
            }
            assertEquals("", lsp.log(), "the server logged failures");
        }
        assertEquals(files.size() * EDITS_PER_FILE * 5, requests);
        // the edits break most programs, and hovers still answer on what remains
        assertTrue(broken > requests / 5 / 2, broken + " broken texts of " + requests / 5);
        assertTrue(hovers > requests / 5 / 10, hovers + " hovers answered of " + requests / 5);
    }

    private static void check(List<Diagnostic> diagnostics, String uri, String text) {
        for (Diagnostic d : diagnostics)
            assertTrue(!d.getMessage().startsWith("internal error"), uri + ": " + d.getMessage() + "\n--- text:\n" + text);
    }

    /** The first diagnostic is the error {@code dlmc check} reports for the same text, word for word and at the same place. */
    private static void sameFirstErrorAsCheck(List<Diagnostic> diagnostics, String name, String text) {
        DlmException expected = null;
        try {
            Frontend.compile(name, text); // the name the server gives the file: its URI's path
        } catch (DlmException e) {
            expected = e;
        }
        List<Diagnostic> errors = diagnostics.stream().filter(x -> x.getSeverity() == DiagnosticSeverity.Error).toList();
        if (expected == null) {
            assertEquals(List.of(), errors, "check accepts the text:\n" + text);
            return;
        }
        assertTrue(!errors.isEmpty(), "check reports " + expected.render() + "\n--- text:\n" + text);
        assertEquals(expected.getMessage(), errors.get(0).getMessage(), text);
        assertEquals(Positions.range(expected.span()), errors.get(0).getRange(), text);
    }

    /** Deletes 1-6 characters or inserts 1-3 random ones at a random place (never splitting a surrogate pair). */
    static String edit(String text, Random rnd) {
        int at = text.isEmpty() ? 0 : rnd.nextInt(text.length() + 1);
        if (at > 0 && at < text.length() && Character.isLowSurrogate(text.charAt(at))) at--;
        if (rnd.nextBoolean() && !text.isEmpty()) {
            int to = Math.min(text.length(), at + 1 + rnd.nextInt(6));
            if (to < text.length() && Character.isLowSurrogate(text.charAt(to))) to++;
            return text.substring(0, at) + text.substring(to);
        }
        StringBuilder ins = new StringBuilder();
        for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
            int k = rnd.nextInt(ALPHABET.length());
            if (Character.isLowSurrogate(ALPHABET.charAt(k))) k--;
            ins.append(ALPHABET.charAt(k));
            if (Character.isHighSurrogate(ALPHABET.charAt(k))) ins.append(ALPHABET.charAt(k + 1));
        }
        return text.substring(0, at) + ins + text.substring(at);
    }
}
