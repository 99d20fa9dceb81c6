package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.schema.Table;

/** Renames a column: only the new version's view uses the new name until complete renames the column itself. */
public record RenameColumn(
        @JsonProperty("table") String table,
        @JsonProperty("from") String from,
        @JsonProperty("to") String to) implements Operation {

    @Override
    public void validate(ValidationContext ctx) {
        Table t = ctx.requireTable("table", table);
        ctx.requireColumn("from", t, from);
        ctx.requireIdentifier("to", to);
        ctx.requireColumnAbsent("to", t, to);
    }

    @Override
    public void start(PlanContext ctx) {
        ctx.table(table).ifPresent(t -> t.renameColumn(from, to));
    }

    @Override
    public void complete(PlanContext ctx) {
        // Completes run in order, so the column this operation renamed is physically called "from" by now: a column
        // added or copied (alter_column) earlier in the migration has been given its name, one copied later has not
        // replaced it yet. Virtual columns backed by it follow; a later copy keeps its hidden name for its own swap.
        ctx.table(table).ifPresent(t -> {
            ctx.sql("ALTER TABLE " + ctx.qualified(t.physicalName()) + " RENAME COLUMN " + Sql.ident(from) + " TO "
                    + Sql.ident(to));
            t.allColumns().stream().filter(c -> c.physicalName().equals(from)).forEach(c -> c.setPhysicalName(to));
        });
    }

    @Override
    public void rollback(PlanContext ctx) {
        // nothing physical was changed; earlier operations' rollbacks find their columns by the names they saw
    }
}
