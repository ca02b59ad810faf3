package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceFile;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.parse.Parser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds and loads standard-library modules: {@code std.nn} is the resource {@code std/nn.dlm}
 * shipped by the stdlib module. A module holds only declarations ({@code fun}); its scope
 * lives under the prelude and is shared by every file that imports it.
 */
public final class ModuleLoader {
    /** The modules of the standard library, for messages. */
    public static final List<String> STD_MODULES = List.of("std.math", "std.nn", "std.optim");

    private final Map<String, Scope> loaded = new HashMap<>();
    private final Set<String> loading = new HashSet<>();

    /** The exported names of a module (its functions), or an error at the import. */
    public Scope module(List<String> path, SourceSpan at) {
        String name = String.join(".", path);
        Scope s = loaded.get(name);
        if (s != null) return s;
        if (!loading.add(name)) throw new DlmException(at, "module " + name + " imports itself");
        try {
            String text = read(name);
            if (text == null)
                throw new DlmException(at, "unknown module '" + name + "'; available modules: " + String.join(", ", STD_MODULES));
            Ast.Program prog = Parser.parse(SourceFile.of("<" + name + ">", text));
            Scope imports = Builtins.prelude().child();
            Checker.importAll(prog, imports, this);
            Scope scope = imports.child();
            Scope exports = new Scope(null);
            for (Ast.Decl d : prog.decls()) {
                if (!(d instanceof Ast.FunDecl f))
                    throw new DlmException(d.span(), "a module may only declare functions");
                if (scope.definesLocally(f.name())) throw new DlmException(f.nameSpan(), "duplicate definition of '" + f.name() + "'");
                Value.UserFun fun = new Value.UserFun(f, scope);
                scope.define(f.name(), fun);
                exports.define(f.name(), fun);
            }
            loaded.put(name, exports);
            return exports;
        } finally {
            loading.remove(name);
        }
    }

    /** Per function name, the std module that declares it (read from the modules' text, once). */
    private static volatile Map<String, String> stdNames;

    /** The standard-library module declaring a function {@code name} (for "import std.optim.*" hints), or null. */
    public static String stdModuleOf(String name) {
        Map<String, String> m = stdNames;
        if (m == null) {
            m = new HashMap<>();
            java.util.regex.Pattern fun = java.util.regex.Pattern.compile("(?m)^fun\\s+(\\w+)");
            for (String module : STD_MODULES) {
                String text = read(module);
                if (text == null) continue;
                java.util.regex.Matcher f = fun.matcher(text);
                while (f.find()) m.putIfAbsent(f.group(1), module);
            }
            stdNames = m;
        }
        return m.get(name);
    }

    private static String read(String module) {
        String resource = module.replace('.', '/') + ".dlm";
        try (InputStream in = ModuleLoader.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the standard library resource " + resource, e);
        }
    }
}
