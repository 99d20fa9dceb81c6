package io.pgroll.cli;

import picocli.CommandLine.Command;

@Command(name = "init", description = "Create or upgrade pgroll's state schema in the database.")
final class InitCommand extends BaseCommand {
    @Override
    public Integer call() {
        root().withPgRoll(pgroll -> {
            pgroll.init();
            return null;
        });
        println("Initialization complete");
        return 0;
    }
}
