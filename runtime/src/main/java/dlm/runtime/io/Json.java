package dlm.runtime.io;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON shape checkpoints need: a flat object of strings. Written the way Python's
 * {@code json.dumps} formats it ({@code {"model": "Mnist", "step": "1200"}}, non-ASCII kept as is,
 * which is valid JSON); read leniently, so metadata edited in Python with numbers or booleans
 * still loads (their JSON text becomes the value, {@code null} drops the key).
 */
final class Json {
    private final String s;
    private int pos;

    private Json(String s) { this.s = s; }

    static String write(Map<String, String> map) {
        StringBuilder b = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (!first) b.append(", ");
            first = false;
            string(b, e.getKey());
            b.append(": ");
            string(b, e.getValue());
        }
        return b.append('}').toString();
    }

    private static void string(StringBuilder b, String v) {
        b.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }

    /** Parses a flat JSON object; throws IllegalArgumentException saying what is wrong where. */
    static LinkedHashMap<String, String> parseObject(String text) {
        Json p = new Json(text);
        LinkedHashMap<String, String> map = new LinkedHashMap<>();
        p.space();
        p.expect('{');
        p.space();
        if (p.peek('}')) {
            p.pos++;
        } else {
            while (true) {
                p.space();
                String key = p.string();
                p.space();
                p.expect(':');
                p.space();
                String value = p.scalar();
                if (value == null) map.remove(key);
                else map.put(key, value); // duplicate keys: the last wins, as in Python
                p.space();
                if (p.peek(',')) { p.pos++; continue; }
                p.expect('}');
                break;
            }
        }
        p.space();
        if (p.pos != text.length()) throw p.error("unexpected text after the object");
        return map;
    }

    private String scalar() {
        if (peek('"')) return string();
        if (peek('{') || peek('[')) throw error("nested objects and arrays are not supported");
        int start = pos;
        while (pos < s.length() && "{}[],: \t\r\n\"".indexOf(s.charAt(pos)) < 0) pos++;
        String word = s.substring(start, pos);
        if (word.equals("null")) return null;
        if (word.equals("true") || word.equals("false") || word.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?"))
            return word;
        throw error(word.isEmpty() ? "expected a value" : "unexpected '" + word + "'");
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw error("unterminated string");
            char c = s.charAt(pos++);
            if (c == '"') return b.toString();
            if (c != '\\') { b.append(c); continue; }
            if (pos >= s.length()) throw error("unterminated string");
            char e = s.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    // Surrogate pairs arrive as two escapes and recombine in Java's UTF-16 strings.
                    if (pos + 4 > s.length()) throw error("bad \\u escape");
                    try {
                        b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private void space() {
        while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) pos++;
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
