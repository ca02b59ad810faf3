package dlm.compiler.parse;

import static org.junit.jupiter.api.Assertions.*;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceFile;
import org.junit.jupiter.api.Test;

/** Syntax errors render exactly as users will see them: location, message, source line, caret. */
class ParseErrorTest {

    /** The rendered error for {@code src}, which must not parse. */
    static String error(String src) {
        DlmException e = assertThrows(DlmException.class, () -> Parser.parse(SourceFile.of("bad.dlm", src)));
        return e.render();
    }

    static void assertError(String src, String... rendered) {
        assertEquals(String.join("\n", rendered), error(src));
    }

    // ---- the brief's cases -------------------------------------------------------------------------

    @Test
    void missingClosingParenthesis() {
        assertError("val y = 1\nprint(f(1)\n",
                "bad.dlm:2:11: error: missing ')' at end of file",
                "print(f(1)",
                "          ^");
        assertError("f(1, 2\nval y = 3",
                "bad.dlm:2:1: error: mismatched input 'val'; expected ',' or ')'",
                "val y = 3",
                "^~~");
        assertError("{ f(1 }",
                "bad.dlm:1:7: error: missing ')' at '}'",
                "{ f(1 }",
                "      ^");
    }

    @Test
    void valWithoutName() {
        assertError("val = 3",
                "bad.dlm:1:5: error: mismatched input '='; expected a name",
                "val = 3",
                "    ^");
    }

    @Test
    void funWithoutName() {
        assertError("fun (",
                "bad.dlm:1:5: error: mismatched input '('; expected a name",
                "fun (",
                "    ^");
    }

    @Test
    void unknownCharacter() {
        assertError("val x = 1 $ 2",
                "bad.dlm:1:11: error: unexpected character '$'",
                "val x = 1 $ 2",
                "          ^");
        assertError("val x = a & b",
                "bad.dlm:1:11: error: unexpected character '&'",
                "val x = a & b",
                "          ^");
        assertError("val s = 'a'",
                "bad.dlm:1:9: error: unexpected character \"'\" (strings are written in double quotes)",
                "val s = 'a'",
                "        ^");
        assertError("x\u0007",
                "bad.dlm:1:2: error: unexpected character '\\u0007'",
                "x\u0007",
                " ^");
    }

    @Test
    void unterminatedString() {
        assertError("val s = \"abc\nval t = 1",
                "bad.dlm:1:9: error: unterminated string",
                "val s = \"abc",
                "        ^~~~");
    }

    @Test
    void invalidEscape() {
        assertError("println(\"a\\qb\")",
                "bad.dlm:1:11: error: invalid escape '\\q' in string (use \\n, \\t, \\r, \\\" or \\\\)",
                "println(\"a\\qb\")",
                "          ^~");
    }

    @Test
    void unterminatedComment() {
        assertError("val x = 1\n  /* the end\n\n",
                "bad.dlm:2:3: error: unterminated comment",
                "  /* the end",
                "  ^~");
    }

    @Test
    void operatorAtTheEndOfTheLastLine() {
        assertError("val y = x +\n",
                "bad.dlm:1:12: error: unexpected end of file; expected an expression",
                "val y = x +",
                "           ^");
        // ...and when the next line holds something else.
        assertError("val y = x +\nval z = 1",
                "bad.dlm:2:1: error: mismatched input 'val'; expected an expression",
                "val z = 1",
                "^~~");
    }

    @Test
    void strayClosingBrace() {
        assertError("model M() {\n}\n}\n",
                "bad.dlm:3:1: error: unmatched '}'",
                "}",
                "^");
        assertError("val x = f(1))",
                "bad.dlm:1:13: error: unmatched ')'",
                "val x = f(1))",
                "            ^");
    }

    // ---- more of the same family ------------------------------------------------------------------

    @Test
    void missingExpression() {
        assertError("f(1 + )",
                "bad.dlm:1:7: error: mismatched input ')'; expected an expression",
                "f(1 + )",
                "      ^");
        assertError("model M(x: f32) { param w: f32 = }",
                "bad.dlm:1:34: error: mismatched input '}'; expected an expression",
                "model M(x: f32) { param w: f32 = }",
                "                                 ^");
    }

