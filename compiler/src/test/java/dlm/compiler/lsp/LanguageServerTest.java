package dlm.compiler.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.SymbolKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The language server's features, through a real LSP4J client over pipes ({@link LspSession}). */
class LanguageServerTest {
    @TempDir
    static Path cache;

    static LspSession lsp;
    static String mnist;

    @BeforeAll
    static void start() throws Exception {
        lsp = new LspSession(cache);
        mnist = Files.readString(TestFiles.example("mnist.dlm"));
    }

    @AfterAll
    static void stop() throws Exception {
        String log = lsp.log();
        lsp.close();
        assertEquals("", log, "the server logged failures");
    }

    private static Range range(int line, int ch, int endLine, int endCh) { return new Range(new Position(line, ch), new Position(endLine, endCh)); }

    private static String open(String name, String text) throws InterruptedException {
        String uri = "file:///tmp/lsp-test/" + name;
        lsp.open(uri, text);
        return uri;
    }

    @Test
    void aCleanFileHasNoDiagnostics() throws Exception {
        String uri = open("clean.dlm", mnist);
        assertEquals(List.of(), lsp.diagnostics(uri));
    }

    @Test
    void aSyntaxErrorIsTheMessageAndRangeThatCheckPrints() throws Exception {
        String uri = open("syntax.dlm", "model A(x: f32[batch, 4]) {\n    val y = x +\n    return y\n}\n");
        List<Diagnostic> d = lsp.diagnostics(uri);
        assertEquals(1, d.size(), d.toString());
        // dlmc check: syntax.dlm:3:5: error: mismatched input 'return'; expected an expression (caret ^~~~~~)
        assertEquals("mismatched input 'return'; expected an expression", d.get(0).getMessage());
        assertEquals(range(2, 4, 2, 10), d.get(0).getRange());
        assertEquals(DiagnosticSeverity.Error, d.get(0).getSeverity());
        assertEquals("dlmc", d.get(0).getSource());
    }

    @Test
    void everyModelsErrorIsReportedInOrder() throws Exception {
        String uri = open("two.dlm", """
                import std.nn.*

                model A(x: f32[batch, 4]) {
                    val y = x + [1, 2]
                    return y
                }

                model B(x: f32[batch, 3]) {
                    val h = dense(x, unitz = 3)
                    return h
                }

                model C(x: f32[batch, 3]) {
                    val ok = dense(x, units = 7)
                    return ok
                }
                """);
        List<Diagnostic> d = lsp.diagnostics(uri);
        assertEquals(2, d.size(), d.toString());
        // dlmc check prints the first: two.dlm:4:15: error: dtype mismatch: f32[batch, 4] and i32[2]
        assertEquals("dtype mismatch: f32[batch, 4] and i32[2]", d.get(0).getMessage());
        assertEquals(new Position(3, 14), d.get(0).getRange().getStart());
        assertEquals(8, d.get(1).getRange().getStart().getLine());
        assertTrue(d.get(1).getMessage().contains("unitz"), d.get(1).getMessage());
        // the model after the errors is still checked: its vals have types
        Hover h = lsp.hover(uri, 13, 9);
        assertNotNull(h);
        assertEquals("```dlm\nok: f32[batch, 7]\n```", h.getContents().getRight().getValue());
    }

    @Test
    void anErrorWithANoteCarriesTheNoteAsRelatedInformation() throws Exception {
        String uri = open("noted.dlm", """
                import std.nn.*
                import std.optim.*
                model Two(a: f32[batch, 3], b: f32[batch, 3]) {
                    return dense(a + b, units = 1)
                }
                train(Two) {
                    data = csv("data.csv", target = "y")
                    loss = ::meanSquaredError
                    optimizer = sgd()
                }
                """);
        List<Diagnostic> d = lsp.diagnostics(uri);
        assertEquals(1, d.size(), d.toString());
        assertEquals("model Two takes 2 inputs (a, b): give csv() one list of columns per input, such as features = [[\"a\", \"b\"], [\"c\"]]", d.get(0).getMessage());
        assertEquals(range(6, 11, 6, 40), d.get(0).getRange());
        var note = d.get(0).getRelatedInformation();
        assertEquals(1, note.size());
        assertEquals("model Two's first input is declared here", note.get(0).getMessage());
        assertEquals(uri, note.get(0).getLocation().getUri());
        assertEquals(range(2, 10, 2, 26), note.get(0).getLocation().getRange());
    }

