package dlm.compiler.parse;

import static org.junit.jupiter.api.Assertions.*;

import dlm.compiler.ast.Ast.Program;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceFile;
import dlm.compiler.diag.SourceSpan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Random inputs never break the parser: each one either parses or fails with a {@link DlmException}
 * located inside the file with a human message; never another exception, never a hang. Plus a
 * property test: random expression trees printed with minimal parentheses parse back to the same
 * tree (precedence and associativity of every operator).
 */
class ParseFuzzTest {
    private static final long SEED = 0xD1_2026L;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Valid programs to mutate. */
    private static final List<String> CORPUS = List.of(ParserTest.MNIST, ParserTest.FROM_SCRATCH, ParserTest.FIGURE, """
            import std.nn.*
            val x = [[5, 78, 2, 34, 0], [6, 79, 3, 35, 1]]
            println(x.ndim, "shape:\\t", x.shape)
            println(x[:, 14:, 14:], x[:, 7:-7, 7:-7], x[4], x[10:100], x[::2], x[-1])
            val f = { v -> v * 2 }; val g = { it + 1 }
            val y = sequential { dense(512, ::relu); dense(10, ::softmax) }
            val z = compute(x) { a: f32 -> a }
                .map { it }
            /* done */ println(!(a && b) || c != d, 1_000 % 7 >= 2e3f)
            """);

    /** Token-sized pieces of DLM, valid and not, for random sequences. */
    private static final String[] PIECES = {
        "import", "fun", "model", "train", "val", "param", "return", "true", "false",
        "x", "y", "f", "relu", "it", "loss", "f32", "u8", "Int", "batch", "std", "nn",
        "0", "1", "28", "1.5", "255f", "1e-3", "1_000", "2F", "\"s\"", "\"a\\n\"",
        "+", "-", "*", "/", "%", "@", "!", "==", "!=", "<", ">", "<=", ">=", "&&", "||",
        "=", ".", ",", ":", "::", ";", "->", "(", ")", "[", "]", "{", "}",
        "\n", "\n", "\n", "// c\n", "/* c */",
        "$", "#", "\"open", "/* open", "\"bad\\q\"", "\\", "'", "&", "|", "😀", "\u0000", "\r",
    };

    /** Characters for mutations. */
    private static final String ALPHABET = " \n\r\t(){}[]=+-*/%@!<>&|.,:;\"\\$_0123456789aefxF😀";

    @Test
    void randomTokenSequences() {
        Random rnd = new Random(SEED);
        for (int i = 0; i < 2_500; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + rnd.nextInt(40);
            for (int k = 0; k < n; k++) {
                sb.append(PIECES[rnd.nextInt(PIECES.length)]);
                if (rnd.nextInt(4) != 0) sb.append(' ');
            }
            check(sb.toString());
        }
    }

    @Test
    void mutatedPrograms() {
        Random rnd = new Random(SEED + 1);
        for (int i = 0; i < 2_500; i++) {
            StringBuilder sb = new StringBuilder(CORPUS.get(rnd.nextInt(CORPUS.size())));
            int edits = 1 + rnd.nextInt(4);
            for (int k = 0; k < edits && sb.length() > 1; k++) {
                int at = rnd.nextInt(sb.length() - 1);
                if (Character.isLowSurrogate(sb.charAt(at))) at--;      // keep surrogate pairs whole
                int width = Character.charCount(sb.codePointAt(at));
                switch (rnd.nextInt(4)) {
                    case 0 -> sb.delete(at, at + width);
                    case 1 -> sb.insert(at, sb.substring(at, at + width));
                    case 2 -> {
                        if (width == 1 && at + 1 < sb.length() && !Character.isSurrogate(sb.charAt(at + 1))) {
                            char c = sb.charAt(at);
                            sb.setCharAt(at, sb.charAt(at + 1));
                            sb.setCharAt(at + 1, c);
                        }
                    }
                    default -> {
                        int pick = rnd.nextInt(ALPHABET.length() - 1);
                        if (Character.isLowSurrogate(ALPHABET.charAt(pick))) pick--;
                        sb.insert(at, ALPHABET.substring(pick, pick + Character.charCount(ALPHABET.codePointAt(pick))));
                    }
                }
            }
            check(sb.toString());
        }
    }

    @Test
    void everyPrefixOfAValidProgram() {
        String program = CORPUS.getLast();
        for (int end = 0; end <= program.length(); end++) check(program.substring(0, end));
    }

