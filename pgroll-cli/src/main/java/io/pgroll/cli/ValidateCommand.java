package io.pgroll.cli;

import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "validate", description = "Check a migration file against the live schema without changing anything;"
        + " prints nothing when it is valid.")
final class ValidateCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "Migration file (.json, .yaml or .yml)")
    String file;

    @Override
    public Integer call() {
        Migration migration = MigrationReader.read(env().resolve(file));
        root().withPgRoll(pgroll -> {
            pgroll.validate(migration);
            return null;
        });
        return 0;
    }
}