    @Test
    void hoverShowsNamesWithTheirShapes() throws Exception {
        String uri = open("hover.dlm", mnist);
        lsp.diagnostics(uri);
        // line 7 (0-based 6): "    val hidden = dense(x, units = 512, activation = ::relu)"
        Hover h = lsp.hover(uri, 6, 10);
        assertEquals("```dlm\nhidden: f32[batch, 512]\n```", h.getContents().getRight().getValue());
        assertEquals(range(6, 8, 6, 14), h.getRange());
        // the use of x in the call
        Hover x = lsp.hover(uri, 6, 23);
        assertEquals("```dlm\nx: f32[batch, 784]\n```", x.getContents().getRight().getValue());
        // the model input
        Hover images = lsp.hover(uri, 4, 13);
        assertEquals("```dlm\nimages: u8[batch, 28, 28]\n```", images.getContents().getRight().getValue());
        // an expression: the product 28 * 28 inside reshape, and the whole reshape call
        Hover product = lsp.hover(uri, 5, 37);
        assertEquals("```dlm\n28 * 28: Int = 784\n```", product.getContents().getRight().getValue());
        Hover call = lsp.hover(uri, 5, 45);
        assertEquals("```dlm\nimages.reshape(batch, 28 * 28).toF32(): f32[batch, 784]\n```", call.getContents().getRight().getValue());
        // nothing under a comment
        assertNull(lsp.hover(uri, 0, 5));
    }

    @Test
    void hoverOnAStdFunctionShowsItsSignatureAndDoc() throws Exception {
        String uri = open("hoverstd.dlm", mnist);
        lsp.diagnostics(uri);
        String dense = lsp.hover(uri, 6, 20).getContents().getRight().getValue();
        assertTrue(dense.startsWith("```dlm\nfun dense(x: f32[n, i], units: Int, activation: (Tensor) -> Tensor = ::linear,"), dense);
        assertTrue(dense.contains("): f32[n, units]\n```\n\nA densely connected layer, Keras's Dense: activation(x @ W + b)."), dense);
        String relu = lsp.hover(uri, 6, 54).getContents().getRight().getValue();
        assertEquals("```dlm\nrelu(x)  (built in)\n```", relu);
        // a method: reshape
        String reshape = lsp.hover(uri, 5, 20).getContents().getRight().getValue();
        assertTrue(reshape.contains("reshape("), reshape);
    }

    @Test
    void hoverInAFunctionCalledTwiceShowsEachCallsShape() throws Exception {
        String uri = open("scratch.dlm", Files.readString(TestFiles.example("mnist_from_scratch.dlm")));
        lsp.diagnostics(uri);
        // line 8 (0-based 7): "    return activation(x @ W + b)"; x inside naiveDense
        String x = lsp.hover(uri, 7, 22).getContents().getRight().getValue();
        assertEquals("```dlm\nx: f32[batch, 784]\nx: f32[batch, 512]\n```\n\n(one line per call of the enclosing function)", x);
    }

    @Test
    void definitionOfALocalName() throws Exception {
        String uri = open("def.dlm", mnist);
        lsp.diagnostics(uri);
        // hidden used on line 8 (0-based 7) → declared on 0-based line 6, columns 8-14
        List<? extends Location> d = lsp.definition(uri, 7, 21);
        assertEquals(1, d.size());
        assertEquals(uri, d.get(0).getUri());
        assertEquals(range(6, 8, 6, 14), d.get(0).getRange());
        // the model in the train block → the model's name
        List<? extends Location> m = lsp.definition(uri, 10, 8);
        assertEquals(range(4, 6, 4, 11), m.get(0).getRange());
    }

