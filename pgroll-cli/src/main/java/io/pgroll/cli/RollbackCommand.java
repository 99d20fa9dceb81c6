package io.pgroll.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rollback", description = "Roll back the active migration.")
final class RollbackCommand extends BaseCommand {

    @Option(names = "--force", description = "Go on even while a session pinned to the migration's version "
            + "(application_name tagged pgroll:<version schema>) is connected; pgroll has no such check.")
    boolean force;

    @Parameters(hidden = true, arity = "0..*")
    List<String> ignored;

    @Override
    public Integer call() {
        root().withPgRoll(pgroll -> {
            pgroll.rollback(force);
            return null;
        });
        println("Migration rolled back. Changes made since the last version have been reverted");
        return 0;
    }
}
