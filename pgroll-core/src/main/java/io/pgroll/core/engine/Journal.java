package io.pgroll.core.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgroll.core.PgRollException;
import io.pgroll.core.db.Sql;
import io.pgroll.core.db.StatementRunner;
import io.pgroll.core.plan.Memo;
import io.pgroll.core.plan.Step;
import java.util.List;
import java.util.Optional;

/**
 * How far the active migration's start or complete got, kept in the state schema's {@code java_progress} table and
 * written in the same transaction as the work it records: after a crash or a lost connection, a step is either done
 * and recorded or neither, so a rerun resumes exactly where the previous one stopped.
 */
final class Journal {
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Phase {
        /** start is running or was interrupted: steps_done DDL steps ran, backfill holds per-table cursors. */
        STARTING("starting"),
        /** start finished. */
        STARTED("started"),
        /** complete is running or was interrupted; the previous version may already be gone. */
        COMPLETING("completing");

        final String value;

        Phase(String value) {
            this.value = value;
        }

        static Phase of(String value) {
            for (Phase p : values()) {
                if (p.value.equals(value)) {
                    return p;
                }
            }
            throw new IllegalStateException("unknown journal phase " + value);
        }
    }

    /** @param memo what the start noted for its rollback, see {@link Memo} */
    record Entry(Phase phase, int stepsDone, ObjectNode backfill, ObjectNode memo) {
    }

    private final StatementRunner runner;
    private final String table;
    private final String where;
    private final String key;

    Journal(StatementRunner runner, String stateSchema, String schema, String migration) {
        this.runner = runner;
        this.table = Sql.qualified(stateSchema, "java_progress");
        this.where = " WHERE schema = " + Sql.literal(schema) + " AND name = " + Sql.literal(migration);
        this.key = Sql.literal(schema) + ", " + Sql.literal(migration);
    }

    /** The journal of the migration; none means its start never got past recording the migration. */
    Optional<Entry> read() {
        List<List<String>> rows = runner.query("SELECT phase, steps_done, backfill::text, memo::text FROM " + table
                + where);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<String> row = rows.get(0);
        try {
            return Optional.of(new Entry(Phase.of(row.get(0)), Integer.parseInt(row.get(1)),
                    (ObjectNode) JSON.readTree(row.get(2)), (ObjectNode) JSON.readTree(row.get(3))));
        } catch (JsonProcessingException e) {
            throw new PgRollException("unreadable journal of the active migration: " + e.getOriginalMessage(), e);
        }
    }

    /** Enters a phase with no step done yet. */
    void begin(Phase phase) {
        runner.execute(Step.sql("INSERT INTO " + table + " (schema, name, phase) VALUES (" + key + ", "
                + Sql.literal(phase.value) + ") ON CONFLICT (schema, name) DO UPDATE SET phase = EXCLUDED.phase, "
                + "steps_done = 0, backfill = '{}', updated_at = now()"));
    }

    /** The statement that records {@code count} steps as done; it joins the transaction of the step it records. */
    String recordSteps(int count) {
        return "UPDATE " + table + " SET steps_done = " + count + ", updated_at = now()" + where;
    }

    /** Marks the phase as finished or moves to the next phase, keeping the step count. */
    void enter(Phase phase) {
        runner.execute(Step.sql("UPDATE " + table + " SET phase = " + Sql.literal(phase.value) + ", updated_at = now()"
                + where));
    }

    /** The start's notes, kept in this journal; recalled from the journal as it is when asked. */
    Memo memo() {
        return new Memo() {
            @Override
            public String save(String key, String sqlExpression) {
                return "UPDATE " + table + " SET memo = jsonb_build_object(" + Sql.literal(key) + ", (" + sqlExpression
                        + ")::text) || memo" + where;
            }

            @Override
            public Optional<String> recall(String key) {
                return read().map(e -> e.memo().get(key)).filter(v -> v != null && v.isTextual())
                        .map(com.fasterxml.jackson.databind.JsonNode::asText);
            }
        };
    }

    void delete() {
        runner.execute(Step.sql("DELETE FROM " + table + where));
    }

    /**
     * An UPDATE recording a table's backfill cursor, to run as a CTE of the batch's statement; it adds the batch's
     * transaction to the cursor's {@code xids}.
     */
    String recordCursor(String physicalTable, String cursorJson) {
        String path = "ARRAY[" + Sql.literal(physicalTable) + "]";
        return "UPDATE " + table + " SET backfill = jsonb_set(backfill, " + path + ", jsonb_set(" + Sql.literal(cursorJson)
                + "::jsonb, '{xids}', COALESCE(backfill #> " + path + " -> 'xids', '[]') || to_jsonb("
                + "CAST(CAST(pg_current_xact_id() AS xid) AS text)::bigint))), updated_at = now()" + where;
    }
}
