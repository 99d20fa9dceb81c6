package io.pgroll.cli;

import io.pgroll.core.PgRoll;
import io.pgroll.core.StartResult;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "start", description = "Start a migration: expand the schema and create its version schema.")
final class StartCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "FILE", description = "Migration file (.json, .yaml or .yml)")
    String file;

    @Option(names = {"-c", "--complete"}, description = "Complete the migration right after starting it")
    boolean complete;

    @Option(names = {"-s", "--skip-validation"}, arity = "0..1", fallbackValue = "true", defaultValue = "false",
            paramLabel = "BOOL", description = "Do not validate the migration (env PGROLL_SKIP_VALIDATION)")
    boolean skipValidation;

    @Mixin
    BackfillOptions backfill;

    @Override
    public Integer call() {
        PgRollCommand root = root();
        // parse before touching the database, so file errors never depend on connectivity
        Migration migration = MigrationReader.read(env().resolve(file));
        BackfillProgressLine progress = new BackfillProgressLine(env().err(), env().interactive());
        var options = backfill.throttled(
                root.startOptions(skipValidation, backfill.batchSize, backfill.batchDelay));
        String message = root.withPgRoll(progress, pgroll -> {
            StartResult result;
            try {
                result = pgroll.start(migration, options);
            } finally {
                progress.finish();
            }
            warnAboutDrift(result.drift());
            if (complete) {
                pgroll.complete();
                return "Migration successful!";
            }
            return startedMessage(result.migrationName(), result.versionSchema());
        });
        println(message);
        return 0;
    }

    /** @param versionSchema null when version schemas are disabled */
    static String startedMessage(String migrationName, String versionSchema) {
        if (versionSchema == null) {
            return "Migration \"" + migrationName + "\" started successfully";
        }
        return "New version of the schema available under the postgres \"" + versionSchema + "\" schema";
    }
}
