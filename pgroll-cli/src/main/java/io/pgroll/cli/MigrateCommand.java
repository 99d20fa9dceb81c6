package io.pgroll.cli;

import io.pgroll.core.MigrateResult;
import io.pgroll.core.PgRollException;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationReader;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "migrate", description = {
        "Apply the migrations of a directory that the database has not seen yet, in file name order.",
        "All but the last are started and completed; the last is left active unless --complete is given.",
        "Fails, applying nothing, while a migration is active."})
final class MigrateCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "DIR", description = "Directory of migration files")
    String directory;

    @Option(names = {"-c", "--complete"}, description = "Also complete the last migration")
    boolean complete;

    @Option(names = "--force", description = "Complete even while a session pinned to the version a complete drops "
            + "(application_name tagged pgroll:<version schema>) is connected; pgroll has no such check.")
    boolean force;

    @Option(names = "--expect-one", description = "Fail unless exactly one migration is pending")
    boolean expectOne;

    @Option(names = {"-s", "--skip-validation"}, arity = "0..1", fallbackValue = "true", defaultValue = "false",
            paramLabel = "BOOL", hidden = true, description = "Do not validate the migrations (env PGROLL_SKIP_VALIDATION)")
    boolean skipValidation;

    @Mixin
    BackfillOptions backfill;

    @Override
    public Integer call() {
        PgRollCommand root = root();
        List<Migration> local = MigrationReader.readDirectory(env().resolve(directory));
        BackfillProgressLine progress = new BackfillProgressLine(env().err(), env().interactive());
        var options = backfill.throttled(
                root.startOptions(skipValidation, backfill.batchSize, backfill.batchDelay));
        MigrateResult result = root.withPgRoll(progress, pgroll -> {
            try {
                return pgroll.migrate(local, complete, expectOne, options, force);
            } finally {
                progress.finish();
            }
        });
        if (result.activeMigration() != null) {
            // as start does: whichever migration it is, the user has to decide about it before more are applied
            throw new PgRollException("migration \"" + result.activeMigration()
                    + "\" is active; complete or roll it back first");
        }
        warnAboutDrift(result.drift());
        if (result.upToDate()) {
            println("Database is up to date; no migrations to apply");
            return 0;
        }
        List<String> applied = result.applied();
        for (int i = 0; i < applied.size(); i++) {
            String name = applied.get(i);
            boolean last = i == applied.size() - 1;
            if (!last || result.lastCompleted()) {
                println("Migration \"" + name + "\" complete");
            } else {
                println(StartCommand.startedMessage(name, result.versionSchema()));
            }
        }
        return 0;
    }
}
