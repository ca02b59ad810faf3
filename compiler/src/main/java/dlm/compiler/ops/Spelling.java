package dlm.compiler.ops;

/**
 * How DLM source writes an op: an infix operator ({@code a + b}), a prefix operator ({@code -x}),
 * a prelude function ({@code sigmoid(x)}), or nothing (the printer then writes
 * {@code primitive("op", …)}). The checker's operator and builtin tables and the source printer
 * are derived from these.
 */
public record Spelling(Form form, String text) {
    public enum Form { INFIX, PREFIX, CALL, NONE }

    public static final Spelling NONE = new Spelling(Form.NONE, "");

    public static Spelling infix(String symbol) { return new Spelling(Form.INFIX, symbol); }

    public static Spelling prefix(String symbol) { return new Spelling(Form.PREFIX, symbol); }

    public static Spelling call(String function) { return new Spelling(Form.CALL, function); }
}
