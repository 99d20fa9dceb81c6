package io.pgroll.core.baseline;

import io.pgroll.core.BaselineResult;
import io.pgroll.core.MigrationStateException;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.migration.MigrationReader;
import io.pgroll.core.migration.MigrationWriter;
import io.pgroll.core.migration.RawSql;
import io.pgroll.core.plan.Names;
import io.pgroll.core.state.MigrationRecord;
import io.pgroll.core.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

/**
 * Records a baseline as pgroll does (a completed {@code baseline} row holding the schema as it is; the history before
 * it no longer counts) and writes its migration file. Unlike pgroll's empty placeholder, the file re-creates the
 * schema: one {@code sql} operation whose {@code up} is {@link SchemaScript}'s script. {@code migrate} skips it on the
 * database where the baseline was recorded and runs it on an empty one.
 *
 * <p>One {@code sql} operation rather than {@code create_table} and friends: a {@code sql} operation that runs at
 * start must be alone in its migration (pgroll refuses it beside others), and types, functions and triggers have no
 * operation of their own.
 */
public final class Baseline {

    /** The first words of a baseline file's SQL: how {@code migrate} knows where an empty database starts. */
    private static final String MARKER = "-- pgroll baseline:";

    private Baseline() {
    }

    /** Whether the migration is a baseline file written by {@link #record}. */
    public static boolean isBaselineFile(Migration migration) {
        return migration.operations().size() == 1 && migration.operations().get(0) instanceof RawSql sql
                && sql.up() != null && sql.up().startsWith(MARKER);
    }

    /**
     * Checks everything first, then writes the file, then records the baseline; a failure to record deletes the file.
     * Nothing is written or recorded when any check fails.
     */
    public static BaselineResult record(StateStore state, Connection connection, String schema, String version, Path dir,
                                boolean json) {
        Migration placeholder = new Migration(version, null, List.of());
        MigrationWriter.fileName(placeholder, json);
        Names.versionSchemaProblem(schema + "_" + version).ifPresent(problem -> {
            throw new MigrationFileException(version, null, "cannot be a migration name: " + problem);
        });
        state.activeMigration(schema).ifPresent(active -> {
            throw new MigrationStateException("migration \"" + active.name() + "\" is active; complete or roll it back "
                    + "before recording a baseline");
        });
        List<MigrationRecord> history = state.history(schema);
        if (history.stream().anyMatch(r -> r.name().equals(version))) {
            throw new MigrationStateException("migration \"" + version + "\" is already in the history of schema \""
                    + schema + "\"; choose another name for the baseline");
        }
        List<String> local = MigrationReader.namesIn(dir).stream().sorted().toList();
        if (local.contains(version)) {
            throw new MigrationFileException(dir.resolve(version + (json ? ".json" : ".yaml")).toString(), null,
                    "a migration file named \"" + version + "\" exists in " + dir + "; it is not overwritten");
        }
        // migrate applies the files named after the baseline: one that is already applied would be applied again
        List<String> appliedAfter = history.stream().map(MigrationRecord::name)
                .filter(name -> local.contains(name) && name.compareTo(version) > 0).toList();
        if (!appliedAfter.isEmpty()) {
            throw new MigrationStateException("migration \"" + appliedAfter.get(0) + "\" is applied and its file sorts "
                    + "after \"" + version + "\": migrate would apply it again after this baseline; choose a baseline "
                    + "name that sorts after the applied migrations");
        }
        SchemaScript script = SchemaScript.read(connection, schema);
        if (script.objects() == 0) {
            throw new MigrationStateException("schema \"" + schema + "\" is empty: there is nothing to baseline; write "
                    + "the first migration instead");
        }
        String header = MARKER + " schema \"" + schema + "\" as it was when " + version + " was recorded.\n"
                + "-- migrate skips this file where the baseline is recorded and runs it on an empty database.\n";
        Migration migration = new Migration(version, null, List.of(new RawSql(header + script.up(), script.down(),
                false)));
        MigrationWriter.createDirectory(dir);
        Path file = MigrationWriter.writeNewFile(dir, migration, json);
        try {
            state.insertBaseline(schema, version);
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return new BaselineResult(version, file, script.objects());
    }
}
