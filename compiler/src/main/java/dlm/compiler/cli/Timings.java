package dlm.compiler.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a short command's wall time goes ({@code dlmc check --timings}): the launcher script, the
 * JVM's start (from the launcher's {@code exec} to {@code main}), then the command's own phases,
 * each measured with {@link System#nanoTime} at its boundaries.
 *
 * <p>The launcher exports {@code DLM_LAUNCH_START} (when the script started) and
 * {@code DLM_JAVA_START} (just before it started java), both in seconds since the epoch with
 * microseconds (bash's {@code EPOCHREALTIME}). Without them (java run directly) the JVM's start is
 * the process's start time, which the system gives to 10 ms, and the launcher is not shown.
 */
final class Timings {
    private static long mainNanos;

    private final List<String> names = new ArrayList<>();
    private final List<Long> nanos = new ArrayList<>();
    private long last;

    /** Called first thing in {@link Main#main}. */
    static void mainEntered() { mainNanos = System.nanoTime(); }

    /** Starts timing phases now. */
    Timings() { last = System.nanoTime(); }

    /** Ends the phase called {@code name} now; the next phase starts now. */
    void phase(String name) {
        long now = System.nanoTime();
        names.add(name);
        nanos.add(now - last);
        last = now;
    }

    /**
     * One line: {@code timings: launcher 3.1 ms, JVM start 40.2 ms, parse 30.5 ms, check 61.0 ms,
     * output 1.0 ms, total 135.8 ms}; total runs from the launcher's start (else the JVM's) to now.
     */
    String render() {
        StringBuilder sb = new StringBuilder("timings:");
        double launchStart = seconds(System.getenv("DLM_LAUNCH_START")), javaStart = seconds(System.getenv("DLM_JAVA_START"));
        double now = currentEpochMicros() / 1e6;
        double mainAt = now - (System.nanoTime() - mainNanos) / 1e9;
        double first;
        if (mainNanos != 0 && javaStart > 0) {
            if (launchStart > 0) sb.append(ms(" launcher", (javaStart - launchStart) * 1e3)).append(',');
            sb.append(ms(" JVM start", (mainAt - javaStart) * 1e3)).append(',');
            first = launchStart > 0 ? launchStart : javaStart;
        } else {
            double processStart = ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli() / 1e3).orElse(0.0);
            if (mainNanos != 0 && processStart > 0) sb.append(ms(" JVM start (to 10 ms)", (mainAt - processStart) * 1e3)).append(',');
            first = processStart > 0 ? processStart : mainAt;
        }
        for (int i = 0; i < names.size(); i++) sb.append(ms(" " + names.get(i), nanos.get(i) / 1e6)).append(',');
        sb.append(ms(" total", (now - first) * 1e3));
        return sb.toString();
    }

    /**
     * Seconds from the JVM's start to {@code nanos} (a {@link System#nanoTime} reading taken
     * earlier): {@code startup_seconds} of {@code dlmc train --json}. Asks java.management for the
     * JVM's start, so it is called after the run rather than on its way.
     */
    static double secondsSinceJvmStart(long nanos) {
        long start = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        return (System.currentTimeMillis() - start) / 1e3 - (System.nanoTime() - nanos) / 1e9;
    }

    void print(PrintStream err) { err.println(render()); }

    private static String ms(String label, double millis) { return String.format(Locale.ROOT, "%s %.1f ms", label, millis); }

    private static double seconds(String s) {
        if (s == null || s.isBlank()) return 0;
        try {
            return Double.parseDouble(s.trim().replace(',', '.'));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long currentEpochMicros() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }
}
