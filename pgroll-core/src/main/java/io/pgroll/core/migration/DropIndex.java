package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;

/** Drops an index at complete, concurrently; the old version keeps using it until then. */
public record DropIndex(@JsonProperty("name") String name) implements Operation {

    @Override
    public void validate(ValidationContext ctx) {
        if (ctx.schema().tableWithIndex(name).isEmpty()) {
            throw ctx.error("name", "index \"" + name + "\" does not exist");
        }
    }

    @Override
    public void start(PlanContext ctx) {
        ctx.schema().tableWithIndex(name).ifPresent(t -> t.indexes().remove(name));
    }

    @Override
    public void complete(PlanContext ctx) {
        ctx.outsideTransaction("DROP INDEX CONCURRENTLY IF EXISTS " + Sql.qualified(ctx.targetSchema(), name), null);
    }

    @Override
    public void rollback(PlanContext ctx) {
        // nothing was dropped yet
    }
}
