package dlm.compiler.cli;

import dlm.compiler.lsp.DlmLanguageServer;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code dlmc lsp}: a language server for editors, speaking LSP on stdin and stdout (see dlm.compiler.lsp). */
final class LspCommand implements Command {
    public String name() { return "lsp"; }

    public String summary() { return "a Language Server Protocol server on stdin/stdout, for editors (editors/vscode)"; }

    public String usage() { return "[--stdio]"; }

    public Options options() {
        return new Options().addOption(Option.builder().longOpt("stdio").desc("talk on stdin/stdout (the default and only transport)").get());
    }

    public int run(CommandLine cl, Console c) throws Exception {
        // The protocol owns stdout: anything else printed there would corrupt it, so System.out goes to stderr.
        PrintStream protocolOut = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        PrintStream log = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        System.setOut(log);
        var listening = DlmLanguageServer.serve(Dlmc.VERSION, System.in, protocolOut, log, status -> {
            protocolOut.flush();
            System.exit(status);
        });
        listening.get(); // until the client closes stdin
        return 0;
    }
}
