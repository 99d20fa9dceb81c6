package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.schema.Table;

/** Renames a check, unique or foreign key constraint at complete; both versions see the old name until then. */
public record RenameConstraint(
        @JsonProperty("table") String table,
        @JsonProperty("from") String from,
        @JsonProperty("to") String to) implements Operation {

    @Override
    public void validate(ValidationContext ctx) {
        Table t = ctx.requireTable("table", table);
        if (!t.hasConstraint(from)) {
            throw ctx.error("from", "constraint \"" + from + "\" does not exist on table \"" + table + "\"");
        }
        ctx.requireIdentifier("to", to);
        // The primary key and exclusion constraints are named like their indexes, so the table's index names count
        // too; a unique constraint also renames its index, whose name must be free in the whole schema. A clash
        // would otherwise only surface at complete.
        if (t.constraintNames().contains(to) || t.indexes().containsKey(to)) {
            throw ctx.error("to", "constraint \"" + to + "\" already exists on table \"" + table + "\"");
        }
        if (t.uniques().containsKey(from) && (ctx.schema().tableWithIndex(to).isPresent()
                || ctx.table(to).isPresent())) {
            throw ctx.error("to", "index \"" + to + "\" already exists");
        }
    }

    @Override
    public void start(PlanContext ctx) {
        ctx.table(table).ifPresent(t -> t.renameConstraint(from, to));
    }

    @Override
    public void complete(PlanContext ctx) {
        ctx.table(table).ifPresent(t -> ctx.sql("ALTER TABLE " + ctx.qualified(t.physicalName())
                + " RENAME CONSTRAINT " + Sql.ident(from) + " TO " + Sql.ident(to)));
    }

    @Override
    public void rollback(PlanContext ctx) {
        // Nothing physical was changed. Undo the virtual rename for the rollbacks of earlier operations.
        ctx.table(table).ifPresent(t -> t.renameConstraint(to, from));
    }
}
