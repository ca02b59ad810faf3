package dlm.compiler.lsp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.*;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * A real LSP conversation for tests: {@link DlmLanguageServer} on one side of two pipes, an
 * LSP4J client on the other, JSON-RPC in between. Published diagnostics are queued per URI.
 */
final class LspSession implements AutoCloseable {
    static final long TIMEOUT_S = 30;

    final LanguageServer server;
    final ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
    private final Map<String, LinkedBlockingQueue<List<Diagnostic>>> diagnostics = new ConcurrentHashMap<>();
    private final Future<Void> serverListening, clientListening;
    private final PipedOutputStream toServer, toClient;
    private final Map<String, Integer> versions = new ConcurrentHashMap<>();

    LspSession(Path stdCache) throws Exception {
        PipedInputStream serverIn = new PipedInputStream(1 << 20);
        toServer = new PipedOutputStream(serverIn);
        PipedInputStream clientIn = new PipedInputStream(1 << 20);
        toClient = new PipedOutputStream(clientIn);
        PrintStream log = new PrintStream(serverLog, true, StandardCharsets.UTF_8);
        DlmLanguageServer impl = new DlmLanguageServer("test", log, status -> { }, new StdSources(stdCache));
        serverListening = DlmLanguageServer.serve(serverIn, toClient, impl);
        Launcher<LanguageServer> client = LSPLauncher.createClientLauncher(new Client(), clientIn, toServer);
        server = client.getRemoteProxy();
        clientListening = client.startListening();
        InitializeResult init = get(server.initialize(new InitializeParams()));
        if (init.getCapabilities().getHoverProvider() == null) throw new AssertionError("no hover capability");
        server.initialized(new InitializedParams());
    }

    static <T> T get(CompletableFuture<T> f) throws Exception { return f.get(TIMEOUT_S, TimeUnit.SECONDS); }

    void open(String uri, String text) {
        versions.put(uri, 1);
        server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "dlm", 1, text)));
    }

    void change(String uri, String text) {
        int v = versions.merge(uri, 1, Integer::sum);
        server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
                new VersionedTextDocumentIdentifier(uri, v), List.of(new TextDocumentContentChangeEvent(text))));
    }

    /** The next diagnostics published for {@code uri} (each open or change publishes once). */
    List<Diagnostic> diagnostics(String uri) throws InterruptedException {
        List<Diagnostic> d = queue(uri).poll(TIMEOUT_S, TimeUnit.SECONDS);
        if (d == null) throw new AssertionError("no diagnostics published for " + uri + " within " + TIMEOUT_S + " s");
        return d;
    }

    private LinkedBlockingQueue<List<Diagnostic>> queue(String uri) { return diagnostics.computeIfAbsent(uri, u -> new LinkedBlockingQueue<>()); }

    Hover hover(String uri, int line, int character) throws Exception {
        return get(server.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri), new Position(line, character))));
    }

    List<? extends Location> definition(String uri, int line, int character) throws Exception {
        return get(server.getTextDocumentService().definition(new DefinitionParams(new TextDocumentIdentifier(uri), new Position(line, character)))).getLeft();
    }

    List<CompletionItem> completion(String uri, int line, int character) throws Exception {
        return get(server.getTextDocumentService().completion(new CompletionParams(new TextDocumentIdentifier(uri), new Position(line, character)))).getLeft();
    }

    List<DocumentSymbol> symbols(String uri) throws Exception {
        return get(server.getTextDocumentService().documentSymbol(new DocumentSymbolParams(new TextDocumentIdentifier(uri))))
                .stream().map(e -> e.getRight()).toList();
    }

    List<? extends CodeLens> lenses(String uri) throws Exception {
        return get(server.getTextDocumentService().codeLens(new CodeLensParams(new TextDocumentIdentifier(uri))));
    }

    String log() { return serverLog.toString(StandardCharsets.UTF_8); }

    @Override
    public void close() throws Exception {
        get(server.shutdown());
        server.exit();
        try { toServer.close(); } catch (IOException e) { /* already closed */ }
        try { toClient.close(); } catch (IOException e) { /* already closed */ }
        serverListening.cancel(true);
        clientListening.cancel(true);
    }

    private final class Client implements LanguageClient {
        public void telemetryEvent(Object object) {}

        public void publishDiagnostics(PublishDiagnosticsParams p) { queue(p.getUri()).add(p.getDiagnostics()); }

        public void showMessage(MessageParams p) {}

        public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams p) { return CompletableFuture.completedFuture(null); }

        public void logMessage(MessageParams p) {}
    }
}
