package dlm.compiler.cli;

import java.lang.management.ManagementFactory;

/**
 * A stand-in for dlmc's main class in {@link LauncherTest}: reports what the launcher started it
 * with. {@code --aot-training MODE …} (the launcher's AOT cache training run) just returns, or fails with
 * {@code -Ddlm.probe.failTraining=true}.
 */
public final class LauncherProbe {
    private LauncherProbe() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--aot-training")) {
            if (Boolean.getBoolean("dlm.probe.failTraining")) System.exit(3);
            return;
        }
        System.out.println("args: " + String.join(" ", args));
        System.out.println("vector module: " + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments())
            if (a.startsWith("-XX:AOTCache=")) System.out.println("aot cache: " + a.substring("-XX:AOTCache=".length()));
    }
}
