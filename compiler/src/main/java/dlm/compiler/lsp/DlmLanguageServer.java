package dlm.compiler.lsp;

import dlm.compiler.check.ModuleLoader;
import dlm.compiler.diag.DlmException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.eclipse.lsp4j.*;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * {@code dlmc lsp}: the Language Server Protocol for .dlm files, on the compiler's own front
 * end. Each change of a document is analysed at once ({@link Analysis}: the parser and a
 * recovering checker) and its errors published as diagnostics; hover, definition, completion,
 * document symbols and code lenses answer from that analysis, falling back to the last one
 * without errors for the lines that have not changed ({@link Document}).
 *
 * <p>Every request is answered whatever the text: a failure of the compiler on some text is
 * logged to stderr, reported as an error diagnostic, and the request gets an empty answer.
 * Messages are handled one at a time in the order received (LSP4J's reader thread), so an
 * answer always reflects every change sent before the request.
 */
public final class DlmLanguageServer implements LanguageServer, LanguageClientAware, TextDocumentService, WorkspaceService {
    private final Map<String, Document> docs = new ConcurrentHashMap<>();
    private final ModuleLoader loader = new ModuleLoader();
    private final StdSources std;
    private final PrintStream log;
    private final IntConsumer exit;
    private final String version;
    private volatile LanguageClient client;
    private volatile boolean shutdown;

    /**
     * A server (dlmc {@code version}) logging to {@code log}; {@code exit} is called with the exit
     * status on the client's exit notification.
     */
    public DlmLanguageServer(String version, PrintStream log, IntConsumer exit) { this(version, log, exit, StdSources.inUserCache()); }

    DlmLanguageServer(String version, PrintStream log, IntConsumer exit, StdSources std) {
        this.version = version;
        this.log = log;
        this.exit = exit;
        this.std = std;
    }

    /** Serves the protocol on {@code in}/{@code out} until the input ends; returns the listening future. */
    public static Future<Void> serve(String version, InputStream in, OutputStream out, PrintStream log, IntConsumer exit) {
        return serve(in, out, new DlmLanguageServer(version, log, exit));
    }

    static Future<Void> serve(InputStream in, OutputStream out, DlmLanguageServer server) {
        Launcher<LanguageClient> launcher = LSPLauncher.createServerLauncher(server, in, out);
        server.connect(launcher.getRemoteProxy());
        return launcher.startListening();
    }

    @Override
    public void connect(LanguageClient client) { this.client = client; }

    // ---- lifecycle --------------------------------------------------------------------------------

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        ServerCapabilities c = new ServerCapabilities();
        c.setTextDocumentSync(TextDocumentSyncKind.Full);
        c.setHoverProvider(true);
        c.setDefinitionProvider(true);
        c.setCompletionProvider(new CompletionOptions(false, List.of(".", ":", "(", ",")));
        c.setDocumentSymbolProvider(true);
        c.setCodeLensProvider(new CodeLensOptions(false));
        return CompletableFuture.completedFuture(new InitializeResult(c, new ServerInfo("dlmc", version)));
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        shutdown = true;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void exit() { exit.accept(shutdown ? 0 : 1); }

    @Override
    public TextDocumentService getTextDocumentService() { return this; }

    @Override
    public WorkspaceService getWorkspaceService() { return this; }

    // ---- documents --------------------------------------------------------------------------------

    @Override
    public void didOpen(DidOpenTextDocumentParams p) { update(p.getTextDocument().getUri(), p.getTextDocument().getText()); }

    @Override
    public void didChange(DidChangeTextDocumentParams p) {
        String uri = p.getTextDocument().getUri();
        Document d = docs.get(uri);
        String text = d == null ? "" : d.text;
        for (TextDocumentContentChangeEvent ch : p.getContentChanges()) text = apply(text, ch);
        update(uri, text);
    }

    /** A change: the whole text, or (from a client that ignores our Full sync) a range replaced. */
    private static String apply(String text, TextDocumentContentChangeEvent ch) {
        if (ch.getRange() == null) return ch.getText();
        int from = Completions.offset(text, ch.getRange().getStart().getLine() + 1, ch.getRange().getStart().getCharacter() + 1);
        int to = Completions.offset(text, ch.getRange().getEnd().getLine() + 1, ch.getRange().getEnd().getCharacter() + 1);
        return text.substring(0, from) + ch.getText() + text.substring(Math.max(from, to));
    }

    @Override
    public void didClose(DidCloseTextDocumentParams p) {
        docs.remove(p.getTextDocument().getUri());
        publish(p.getTextDocument().getUri(), List.of());
    }

    @Override
    public void didSave(DidSaveTextDocumentParams p) {}

    private synchronized void update(String uri, String text) {
        try {
            Document before = docs.get(uri);
            Analysis a = Analysis.of(uri, fileName(uri), text, loader);
            for (String e : a.internalErrors) log.println("dlmc lsp: " + uri + ": " + e);
            Analysis clean = a.isClean() ? a : before == null ? null : before.lastClean;
            Document d = new Document(uri, text, a, clean);
            docs.put(uri, d);
            publish(uri, diagnostics(a));
        } catch (Throwable t) { // never lose the connection over one text
            failed(uri, t);
        }
    }

    private static String fileName(String uri) {
        try {
            URI u = URI.create(uri);
            if ("file".equals(u.getScheme()) && u.getPath() != null) return u.getPath();
        } catch (IllegalArgumentException e) {
            // not a URI we can read a path from: its text is a fine name
        }
        return uri;
    }

    /** The errors exactly as {@code dlmc check} words them (all of them, in order), then the warnings. */
    static List<Diagnostic> diagnostics(Analysis a) {
        List<Diagnostic> out = new ArrayList<>();
        for (DlmException e : a.errors) {
            boolean here = e.span() != null && !e.span().isNone() && e.span().file() == a.source;
            String msg = here || e.span() == null || e.span().isNone() ? e.getMessage() : e.span().location() + ": " + e.getMessage();
            Diagnostic d = diagnostic(here ? Positions.range(e.span()) : Positions.range(null), msg, DiagnosticSeverity.Error);
            if (e instanceof dlm.compiler.data.NotedException n && n.noteAt() != null && !n.noteAt().isNone()) {
                // the other side of a mismatch (a data file's column, the model's input), as dlmc check's "note:" line
                String noteUri = n.noteAt().file() == a.source ? a.uri : fileUri(n.noteAt().fileName());
                if (noteUri != null) d.setRelatedInformation(List.of(new DiagnosticRelatedInformation(new Location(noteUri, Positions.range(n.noteAt())), n.note())));
            }
            out.add(d);
        }
        for (String e : a.internalErrors) out.add(diagnostic(Positions.range(null), e, DiagnosticSeverity.Error));
        for (Analysis.Warning w : a.warnings)
            out.add(diagnostic(new Range(new Position(w.line() - 1, w.column() - 1), new Position(w.line() - 1, w.column())), w.message(), DiagnosticSeverity.Warning));
        return out;
    }

    /** A file URI for a path named in a message, or null when it names no file. */
    private static String fileUri(String path) {
        try {
            java.nio.file.Path p = java.nio.file.Path.of(path);
            return java.nio.file.Files.isRegularFile(p) ? p.toAbsolutePath().toUri().toString() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Diagnostic diagnostic(Range r, String message, DiagnosticSeverity severity) {
        Diagnostic d = new Diagnostic(r, message, severity, "dlmc");
        return d;
    }

    private void publish(String uri, List<Diagnostic> diagnostics) {
        LanguageClient c = client;
        if (c != null) c.publishDiagnostics(new PublishDiagnosticsParams(uri, diagnostics));
    }

    // ---- features ---------------------------------------------------------------------------------

    /** Runs a feature on the document's latest state; a failure is logged and answered with {@code empty}. */
    private synchronized <T> CompletableFuture<T> answer(String uri, java.util.function.Function<Document, T> feature, Supplier<T> empty) {
        Document d = docs.get(uri);
        if (d == null) return CompletableFuture.completedFuture(empty.get());
        try {
            T r = feature.apply(d);
            return CompletableFuture.completedFuture(r == null ? empty.get() : r);
        } catch (Throwable t) {
            failed(uri, t);
            return CompletableFuture.completedFuture(empty.get());
        }
    }

    /** Logs a failure of the server itself (a bug: the tests require an empty log). */
    private void failed(String uri, Throwable t) {
        log.println("dlmc lsp: internal error on " + uri + ":");
        t.printStackTrace(log);
    }

    @Override
    public CompletableFuture<Hover> hover(HoverParams p) {
        Position at = p.getPosition();
        return answer(p.getTextDocument().getUri(), d -> Hovers.hover(d, at.getLine() + 1, at.getCharacter() + 1), () -> null);
    }

    @Override
    public CompletableFuture<Either<List<? extends Location>, List<? extends LocationLink>>> definition(DefinitionParams p) {
        Position at = p.getPosition();
        return answer(p.getTextDocument().getUri(), d -> {
            Location l = Definitions.definition(d, at.getLine() + 1, at.getCharacter() + 1, std);
            return Either.forLeft(l == null ? List.of() : List.of(l));
        }, () -> Either.forLeft(List.of()));
    }

    @Override
    public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams p) {
        Position at = p.getPosition();
        return answer(p.getTextDocument().getUri(), d -> Either.forLeft(Completions.complete(d, at.getLine() + 1, at.getCharacter() + 1)),
                () -> Either.forLeft(List.of()));
    }

    @Override
    public CompletableFuture<List<Either<SymbolInformation, DocumentSymbol>>> documentSymbol(DocumentSymbolParams p) {
        return answer(p.getTextDocument().getUri(),
                d -> Outline.symbols(d).stream().map(Either::<SymbolInformation, DocumentSymbol>forRight).toList(), List::of);
    }

    @Override
    public CompletableFuture<List<? extends CodeLens>> codeLens(CodeLensParams p) {
        return answer(p.getTextDocument().getUri(), Outline::lenses, List::of);
    }

    // ---- workspace --------------------------------------------------------------------------------

    @Override
    public void didChangeConfiguration(DidChangeConfigurationParams p) {}

    @Override
    public void didChangeWatchedFiles(DidChangeWatchedFilesParams p) {}
}
