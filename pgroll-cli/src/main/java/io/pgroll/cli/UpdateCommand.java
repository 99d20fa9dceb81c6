package io.pgroll.cli;

import io.pgroll.core.migration.MigrationUpdater;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "update", description = {"Rewrite the migration files of DIR written in older pgroll formats"
        + " (create_index columns as a list of names or a map of settings, a top-level name) in the current format,"
        + " printing each file rewritten. Files in the current format are left as they are; every file is read"
        + " before any is written. A rewritten file keeps its format unless --json is given.",
        "Needs an initialised pgroll state, as pgroll's update does."})
final class UpdateCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "DIR", description = "Migrations directory")
    String dir;

    @Option(names = {"-j", "--json"}, description = "Write the rewritten files as JSON (<name>.json, replacing a"
            + " YAML file)")
    boolean json;

    @Override
    public Integer call() {
        // PgRoll.update checks the state itself, after reading the files, so that file errors come first
        List<MigrationUpdater.Rewrite> rewrites = root().withPgRoll(
                pgroll -> pgroll.update(env().resolve(dir), json));
        for (MigrationUpdater.Rewrite r : rewrites) {
            println("Rewrote " + env().display(r.source())
                    + (r.renamed() ? " as " + env().display(r.target()) : ""));
        }
        return 0;
    }
}
