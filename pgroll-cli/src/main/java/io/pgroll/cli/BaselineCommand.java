package io.pgroll.cli;

import io.pgroll.core.PgRollException;
import io.pgroll.core.BaselineResult;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "baseline", description = "Record the schema as it is as migration VERSION, the start of the history"
        + " (for a database built without pgroll), and write DIR/VERSION.yaml (or .json): a sql migration that"
        + " re-creates the schema on an empty database.")
final class BaselineCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "VERSION", description = "Name of the baseline migration, e.g. 00_baseline")
    String version;

    @Parameters(index = "1", paramLabel = "DIR", description = "Migrations directory (created when missing)")
    String dir;

    @Option(names = {"-j", "--json"}, description = "Write a JSON file instead of YAML")
    boolean json;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation")
    boolean yes;

    @Override
    public Integer call() {
        Path target = env().resolve(dir);
        String schema = root().schema;
        if (!yes) {
            if (!env().interactive()) {
                throw new PgRollException("baseline asks for confirmation: pass --yes, or run it on a terminal");
            }
            String answer = ask("Record a baseline of schema \"" + schema + "\" as \"" + version + "\"? The history "
                    + "before it stops counting and " + env().display(target) + " gets a file that re-creates the "
                    + "schema. [y/N] ");
            if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).matches("y|yes")) {
                throw new PgRollException("baseline cancelled; nothing was recorded or written");
            }
        }
        BaselineResult result = root().withPgRoll(pgroll -> pgroll.baseline(version, target, json));
        println("Baseline \"" + result.name() + "\" recorded for schema \"" + schema + "\"; "
                + env().display(result.file()) + " re-creates its " + result.objects() + " objects");
        return 0;
    }
}
