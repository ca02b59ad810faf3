package dlm.compiler.cli;

/** Entry point of the dlmc launcher. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int status = new Dlmc(System.out, System.err).run(args);
        System.out.flush();
        System.exit(status);
    }
}