    @Test
    void randomExpressionsParseBackToTheSameTree() {
        Random rnd = new Random(SEED + 2);
        for (int i = 0; i < 1_000; i++) {
            Node tree = Node.random(rnd, 4);
            String source = tree.source(0);
            String parsed = withTimeout(source, () -> ParserTest.show(ParserTest.expr(source)));
            assertEquals(tree.sexpr(), parsed, source);
        }
    }

    // ---- mutants that check must also run and train ----------------------------------------------

    /** Programs that check, run and train: mutated a token at a time, most mutants still check. */
    private static final List<String> RUNNABLE = List.of("""
            val x = [[1f, 2f, 3f], [4f, 5f, 6f]]
            val w = [[0.5f], [1f], [2f]]
            println(x @ w, sum(x, axis = 0), x.reshape(3, 2), relu(x - 3f))
            println(softmax(x, axis = 1), x[:, 1:], x.shape, log(x) / 2f, sqrt(x - 2f))
            """, ParserTest.FIGURE, """
            import std.nn.*
            model Small(images: u8[batch, 28, 28]) {
                val x = images.reshape(batch, 784).toF32() / 255f
                val hidden = dense(x, units = 16, activation = ::relu)
                return dense(hidden, units = 10, activation = ::softmax)
            }
            train(Small) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam(learningRate = 1e-3); metrics = [::accuracy]; batchSize = 32 }
            """, """
            import std.nn.*
            fun naiveDense(x: f32[n, i], units: Int, activation: (f32) -> f32): f32[n, units] {
                param W: f32[i, units] = uniform(-0.05, 0.05)
                param b: f32[units] = zeros()
                return activation(x @ W + b)
            }
            model Scratch(images: u8[batch, 28, 28]) {
                val x = images.reshape(batch, 784).toF32() / 255f
                val h = naiveDense(x, 8, ::relu)
                return naiveDense(h, 10, ::softmax)
            }
            train(Scratch) { data = fashionMnist(); loss = ::sparseCategoricalCrossentropy; optimizer = sgd(learningRate = 0.1, momentum = 0.9); batchSize = 16 }
            """);

    /** What a token may become, by kind: numbers, names (builtins, std.nn, dtypes, optimizers, losses), operators. */
    private static final String[] NUMBERS = {"1", "2", "3", "7", "10", "-1", "0.5", "1e30", "1e-30", "0f", "2f", "-3f", "65504f", "1e-3"};
    private static final String[] NAMES = {
        "relu", "softmax", "sigmoid", "tanh", "log", "exp", "sqrt", "abs", "sum", "mean", "square", "x", "w", "h", "batch", "n", "units",
        "f16", "f32", "f64", "i32", "u8", "sgd", "rmsprop", "adagrad", "adam", "binaryCrossentropy", "categoricalCrossentropy",
        "sparseCategoricalCrossentropy", "accuracy", "momentum", "learningRate", "epochs", "toF16", "toF64", "reshape", "transpose",
    };
    private static final String[] OPERATORS = {"+", "-", "*", "/", "@", "%"};

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*|\\d+(\\.\\d+)?(e-?\\d+)?[fF]?|\\S");

    /**
     * Mutants tried, and at most how many of them train (each loads the data and evaluates the
     * test set); a longer run: -Ddlm.fuzz.mutants=3000 -Ddlm.fuzz.trains=100 -Ddlm.fuzz.seed=7.
     */
    private static final int MUTANTS = Integer.getInteger("dlm.fuzz.mutants", 300), MAX_TRAINS = Integer.getInteger("dlm.fuzz.trains", 12);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

    /**
     * A bounded, seeded run: token mutants of runnable programs that pass the checker are run
     * with {@code dlmc run}, and those with a train block train one step ({@code --limit} = the
     * batch size); neither may end in an internal error (exit 3) or hang.
     */
    @Test
    void mutantsThatCheckRunAndTrainOneStep(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        Random rnd = new Random(SEED + 3 + Long.getLong("dlm.fuzz.seed", 0));
        String data = dlm.compiler.TestFiles.dataDir().toString();
        int checked = 0, trained = 0;
        for (int i = 0; i < MUTANTS; i++) {
            String program = mutateTokens(RUNNABLE.get(rnd.nextInt(RUNNABLE.size())), rnd, 1 + rnd.nextInt(2));
            dlm.compiler.check.CheckedProgram p;
            try {
                p = withTimeout(program, () -> {
                    try {
                        return dlm.compiler.Frontend.compile("fuzz.dlm", program);
                    } catch (DlmException e) {
                        return null;
                    }
                });
            } catch (AssertionError e) {
                throw e;
            }
            if (p == null) continue;
            checked++;
            java.nio.file.Path f = tmp.resolve("mutant" + i + ".dlm");
            java.nio.file.Files.writeString(f, program);
            runCli(program, "run", f.toString());
            if (!p.trains().isEmpty() && trained < MAX_TRAINS) {
                trained++;
                runCli(program, "train", f.toString(), "--data", data, "--epochs", "1", "--batch-size", "16", "--limit", "16");
            }
        }
        System.out.println("run/train fuzz: " + checked + " of " + MUTANTS + " mutants checked and ran, " + trained + " trained one step");
        assertTrue(checked >= MUTANTS / 4, "only " + checked + " of " + MUTANTS + " mutants checked: the mutations are too destructive");
        assertTrue(trained >= MAX_TRAINS / 2, "only " + trained + " mutants trained");
    }

