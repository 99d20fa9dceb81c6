package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.schema.Constraints;
import io.pgroll.core.schema.Table;
import java.util.Map;

/** Drops a single-column constraint. Deprecated upstream in favour of drop_multicolumn_constraint; still accepted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DropConstraint(
        @JsonProperty("table") String table,
        @JsonProperty("name") String name,
        @JsonProperty("up") String up,
        @JsonProperty("down") String down) implements Operation {

    @Override
    public void validate(ValidationContext ctx) {
        Table t = ctx.requireTable("table", table);
        Constraints.Named constraint = ConstraintRemoval.require(ctx, t, name);
        if (constraint.columns().size() != 1) {
            throw ctx.error("name", "constraint \"" + name + "\" on table \"" + table + "\" applies to multiple columns");
        }
        if (down == null || down.isBlank()) {
            throw ctx.error("down", "field \"down\" is required");
        }
    }

    private String column(PlanContext ctx) {
        return ConstraintRemoval.columns(ctx.table(table).orElseThrow(), name).get(0);
    }

    @Override
    public void start(PlanContext ctx) {
        String column = column(ctx);
        ConstraintRemoval.start(ctx, table, name, up == null ? Map.of() : Map.of(column, up), Map.of(column, down));
    }

    @Override
    public void complete(PlanContext ctx) {
        ConstraintRemoval.complete(ctx, table, name);
    }

    @Override
    public void rollback(PlanContext ctx) {
        ConstraintRemoval.rollback(ctx, table, name);
    }
}
