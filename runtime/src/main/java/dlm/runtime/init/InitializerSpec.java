package dlm.runtime.init;

import java.util.List;

/**
 * What the compiler needs to check an initializer call such as {@code uniform(-0.05, 0.05)} or
 * {@code normal(stddev = 0.1)}: the name, the parameters in positional order, and their
 * defaults (every parameter has one, as in Keras).
 */
public record InitializerSpec(String name, List<String> paramNames, List<Double> defaults) {

    public InitializerSpec {
        paramNames = List.copyOf(paramNames);
        defaults = List.copyOf(defaults);
        if (paramNames.size() != defaults.size())
            throw new IllegalArgumentException(name + ": " + paramNames.size() + " parameters but " + defaults.size() + " defaults");
    }

    /** The default of a parameter; throws for a name that is not a parameter. */
    public double defaultOf(String param) {
        int i = paramNames.indexOf(param);
        if (i < 0) throw new IllegalArgumentException(unknownParam(param));
        return defaults.get(i);
    }

    String unknownParam(String param) {
        return "initializer " + name + " has no parameter '" + param + "'"
                + (paramNames.isEmpty() ? " (it takes none)" : "; its parameters are " + String.join(", ", paramNames));
    }

    /** {@code uniform(lo = -0.05, hi = 0.05)}, for messages. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name).append('(');
        for (int i = 0; i < paramNames.size(); i++)
            b.append(i > 0 ? ", " : "").append(paramNames.get(i)).append(" = ").append(defaults.get(i));
        return b.append(')').toString();
    }
}
