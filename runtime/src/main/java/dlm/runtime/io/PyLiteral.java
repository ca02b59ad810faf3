package dlm.runtime.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the subset of Python literals that a {@code .npy} header uses, which NumPy reads with
 * {@code ast.literal_eval}: a dict of string keys whose values are strings, booleans, None,
 * integers and (nested) tuples or lists of those.
 *
 * <p>Results: {@code String}, {@code Boolean}, {@code null}, {@code Long} (Python 2's {@code 3L}
 * suffix accepted, as NumPy does for old files), {@code PyLiteral.Tuple} and {@code List} for
 * tuples and lists, {@code LinkedHashMap} for dicts. Anything else is a {@link IllegalArgumentException}
 * whose message says what was found where.
 */
final class PyLiteral {

    /** A Python tuple, kept apart from lists because a shape must be a tuple. */
    record Tuple(List<Object> items) {}

    private final String s;
    private int pos;

    private PyLiteral(String s) { this.s = s; }

    /** Parses one literal that must span all of {@code text} except surrounding whitespace. */
    static Object parse(String text) {
        PyLiteral p = new PyLiteral(text);
        Object v = p.value();
        p.skipSpace();
        if (p.pos != p.s.length()) throw p.error("unexpected '" + p.s.charAt(p.pos) + "' after the literal");
        return v;
    }

    private Object value() {
        skipSpace();
        if (pos >= s.length()) throw error("unexpected end");
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> dict();
            case '(' -> sequence('(', ')', true);
            case '[' -> sequence('[', ']', false);
            case '\'', '"' -> string();
            default -> {
                if (c == '-' || c == '+' || Character.isDigit(c)) yield integer();
                if (Character.isLetter(c)) yield word();
                throw error("unexpected '" + c + "'");
            }
        };
    }

    private Map<String, Object> dict() {
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (peek('}')) { pos++; return map; }
            Object key = value();
            if (!(key instanceof String k)) throw error("dict key is not a string");
            skipSpace();
            expect(':');
            map.put(k, value());
            skipSpace();
            if (peek(',')) pos++;
            else if (!peek('}')) throw error("expected ',' or '}'");
        }
    }

    private Object sequence(char open, char close, boolean tuple) {
        pos++; // open
        List<Object> items = new ArrayList<>();
        boolean sawComma = false;
        while (true) {
            skipSpace();
            if (peek(close)) {
                pos++;
                // "(3)" is just 3 in Python; only "(3,)" is a one-element tuple.
                if (tuple && items.size() == 1 && !sawComma) return items.get(0);
                return tuple ? new Tuple(Collections.unmodifiableList(items)) : items;
            }
            items.add(value());
            skipSpace();
            if (peek(',')) { pos++; sawComma = true; }
            else if (!peek(close)) throw error("expected ',' or '" + close + "'");
        }
    }

    private String string() {
        char quote = s.charAt(pos++);
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw error("unterminated string");
            char c = s.charAt(pos++);
            if (c == quote) return b.toString();
            if (c == '\\') {
                if (pos >= s.length()) throw error("unterminated string");
                char e = s.charAt(pos++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case '0' -> b.append('\0');
                    case '\\', '\'', '"' -> b.append(e);
                    case 'x' -> b.append((char) hex(2));
                    case 'u' -> b.append((char) hex(4));
                    default -> b.append('\\').append(e); // Python keeps unknown escapes verbatim
                }
            } else {
                b.append(c);
            }
        }
    }

    private int hex(int digits) {
        if (pos + digits > s.length()) throw error("bad escape");
        try {
            int v = Integer.parseInt(s.substring(pos, pos + digits), 16);
            pos += digits;
            return v;
        } catch (NumberFormatException e) {
            throw error("bad escape");
        }
    }

    private Long integer() {
        int start = pos;
        if (peek('-') || peek('+')) pos++;
        while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
        String digits = s.substring(start, pos).replace("_", "");
        if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) pos++; // Python 2 long
        if (pos < s.length() && (s.charAt(pos) == '.' || s.charAt(pos) == 'e' || s.charAt(pos) == 'E'))
            throw error("floats are not expected in a .npy header");
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw error("bad integer '" + digits + "'");
        }
    }

    private Object word() {
        int start = pos;
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
        String w = s.substring(start, pos);
        return switch (w) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> null;
            default -> throw new IllegalArgumentException("unexpected name '" + w + "' at offset " + start);
        };
    }

    private void skipSpace() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }

    private boolean peek(char c) { return pos < s.length() && s.charAt(pos) == c; }

    private void expect(char c) {
        if (!peek(c)) throw error("expected '" + c + "'");
        pos++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at offset " + pos);
    }
}
