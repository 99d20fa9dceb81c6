package io.pgroll.core.plan;

import io.pgroll.core.db.Sql;
import io.pgroll.core.schema.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an operation sees and produces while being planned for start, complete or rollback: the virtual schema
 * (which the operation updates to reflect its effect) and the steps, triggers and backfills it asks for.
 */
public final class PlanContext {
    private final Schema schema;
    private final String targetSchema;
    private final String versionSchema;
    private final Catalog catalog;
    private final List<Step> steps = new ArrayList<>();
    private final List<TriggerSpec> triggers = new ArrayList<>();
    private final Map<String, String> backfills = new LinkedHashMap<>();

    public PlanContext(Schema schema, String targetSchema, String versionSchema, Catalog catalog) {
        this.schema = schema;
        this.targetSchema = targetSchema;
        this.versionSchema = versionSchema;
        this.catalog = catalog;
    }

    public Schema schema() {
        return schema;
    }

    public String targetSchema() {
        return targetSchema;
    }

    /** Full name of the version schema being created, e.g. {@code public_02_add_column}. */
    public String versionSchema() {
        return versionSchema;
    }

    public Catalog catalog() {
        return catalog;
    }

    /** A table of the target schema, schema-qualified and quoted. */
    public String qualified(String physicalTable) {
        return Sql.qualified(targetSchema, physicalTable);
    }

    /** Statements that run together in one transaction. */
    public void sql(String... statements) {
        steps.add(Step.sql(statements));
    }

    /** A statement that cannot run in a transaction block; {@code onFailure} cleans up after a failed attempt. */
    public void outsideTransaction(String statement, String onFailure) {
        steps.add(Step.outsideTransaction(statement, onFailure));
    }

    /** Asks for a sync trigger; a second one of the same name (same column changed twice) is chained onto the first. */
    public void trigger(TriggerSpec trigger) {
        for (int i = 0; i < triggers.size(); i++) {
            if (triggers.get(i).name().equals(trigger.name())) {
                triggers.set(i, triggers.get(i).chain(trigger));
                return;
            }
        }
        triggers.add(trigger);
    }

    /**
     * Asks for the physical table to be backfilled once the triggers are in place: every row is rewritten in batches
     * so that its triggers fire. {@code touchColumn} is a plain column of ours that the no-op update assigns.
     */
    public void backfill(String physicalTable, String touchColumn) {
        backfills.putIfAbsent(physicalTable, touchColumn);
    }

    /** Removes and returns the steps planned so far, so that the caller can run them. */
    public List<Step> drainSteps() {
        List<Step> out = List.copyOf(steps);
        steps.clear();
        return out;
    }

    public List<TriggerSpec> triggers() {
        return triggers;
    }

    /** Physical table to backfill, mapped to the column its batches assign. */
    public Map<String, String> backfills() {
        return backfills;
    }
}