    @Test
    void definitionIntoTheStandardLibrary() throws Exception {
        String uri = open("defstd.dlm", mnist);
        lsp.diagnostics(uri);
        List<? extends Location> d = lsp.definition(uri, 6, 20);
        assertEquals(1, d.size());
        Location loc = d.get(0);
        assertTrue(loc.getUri().startsWith("file:") && loc.getUri().endsWith("/std/nn.dlm"), loc.getUri());
        List<String> lines = Files.readAllLines(Path.of(java.net.URI.create(loc.getUri())));
        String declared = lines.get(loc.getRange().getStart().getLine());
        assertTrue(declared.startsWith("fun dense("), declared);
        assertEquals("dense", declared.substring(loc.getRange().getStart().getCharacter(), loc.getRange().getEnd().getCharacter()));
        // the copy is the std module itself
        try (var in = getClass().getClassLoader().getResourceAsStream("std/nn.dlm")) {
            assertEquals(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), Files.readString(Path.of(java.net.URI.create(loc.getUri()))));
        }
        // a function reference in the train block: ::sparseCategoricalCrossentropy
        List<? extends Location> loss = lsp.definition(uri, 12, 20);
        String lossLine = Files.readAllLines(Path.of(java.net.URI.create(loss.get(0).getUri()))).get(loss.get(0).getRange().getStart().getLine());
        assertTrue(lossLine.startsWith("fun sparseCategoricalCrossentropy("), lossLine);
        // relu is built into the compiler: no source to go to
        assertEquals(List.of(), lsp.definition(uri, 6, 54));
    }

    @Test
    void completionOffersNamedArgumentsNamesInScopeAndStdFunctions() throws Exception {
        String text = mnist.replace("    return dense(hidden, units = 10, activation = ::softmax)", "    return dense(hidden, ");
        String uri = open("complete.dlm", text);
        lsp.diagnostics(uri);
        List<String> labels = lsp.completion(uri, 7, 29).stream().map(CompletionItem::getLabel).toList();
        assertTrue(labels.containsAll(List.of("units = ", "activation = ", "kernelInit = ")), labels.toString());
        assertTrue(labels.indexOf("units = ") < labels.indexOf("hidden"), "named arguments come first: " + labels);
        assertTrue(!labels.contains("x = "), "x is given (positionally): " + labels);
        assertTrue(labels.containsAll(List.of("hidden", "x", "images", "dense", "relu", "softmax", "conv2d", "Mnist")), labels.toString());
        // with a prefix
        String typed = text.replace("dense(hidden, ", "dense(hidden, un");
        lsp.change(uri, typed);
        lsp.diagnostics(uri);
        List<String> un = lsp.completion(uri, 7, 31).stream().map(CompletionItem::getLabel).toList();
        assertTrue(un.contains("units = "), un.toString());
        assertTrue(un.stream().allMatch(l -> l.regionMatches(true, 0, "un", 0, 2)), un.toString());
        // after :: only functions
        List<CompletionItem> refs = lsp.completion(uri, 6, 55);
        assertTrue(refs.stream().anyMatch(i -> i.getLabel().equals("relu")));
        assertTrue(refs.stream().noneMatch(i -> i.getLabel().equals("hidden") || i.getLabel().equals("model")));
    }

    @Test
    void documentSymbolsListModelsFunctionsAndParams() throws Exception {
        String uri = open("symbols.dlm", Files.readString(TestFiles.example("mnist_from_scratch.dlm")));
        lsp.diagnostics(uri);
        List<DocumentSymbol> s = lsp.symbols(uri);
        assertEquals(List.of("naiveDense", "NaiveMnist", "train(NaiveMnist)"), s.stream().map(DocumentSymbol::getName).toList());
        assertEquals(SymbolKind.Function, s.get(0).getKind());
        assertEquals(List.of("x", "units", "activation", "W", "b"), s.get(0).getChildren().stream().map(DocumentSymbol::getName).toList());
        assertEquals("param f32[i, units]", s.get(0).getChildren().get(3).getDetail());
        assertEquals(SymbolKind.Class, s.get(1).getKind());
        assertEquals(List.of("images", "x", "hidden"), s.get(1).getChildren().stream().map(DocumentSymbol::getName).toList());
        assertEquals("f32[batch, 512]", s.get(1).getChildren().get(2).getDetail());
        assertEquals(range(10, 0, 14, 1), s.get(1).getRange());
        assertEquals(range(10, 6, 10, 16), s.get(1).getSelectionRange());
    }

    @Test
    void codeLensShowsEachModelsParamCount() throws Exception {
        String uri = open("lens.dlm", mnist);
        lsp.diagnostics(uri);
        List<? extends CodeLens> lenses = lsp.lenses(uri);
        assertEquals(1, lenses.size());
        assertEquals("407,050 params", lenses.get(0).getCommand().getTitle()); // 784·512 + 512 + 512·10 + 10
        assertEquals(range(4, 6, 4, 11), lenses.get(0).getRange());
    }

    @Test
    void aBrokenLineKeepsTheLastGoodAnswersForTheOtherLines() throws Exception {
        String uri = open("broken.dlm", mnist);
        lsp.diagnostics(uri);
        // break line 6 (0-based 5) and add two lines above the model: the parse fails
        String broken = "// a\n// b\n" + mnist.replace("    val x = images.reshape(batch, 28 * 28).toF32() / 255f", "    val x = images.reshape(batch, 28 * 28.toF32( / 255f");
        lsp.change(uri, broken);
        assertEquals(1, lsp.diagnostics(uri).size());
        // hidden has moved down two lines; its hover comes from the last clean analysis
        Hover h = lsp.hover(uri, 8, 10);
        assertEquals("```dlm\nhidden: f32[batch, 512]\n```", h.getContents().getRight().getValue());
        assertEquals(range(8, 8, 8, 14), h.getRange());
        // the changed line has no answer rather than a wrong one
        assertNull(lsp.hover(uri, 7, 9));
        assertEquals("407,050 params", lsp.lenses(uri).get(0).getCommand().getTitle());
        assertEquals(List.of("Mnist", "train(Mnist)"), lsp.symbols(uri).stream().map(DocumentSymbol::getName).toList());
    }
}
