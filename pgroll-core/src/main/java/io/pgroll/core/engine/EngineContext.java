package io.pgroll.core.engine;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.PgRollConfig;
import io.pgroll.core.db.StatementRunner;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.plan.Catalog;
import io.pgroll.core.plan.Step;
import io.pgroll.core.plan.Views;
import io.pgroll.core.schema.Schema;
import io.pgroll.core.state.MigrationRecord;
import io.pgroll.core.state.StateStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the start, complete and rollback runners of one target schema share. */
record EngineContext(PgRollConfig config, StatementRunner runner, StateStore state, Catalog catalog, int serverMajor,
                     MigrationValidator validator) {

    String schema() {
        return config.schema();
    }

    String versionSchema(Migration m) {
        return schema() + "_" + m.version();
    }

    /** The target schema as the database has it now. */
    Schema liveSchema() {
        return Schema.fromJson(schema(), state.readSchema(schema()));
    }

    /**
     * What changed outside pgroll since the last migration, which left the schema as its {@code resulting_schema}
     * says, given the schema as it is now ({@code read_schema}'s JSON); empty while a migration is active (its start
     * changed the schema) or before the first migration.
     */
    List<String> drift(String liveSchemaJson) {
        return state.latestMigration(schema()).filter(MigrationRecord::done)
                .map(last -> SchemaDrift.between(last.resultingSchemaJson(), liveSchemaJson)).orElse(List.of());
    }

    Journal journal(String migration) {
        return new Journal(runner, config.stateSchema(), schema(), migration);
    }

    Dependents dependents() {
        return new Dependents(runner, schema());
    }

    PinnedSessions pinnedSessions() {
        return new PinnedSessions(runner);
    }

    MigrationRecord requireActive() {
        return state.activeMigration(schema()).orElseThrow(() ->
                new MigrationStateException("no active migration for schema \"" + schema() + "\""));
    }

    /**
     * Runs steps from {@code done[0]} up to {@code end}, recording each as done in the same transaction (a step that
     * must run outside a transaction is recorded right after it, and is written to be safe to run again);
     * {@code done[0]} follows. {@code resumeAt} is the step an interrupted run stopped at, or -1.
     */
    void runJournaled(List<Step> steps, int end, Journal journal, int[] done, int resumeAt) {
        for (int i = done[0]; i < end; i++) {
            Step step = steps.get(i);
            if (step.transactional()) {
                List<String> statements = new ArrayList<>(step.statements());
                statements.add(journal.recordSteps(i + 1));
                runner.execute(new Step(statements, true, step.onFailure()));
            } else {
                if (i == resumeAt && step.onFailure() != null) {
                    // What an interrupted try of this step may have left (an invalid index): the step is not recorded
                    // as done, so it is this start's own.
                    runner.execute(Step.outsideTransaction(step.onFailure(), null));
                }
                runner.execute(step);
                runner.execute(Step.sql(journal.recordSteps(i + 1)));
            }
            done[0] = i + 1;
            FaultPoints.reached("step");
        }
    }

    /** The views of a version schema, one step per table, columns in the physical order. */
    List<Step> viewSteps(Schema schema, String vs) {
        Map<String, List<String>> order = new HashMap<>();
        for (List<String> row : runner.query("""
                SELECT c.relname, a.attname FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY c.relname, a.attnum""", schema())) {
            order.computeIfAbsent(row.get(0), k -> new ArrayList<>()).add(row.get(1));
        }
        return Views.plan(schema, vs, order, serverMajor >= 15);
    }
}
