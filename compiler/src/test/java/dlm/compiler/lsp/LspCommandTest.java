package dlm.compiler.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.*;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.Test;

/** {@code dlmc lsp} as an editor starts it: a child JVM running dlmc's main, LSP on its stdin and stdout. */
class LspCommandTest {
    @Test
    void dlmcLspServesOnStdioAndExitsWithZeroAfterShutdown() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xss8m", "-cp", System.getProperty("java.class.path"), "dlm.compiler.cli.Main", "lsp", "--stdio")
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        LinkedBlockingQueue<PublishDiagnosticsParams> published = new LinkedBlockingQueue<>();
        LanguageClient client = new LanguageClient() {
            public void telemetryEvent(Object o) {}
            public void publishDiagnostics(PublishDiagnosticsParams d) { published.add(d); }
            public void showMessage(MessageParams m) {}
            public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams r) { return CompletableFuture.completedFuture(null); }
            public void logMessage(MessageParams m) {}
        };
        Launcher<LanguageServer> launcher = LSPLauncher.createClientLauncher(client, p.getInputStream(), p.getOutputStream());
        launcher.startListening();
        LanguageServer server = launcher.getRemoteProxy();
        try {
            InitializeResult init = server.initialize(new InitializeParams()).get(60, TimeUnit.SECONDS);
            assertEquals("dlmc", init.getServerInfo().getName());
            server.initialized(new InitializedParams());
            String uri = "file:///tmp/lsp-cmd/bad.dlm";
            server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "dlm", 1, "val x = 1 +\n")));
            PublishDiagnosticsParams d = published.poll(60, TimeUnit.SECONDS);
            assertEquals(uri, d.getUri());
            assertEquals(1, d.getDiagnostics().size());
            assertTrue(d.getDiagnostics().get(0).getMessage().contains("expected an expression"), d.getDiagnostics().toString());
            server.shutdown().get(60, TimeUnit.SECONDS);
            server.exit();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "dlmc lsp did not exit");
            assertEquals(0, p.exitValue());
            assertEquals("", new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^WARNING: Using incubator modules.*\\R?", ""));
        } finally {
            p.destroyForcibly();
        }
    }
}
