package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;

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
        ctx.table(to).ifPresent(table -> {
            ctx.sql("ALTER TABLE " + ctx.qualified(table.physicalName()) + " RENAME TO " + Sql.ident(to));
            table.setPhysicalName(to);
        });
    }

    @Override
    public void rollback(PlanContext ctx) {
        // nothing physical was changed; earlier operations' rollbacks find their table by the names they saw
    }
}
