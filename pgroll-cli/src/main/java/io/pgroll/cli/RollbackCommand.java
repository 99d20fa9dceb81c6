package io.pgroll.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rollback", description = "Roll back the active migration.")
final class RollbackCommand extends BaseCommand {

    @Parameters(hidden = true, arity = "0..*")
    List<String> ignored;

    @Override
    public Integer call() {
        root().withPgRoll(true, pgroll -> {
            pgroll.rollback();
            return null;
        });
        println("Migration rolled back. Changes made since the last version have been reverted");
        return 0;
    }
}
