package io.pgroll.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "complete", description = "Complete the active migration: contract the schema, drop the old version.")
final class CompleteCommand extends BaseCommand {

    @Option(names = "--force", description = "Go on even while a session pinned to the previous version "
            + "(application_name tagged pgroll:<version schema>) is connected; pgroll has no such check.")
    boolean force;

    /** pgroll ignores arguments given to complete (e.g. the migration file); so do we. */
    @Parameters(hidden = true, arity = "0..*")
    List<String> ignored;

    @Override
    public Integer call() {
        root().withPgRoll(pgroll -> {
            pgroll.complete(force);
            return null;
        });
        println("Migration successful!");
        return 0;
    }
}
