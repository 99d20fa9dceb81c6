package io.pgroll.core.plan;

import io.pgroll.core.db.Sql;
import io.pgroll.core.schema.Column;
import io.pgroll.core.schema.Schema;
import io.pgroll.core.schema.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an operation sees and produces while being planned for start, complete or rollback: the virtual schema
 * (which the operation updates to reflect its effect) and the steps and sync triggers it asks for. Every table with
 * an up trigger is backfilled: existing rows get what the trigger would have written.
 */
public final class PlanContext {
    private final Schema schema;
    private final String targetSchema;
    private final String versionSchema;
    private final Catalog catalog;
    private final Memo memo;
    private Schema.NameSnapshot names;
    private final List<StartSchedule.Planned> steps = new ArrayList<>();
    private final List<TriggerSpec> triggers = new ArrayList<>();
    private final List<Derived> derived = new ArrayList<>();
    private final List<Dropped> dropped = new ArrayList<>();
    /** Foreign keys of other tables that a complete moves off what it drops, as "table.constraint". */
    private final List<String> moved = new ArrayList<>();
    /** Whether the operation being planned has asked for a trigger: its later steps constrain what triggers fill. */
    private boolean triggered;

    public PlanContext(Schema schema, String targetSchema, String versionSchema, Catalog catalog) {
        this(schema, targetSchema, versionSchema, catalog, Memo.NONE);
    }

    public PlanContext(Schema schema, String targetSchema, String versionSchema, Catalog catalog, Memo memo) {
        this.schema = schema;
        this.targetSchema = targetSchema;
        this.versionSchema = versionSchema;
        this.catalog = catalog;
        this.memo = memo;
    }

    public Schema schema() {
        return schema;
    }

    /**
     * Makes {@link #table} and {@link #column} resolve names as they were right after the current operation's
     * start, for planning its complete or rollback when later operations of the migration renamed things.
     */
    public void resolveNamesAs(Schema.NameSnapshot snapshot) {
        this.names = snapshot;
    }

    /** The table the current operation calls {@code name} (see {@link #resolveNamesAs}). */
    public Optional<Table> table(String name) {
        Table seen = names == null ? null : names.tables().get(name);
        if (seen != null && seen.deleted()) {
            return Optional.empty(); // dropped later in the migration: nothing left to change on it
        }
        return seen != null ? Optional.of(seen) : schema.table(name);
    }

