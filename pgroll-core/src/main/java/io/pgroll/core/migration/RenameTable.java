package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.schema.Table;
import java.util.Optional;

/** Renames a table: only the new version's view uses the new name until complete renames the table itself. */
public record RenameTable(
        @JsonProperty("from") String from,
        @JsonProperty("to") String to) implements Operation {

    @Override
    public void validate(ValidationContext ctx) {
        ctx.requireTable("from", from);
        ctx.requireIdentifier("to", to);
        ctx.requireTableAbsent("to", to);
    }

    @Override
    public void start(PlanContext ctx) {
        ctx.schema().renameTable(from, to);
    }

    @Override
    public void complete(PlanContext ctx) {
        // By its physical name, so that operations completing after this one find it under the name they used even
        // when a later rename_table renames it again.
        tableAtComplete(ctx, from).ifPresent(table -> {
            ctx.sql("ALTER TABLE " + ctx.qualified(table.physicalName()) + " RENAME TO " + Sql.ident(to));
            table.setPhysicalName(to);
        });
    }

    @Override
    public void rollback(PlanContext ctx) {
        // Nothing physical was changed. Undo the virtual rename so that the rollbacks of earlier operations, which
        // run after this one, find the table by the name they know.
        ctx.schema().renameTable(to, from);
    }

    /**
     * The table that an operation naming {@code table} means, while its complete is planned. The virtual schema is
     * then the one at the end of the migration, where a rename_table later in the migration has already renamed it;
     * but completes run in order, so the renames of earlier operations are physical by now and those of later ones
     * are not yet: the table the operation means is the one whose physical name is the name it used. None when it
     * was dropped later in the migration (a lookup by virtual name could then find another table of that name).
     */
    static Optional<Table> tableAtComplete(PlanContext ctx, String table) {
        return ctx.schema().visibleTables().stream().filter(t -> t.physicalName().equals(table)).findFirst();
    }
}
