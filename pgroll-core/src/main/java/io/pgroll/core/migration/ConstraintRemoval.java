package io.pgroll.core.migration;

import io.pgroll.core.plan.Duplication;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.VersionColumns;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.schema.Constraints;
import io.pgroll.core.schema.Table;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Dropping a check, unique or foreign key constraint: old clients keep it, so the new version gets copies of its
 * columns without it, kept in step by up/down triggers; complete swaps the copies in, which drops it.
 */
final class ConstraintRemoval {

    private ConstraintRemoval() {
    }

    /** The droppable constraint (check, unique or foreign key) of this name, if the table has one. */
    static Optional<Constraints.Named> find(Table t, String name) {
        return Stream.of(t.checks().get(name), t.uniques().get(name), t.foreignKeys().get(name))
                .filter(java.util.Objects::nonNull).map(Constraints.Named.class::cast).findFirst();
    }

    static Constraints.Named require(ValidationContext ctx, Table t, String name) {
        return find(t, name).orElseThrow(() -> ctx.error("name", "constraint \"" + name + "\" does not exist on table \""
                + t.name() + "\""));
    }

    static void start(PlanContext ctx, String table, String name, Map<String, String> up, Map<String, String> down) {
        Table t = ctx.table(table).orElseThrow();
        List<String> columns = columns(t, name);
        VersionColumns oldColumns = VersionColumns.of(t);
        Duplication.Copies copies = Duplication.start(ctx, t, columns, Map.of(), name, Set.of());
        VersionColumns newColumns = VersionColumns.of(t);
        for (String c : columns) {
            SyncTriggers.sync(ctx, table, t, c, up == null ? null : up.get(c), down.get(c), oldColumns, newColumns);
        }
        Duplication.carryOver(ctx, copies);
        Duplication.validateForeignKeys(ctx, t, columns);
    }

    /**
     * The constraint's columns. The constraint stays in the virtual schema after start (it is only left out of the
     * copies), so complete and rollback, which replay start, find it too.
     */
    static List<String> columns(Table t, String name) {
        return find(t, name).map(Constraints.Named::columns).orElseThrow();
    }

    static void complete(PlanContext ctx, String table, String name) {
        Table t = ctx.table(table).orElseThrow();
        List<String> columns = columns(t, name);
        Duplication.complete(ctx, t, columns, SyncTriggers.dropAll(ctx, table, columns));
    }

    static void rollback(PlanContext ctx, String table, String name) {
        ctx.table(table).ifPresent(t -> find(t, name).ifPresent(c -> Duplication.rollback(ctx, t,
                c.columns(), SyncTriggers.dropAll(ctx, table, c.columns()))));
    }
}