    /** The column of {@code table} the current operation calls {@code name} (see {@link #resolveNamesAs}). */
    public Optional<Column> column(Table table, String name) {
        Map<String, Column> seen = names == null ? null : names.columns().get(table);
        Column c = seen == null ? null : seen.get(name);
        return c != null && !c.deleted() ? Optional.of(c) : table.column(name);
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

    /** Where a start notes what it changes in place, for its rollback. */
    public Memo memo() {
        return memo;
    }

    /** A table of the target schema, schema-qualified and quoted. */
    public String qualified(String physicalTable) {
        return Sql.qualified(targetSchema, physicalTable);
    }

    /** Statements that run together in one transaction. */
    public void sql(String... statements) {
        add(Step.sql(statements), triggered ? StartSchedule.Role.FILLED : StartSchedule.Role.OTHER);
    }

    /**
     * Statements that add a column for triggers and the backfill to fill, with its comment or default, and no
     * constraint a write without triggers could break: they depend on nothing that the migration's other steps
     * create, so a start may run them ahead of those.
     */
    public void addFilledColumn(String... statements) {
        add(Step.sql(statements), StartSchedule.Role.COPY);
    }

    /**
     * Statements that change a column an earlier operation of the migration added for triggers and the backfill to
     * fill (the same column changed twice): a start then keeps the written order of all steps.
     */
    public void changeFilledColumn(String... statements) {
        add(Step.sql(statements), StartSchedule.Role.CHANGE_COPY);
    }

    /**
     * Statements that check what the backfill wrote (validating a foreign key added NOT VALID): a start runs them
     * after the backfill and its catch-up, whatever the order of the other steps.
     */
    public void afterBackfill(String... statements) {
        add(Step.sql(statements), StartSchedule.Role.AFTER_BACKFILL);
    }

    /** A statement that cannot run in a transaction block; {@code onFailure} cleans up after a failed attempt. */
    public void outsideTransaction(String statement, String onFailure) {
        add(Step.outsideTransaction(statement, onFailure),
                triggered ? StartSchedule.Role.FILLED : StartSchedule.Role.OTHER);
    }

    private void add(Step step, StartSchedule.Role role) {
        steps.add(new StartSchedule.Planned(step, role));
    }

    /**
     * Installs a sync trigger: operations ask for it right after adding the column it fills and before constraining
     * that column, so that no write in between misses the trigger (a start may install it after the backfill instead,
     * see {@link StartSchedule}). A second trigger of the same name (the same column changed twice) is chained onto
     * the first and replaces it.
     */
    public void trigger(TriggerSpec trigger) {
        add(Triggers.step(targetSchema, versionSchema, install(trigger)), StartSchedule.Role.TRIGGER);
        triggered = true;
    }

    /** Like {@link #trigger}, for the up and the down trigger of one column, installed in one step. */
    public void triggerPair(TriggerSpec up, TriggerSpec down) {
        add(Triggers.step(targetSchema, versionSchema, install(up), install(down)), StartSchedule.Role.TRIGGER);
        triggered = true;
    }

    /**
     * Records the trigger, chained onto an earlier one of the same name on the same table; returns what is to be
     * installed.
     */
    private TriggerSpec install(TriggerSpec trigger) {
        for (int i = 0; i < triggers.size(); i++) {
            TriggerSpec earlier = triggers.get(i);
            if (earlier.name().equals(trigger.name()) && earlier.physicalTable().equals(trigger.physicalTable())) {
                TriggerSpec chained = withPath(earlier.chain(trigger));
                triggers.set(i, chained);
                return chained;
            }
        }
        trigger = withPath(trigger);
        triggers.add(trigger);
        String purpose = (trigger.direction() == TriggerSpec.Direction.UP ? "up" : "down") + " trigger for column \""
                + trigger.column() + "\" of table \"" + trigger.physicalTable() + "\"";
        derive(Derived.Kind.TRIGGER, trigger.physicalTable(), trigger.name(), "the " + purpose);
        derive(Derived.Kind.FUNCTION, null, trigger.name(), "the function of the " + purpose);
        return trigger;
    }

    private TriggerSpec withPath(TriggerSpec trigger) {
        return trigger.withAnyPath(catalog.resolvesInCatalogOnly(Triggers.probe(trigger)));
    }

    /**
     * Declares an object that the current operation's start creates under a derived name, so that a start can refuse
     * when the name is taken by an object that is not pgroll's.
     */
    public void derive(Derived.Kind kind, String physicalTable, String name, String purpose) {
        derived.add(new Derived(kind, physicalTable, name, purpose));
    }

    /** Declares something the plan being made (complete or rollback) drops, see {@link Dropped}. */
    public void dropping(Dropped object) {
        dropped.add(object);
    }

    /** Declares a foreign key of another table that the complete being planned moves off what it drops. */
    public void moving(String physicalTable, String constraint) {
        moved.add(physicalTable + "." + constraint);
    }

    public List<Dropped> dropped() {
        return List.copyOf(dropped);
    }

    public List<String> moved() {
        return List.copyOf(moved);
    }

    /** Removes and returns the objects declared with {@link #derive} since the last call. */
    public List<Derived> drainDerived() {
        List<Derived> out = List.copyOf(derived);
        derived.clear();
        return out;
    }

    /** Removes and returns the steps planned so far, so that the caller can run them; the operation is done. */
    public List<Step> drainSteps() {
        return drainPlanned().stream().map(StartSchedule.Planned::step).toList();
    }

    /** {@link #drainSteps} with what each step does, for a start to schedule them. */
    public List<StartSchedule.Planned> drainPlanned() {
        List<StartSchedule.Planned> out = List.copyOf(steps);
        steps.clear();
        triggered = false;
        return out;
    }

    public List<TriggerSpec> triggers() {
        return triggers;
    }

}
