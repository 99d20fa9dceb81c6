package io.pgroll.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "complete", description = "Complete the active migration: contract the schema, drop the old version.")
final class CompleteCommand extends BaseCommand {

    /** pgroll ignores arguments given to complete (e.g. the migration file); so do we. */
    @Parameters(hidden = true, arity = "0..*")
    List<String> ignored;

    @Override
    public Integer call() {
        root().withPgRoll(true, pgroll -> {
            pgroll.complete();
            return null;
        });
        println("Migration successful!");
        return 0;
    }
}