    /** Replaces, deletes or repeats {@code edits} random tokens. */
    private static String mutateTokens(String program, Random rnd, int edits) {
        String s = program;
        for (int k = 0; k < edits; k++) {
            List<int[]> tokens = new ArrayList<>();
            var m = TOKEN.matcher(s);
            while (m.find()) tokens.add(new int[] {m.start(), m.end()});
            int[] t = tokens.get(rnd.nextInt(tokens.size()));
            String tok = s.substring(t[0], t[1]);
            String[] kind = Character.isDigit(tok.charAt(0)) ? NUMBERS : Character.isLetter(tok.charAt(0)) ? NAMES
                    : List.of(OPERATORS).contains(tok) ? OPERATORS : null;
            String by = switch (rnd.nextInt(8)) {
                case 0 -> "";
                case 1 -> tok + " " + tok;
                default -> kind == null ? tok : kind[rnd.nextInt(kind.length)];
            };
            s = s.substring(0, t[0]) + by + s.substring(t[1]);
        }
        return s;
    }

    private static final ExecutorService CLI_WORKER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "run-fuzz");
        t.setDaemon(true);
        return t;
    });

    /** Runs dlmc in-process on the CLI worker: any exit but 3 (internal error), within the timeout. */
    private static void runCli(String program, String... args) {
        Future<dlm.compiler.cli.CliRunner> run = CLI_WORKER.submit(() -> dlm.compiler.cli.CliRunner.run(args));
        dlm.compiler.cli.CliRunner r;
        try {
            r = run.get(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            fail("dlmc " + args[0] + " timed out on " + escape(program));
            return;
        } catch (ExecutionException e) {
            fail("dlmc " + args[0] + " threw " + e.getCause() + " on " + escape(program), e.getCause());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
            return;
        }
        assertNotEquals(3, r.status(), "dlmc " + args[0] + " ended in an internal error on " + escape(program) + "\n" + r.err());
        assertFalse(r.err().contains("internal error") || r.err().contains("\tat "), "dlmc " + args[0] + " on " + escape(program) + "\n" + r.err());
    }

    // ---- checking one input ------------------------------------------------------------------------

    /** Messages must be worded for people: no ANTLR token-set dumps or token type names. */
    private static final Pattern INTERNALS = Pattern.compile(
            "<EOF>|expecting|token recognition|[{}]|\\b(IDENT|INT|FLOAT|STRING|NL|SEMI|ERROR_CHAR|LPAREN|RBRACE)\\b");

    /**
     * Runs each input on this worker with a timeout. (One long-lived thread rather than
     * assertTimeoutPreemptively's thread per call, which costs more than the parse itself.)
     */
    private static final ExecutorService WORKER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "parse-fuzz");
        t.setDaemon(true);   // a hung parse must not keep the test JVM alive
        return t;
    });

    private static void check(String text) {
        SourceFile file = SourceFile.of("fuzz.dlm", text);
        withTimeout(text, () -> {
            try {
                Program p = Parser.parse(file);
                assertNotNull(p);
            } catch (DlmException e) {
                checkError(file, e);
            }
            return null;
        });
    }

    /** Runs {@code task} about {@code input} on the worker; fails on a timeout or an unexpected exception. */
    private static <T> T withTimeout(String input, Callable<T> task) {
        Future<T> run = WORKER.submit(task);
        try {
            return run.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            return fail("timed out on input " + escape(input));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError failure) throw failure;
            return fail("unexpected " + e.getCause() + " for input " + escape(input), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    private static void checkError(SourceFile file, DlmException e) {
        String context = e.getMessage() + " for input " + escape(file.text());
        SourceSpan span = e.span();
        assertNotNull(span, context);
        assertSame(file, span.file(), context);
        int lines = Math.max(1, (int) file.text().lines().count());
        assertTrue(span.line() >= 1 && span.line() <= lines, "line out of the file: " + span + ": " + context);
        assertTrue(span.column() >= 1 && span.column() <= file.line(span.line()).length() + 1,
                "column out of the line: " + span + ": " + context);
        assertTrue(span.endLine() > span.line() || span.endLine() == span.line() && span.endColumn() >= span.column(),
                "span ends before it starts: " + span + ": " + context);
        String unquoted = e.getMessage().replaceAll("'[^']*'", "''");
        assertFalse(INTERNALS.matcher(unquoted).find(), "parser internals in message: " + context);
        int expected = unquoted.indexOf("expected ");
        if (expected >= 0) {
            long alternatives = unquoted.substring(expected).chars().filter(c -> c == ',').count() + 1;
            assertTrue(alternatives <= 4, "too many alternatives: " + context);
        }
        assertFalse(e.render().isBlank(), context);
    }

    private static String escape(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\"", "\\\"") + '"';
    }

    // ---- random expression trees -------------------------------------------------------------------

    /** A random expression: knows its source (minimal parentheses) and its expected S-expression. */
    private record Node(String kind, String op, List<Node> kids) {
        /** Binary operators by precedence level, lowest first (level = index + 1). */
        static final String[][] LEVELS = {{"||"}, {"&&"}, {"==", "!="}, {"<", ">", "<=", ">="}, {"+", "-"}, {"*", "/", "%", "@"}};
        static final int PREFIX = 7, POSTFIX = 8, PRIMARY = 9;
        static final String[] LEAVES = {"a", "b", "x1", "42", "1_000", "1.5", "255f", "1e-3", "::relu", "true"};

        static Node random(Random rnd, int depth) {
            int choice = depth == 0 ? 0 : rnd.nextInt(10);
            return switch (choice) {
                case 0, 1 -> new Node("leaf", LEAVES[rnd.nextInt(LEAVES.length)], List.of());
                case 2 -> new Node("unary", new String[] {"-", "+", "!"}[rnd.nextInt(3)], List.of(random(rnd, depth - 1)));
                case 3 -> new Node("member", "m", List.of(random(rnd, depth - 1)));
                case 4 -> {
                    List<Node> args = new ArrayList<>();
                    args.add(random(rnd, depth - 1));
                    for (int k = rnd.nextInt(3); k > 0; k--) args.add(random(rnd, depth - 1));
                    yield new Node("call", null, args);
                }
                case 5 -> new Node("index", null, List.of(random(rnd, depth - 1), random(rnd, depth - 1)));
                default -> {
                    String[] level = LEVELS[rnd.nextInt(LEVELS.length)];
                    yield new Node("binary", level[rnd.nextInt(level.length)], List.of(random(rnd, depth - 1), random(rnd, depth - 1)));
                }
            };
        }

        int precedence() {
            return switch (kind) {
                case "leaf" -> PRIMARY;
                case "unary" -> PREFIX;
                case "binary" -> {
                    for (int i = 0; i < LEVELS.length; i++) if (List.of(LEVELS[i]).contains(op)) yield i + 1;
                    throw new AssertionError(op);
                }
                default -> POSTFIX;
            };
        }

        /** Source text, parenthesized only where the context binds tighter than this node. */
        String source(int context) {
            String s = switch (kind) {
                case "leaf" -> op;
                case "unary" -> op + kids.get(0).source(PREFIX);
                case "member" -> kids.get(0).source(POSTFIX) + ".m";
                case "call" -> kids.get(0).source(POSTFIX) + "(" + String.join(", ",
                        kids.subList(1, kids.size()).stream().map(k -> k.source(0)).toList()) + ")";
                case "index" -> {
                    // `x[::f]` is a slice with step f: a function reference as an index needs parentheses.
                    String index = kids.get(1).source(0);
                    yield kids.get(0).source(POSTFIX) + "[" + (index.startsWith("::") ? "(" + index + ")" : index) + "]";
                }
                default -> kids.get(0).source(precedence()) + " " + op + " " + kids.get(1).source(precedence() + 1);
            };
            return precedence() < context ? "(" + s + ")" : s;
        }

        /** The S-expression {@link ParserTest#show} prints for this tree. */
        String sexpr() {
            return switch (kind) {
                case "leaf" -> op;
                case "unary" -> "(" + op + kids.get(0).sexpr() + ")";
                case "member" -> "(. " + kids.get(0).sexpr() + " m)";
                case "call" -> "(call " + kids.get(0).sexpr() + kids.subList(1, kids.size()).stream()
                        .map(k -> " " + k.sexpr()).reduce("", String::concat) + ")";
                case "index" -> "(index " + kids.get(0).sexpr() + " " + kids.get(1).sexpr() + ")";
                default -> "(" + op + " " + kids.get(0).sexpr() + " " + kids.get(1).sexpr() + ")";
            };
        }
    }
}