    @Test
    void missingBraceAtEndOfFile() {
        assertError("model M(x: f32) {\n    val y = x * 2\n\n",
                "bad.dlm:2:18: error: missing '}' at end of file",
                "    val y = x * 2",
                "                 ^");
    }

    @Test
    void extraneousInput() {
        assertError("f(1 2)",
                "bad.dlm:1:5: error: extraneous input '2'; expected ',' or ')'",
                "f(1 2)",
                "    ^");
        assertError("val x = 1 2",
                "bad.dlm:1:11: error: extraneous input '2'; expected a newline or ';'",
                "val x = 1 2",
                "          ^");
        assertError("fun f() {\n  val x = 1 2\n}",
                "bad.dlm:2:13: error: extraneous input '2'; expected a newline, ';' or '}'",
                "  val x = 1 2",
                "            ^");
    }

    @Test
    void expectedTypesAndNamedThings() {
        assertError("val x: = 3",
                "bad.dlm:1:8: error: mismatched input '='; expected a type",
                "val x: = 3",
                "       ^");
        assertError("fun f(1) = 2",
                "bad.dlm:1:7: error: extraneous input '1'; expected a parameter or ')'",
                "fun f(1) = 2",
                "      ^");
        assertError("model M(x f32) {}",
                "bad.dlm:1:11: error: missing ':' at 'f32'",
                "model M(x f32) {}",
                "          ^~~");
        assertError("train(M) {\n  epochs 5\n}",
                "bad.dlm:2:10: error: missing '=' at '5'",
                "  epochs 5",
                "         ^");
        assertError("train(M) { 3 }",
                "bad.dlm:1:12: error: extraneous input '3'; expected a setting or '}'",
                "train(M) { 3 }",
                "           ^");
        assertError("fun f() 3",
                "bad.dlm:1:9: error: mismatched input '3'; expected ':', '{' or '='",
                "fun f() 3",
                "        ^");
        assertError("x.\n",
                "bad.dlm:1:3: error: unexpected end of file; expected a name",
                "x.",
                "  ^");
    }

    @Test
    void lookaheadErrorsPointAtTheTokenThatBrokeTheParse() {
        // Deciding between a lambda's parameters and its statements needs lookahead.
        assertError("val f = { a, b c -> a }",
                "bad.dlm:1:16: error: extraneous input 'c'; expected ':', ',' or '->'",
                "val f = { a, b c -> a }",
                "               ^");
    }

    @Test
    void errorsFoundAfterParsing() {
        assertError("val x = 1\nimport std.nn",
                "bad.dlm:2:1: error: imports must come before all declarations and statements",
                "import std.nn",
                "^~~~~~~~~~~~~");
        assertError("fun f(x: Int[3]) = x",
                "bad.dlm:1:10: error: 'Int' is not a tensor element type; only f16, f32, f64, i32, i64, u8 and bool take dimensions",
                "fun f(x: Int[3]) = x",
                "         ^~~");
        assertError("val big = 9223372036854775808",
                "bad.dlm:1:11: error: integer literal 9223372036854775808 is too large (the largest is 9223372036854775807)",
                "val big = 9223372036854775808",
                "          ^~~~~~~~~~~~~~~~~~~");
        assertError("val x = 1e39f",
                "bad.dlm:1:9: error: number 1e39f is too large for f32",
                "val x = 1e39f",
                "        ^~~~~");
    }

    @Test
    void theFirstErrorWins() {
        // The lexical error comes later in the file than the syntax error.
        assertError("val = 1\nval s = \"open",
                "bad.dlm:1:5: error: mismatched input '='; expected a name",
                "val = 1",
                "    ^");
        assertError("val s = \"open\nval = 1",
                "bad.dlm:1:9: error: unterminated string",
                "val s = \"open",
                "        ^~~~~");
    }

    @Test
    void deepNestingIsAnErrorNotACrash() {
        String deep = "val x = " + "(".repeat(200_000) + "1" + ")".repeat(200_000);
        DlmException e = assertThrows(DlmException.class, () -> Parser.parse(SourceFile.of("deep.dlm", deep)));
        assertEquals("expression nested too deeply: more than " + Parser.MAX_NESTING + " brackets open at once; split it into several vals", e.getMessage());
        assertEquals("deep.dlm:1:" + ("val x = ".length() + Parser.MAX_NESTING + 1), e.span().location(), "located at the first bracket past the limit");
    }
}
