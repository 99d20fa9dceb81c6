package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.Names;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;

/**
 * Drops a table: start renames it out of the way (old clients keep reading it through their view, which is bound to
 * the table, not its name), complete drops it, rollback renames it back.
 */
public record DropTable(@JsonProperty("name") String name) implements Operation {

    @Override
    public void validate(ValidationContext ctx) {
        ctx.requireTable("name", name);
    }

    @Override
    public void start(PlanContext ctx) {
        ctx.schema().table(name).ifPresent(table -> {
            String hidden = Names.deletedTable(name);
            ctx.sql("ALTER TABLE " + ctx.qualified(table.physicalName()) + " RENAME TO " + Sql.ident(hidden));
            table.setPhysicalName(hidden);
            ctx.schema().markTableDeleted(name);
        });
    }

    @Override
    public void complete(PlanContext ctx) {
        ctx.sql("DROP TABLE IF EXISTS " + ctx.qualified(Names.deletedTable(name)));
    }

    @Override
    public void rollback(PlanContext ctx) {
        ctx.sql("ALTER TABLE IF EXISTS " + ctx.qualified(Names.deletedTable(name)) + " RENAME TO " + Sql.ident(name));
    }
}
