package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.Dropped;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.schema.Table;

/** Drops an index at complete, concurrently; the old version keeps using it until then. */
public record DropIndex(@JsonProperty("name") String name) implements Operation {

    @Override
    public void validate(ValidationContext ctx) {
        Table t = ctx.schema().tableWithIndex(name)
                .orElseThrow(() -> ctx.error("name", "index \"" + name + "\" does not exist"));
        // DROP INDEX refuses an index that a constraint owns, and would say so only at complete, after the previous
        // version is gone.
        if (t.uniques().containsKey(name) || t.excludes().containsKey(name) || t.indexes().get(name).exclusion()) {
            throw ctx.error("name", "index \"" + name + "\" belongs to constraint \"" + name + "\" of table \""
                    + t.name() + "\"; drop the constraint instead");
        }
    }

    @Override
    public void start(PlanContext ctx) {
        ctx.schema().tableWithIndex(name).ifPresent(t -> t.indexes().remove(name));
    }

    @Override
    public void complete(PlanContext ctx) {
        ctx.dropping(Dropped.relation(name));
        ctx.outsideTransaction("DROP INDEX CONCURRENTLY IF EXISTS " + Sql.qualified(ctx.targetSchema(), name), null);
    }

    @Override
    public void rollback(PlanContext ctx) {
        // nothing was dropped yet
    }
}
