package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Each command's help: the usage line names every option listed below it, and each option applies to the command. */
class HelpTest {
    private static final List<String> COMMANDS = List.of("check", "graph", "run", "grad", "gradcheck", "train", "eval", "predict", "show", "compile", "disasm", "profile", "export", "report");

    @Test
    void theUsageLineNamesEveryOptionListed() {
        for (String cmd : COMMANDS) {
            CliRunner h = CliRunner.run(cmd, "--help");
            assertEquals(0, h.status(), cmd);
            String text = h.out();
            int listStart = text.indexOf("\n  ", text.indexOf('\n', text.indexOf("usage:") + 1));
            String usage = text.substring(0, text.indexOf('\n', text.indexOf("usage:")) + 1);
            // the usage may wrap: everything before the summary line
            String[] lines = text.split("\n");
            StringBuilder u = new StringBuilder(lines[0]);
            for (int i = 1; i < lines.length && lines[i].startsWith("            "); i++) u.append(' ').append(lines[i].strip());
            Matcher m = Pattern.compile("^\\s+(?:-\\w,)?--([\\w-]+)", Pattern.MULTILINE).matcher(text.substring(Math.max(0, listStart)));
            int options = 0;
            while (m.find()) {
                String opt = m.group(1);
                if (opt.equals("help")) continue;
                options++;
                assertTrue(Pattern.compile("--" + Pattern.quote(opt) + "(?![\\w-])").matcher(u).find(), cmd + ": --" + opt + " is not in the usage line " + u + usage);
            }
            if (!cmd.equals("check")) assertTrue(options > 0, cmd + "\n" + text);
        }
    }

    @Test
    void optionsApplyToTheirCommand() {
        for (String cmd : List.of("eval", "predict")) {
            String help = CliRunner.run(cmd, "--help").out();
            assertFalse(help.contains("--seed"), cmd + " takes its weights from a checkpoint: no seed\n" + help);
            assertFalse(help.contains("shuffl"), help);
        }
        String train = CliRunner.run("train", "--help").out().replaceAll("\\s+", " ");
        assertTrue(train.contains("--seed <S> random seed for the initial weights and the order of the batches"), train);
        assertTrue(train.contains("[--backend jit|interp]") && train.contains("[--limit N]"), train);
        assertFalse(CliRunner.run("profile", "--help").out().contains("--backend"), "profile only times compiled steps");
        assertTrue(CliRunner.run("show", "--help").out().contains("[--index I]"), "--index is optional");
        CliRunner seed = CliRunner.run("predict", "x.dlm", "--weights", "w.npz", "--seed", "1");
        assertEquals(2, seed.status());
        assertTrue(seed.err().contains("Unrecognized option: --seed"), seed.err());
    }
}
