package io.pgroll.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pull", description = "Write the migrations recorded in the database since the last baseline that DIR"
        + " has no file for, as <name>.yaml (or .json); existing files are left as they are.")
final class PullCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "DIR", description = "Migrations directory (created when missing)")
    String dir;

    @Option(names = {"-j", "--json"}, description = "Write JSON files instead of YAML")
    boolean json;

    @Override
    public Integer call() {
        root().withPgRoll(pgroll -> pgroll.pull(env().resolve(dir), json));
        return 0;
    }
}
