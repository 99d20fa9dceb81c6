package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.schema.Constraints;
import io.pgroll.core.schema.Table;
import java.util.Map;

/** Drops a check, unique or foreign key constraint over one or more columns. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DropMultiColumnConstraint(
        @JsonProperty("table") String table,
        @JsonProperty("name") String name,
        @JsonProperty("up") Map<String, String> up,
        @JsonProperty("down") Map<String, String> down) implements Operation {

    @Override
    public void validate(ValidationContext ctx) {
        Table t = ctx.requireTable("table", table);
        Constraints.Named constraint = ConstraintRemoval.require(ctx, t, name);
        for (String c : constraint.columns()) {
            if (down == null || !down.containsKey(c)) {
                throw ctx.error("down", "migration for column \"" + c + "\" in \"" + table + "\" is missing");
            }
        }
        requireOnlyCoveredColumns(ctx, "up", up == null ? Map.of() : up, constraint);
        requireOnlyCoveredColumns(ctx, "down", down, constraint);
    }

    private void requireOnlyCoveredColumns(ValidationContext ctx, String field, Map<String, String> map,
                                           Constraints.Named constraint) {
        for (String c : map.keySet()) {
            if (!constraint.columns().contains(c)) {
                throw ctx.error(field, "migration for column \"" + c + "\" in \"" + table + "\" is redundant");
            }
        }
    }

    @Override
    public void start(PlanContext ctx) {
        ConstraintRemoval.start(ctx, table, name, up, down);
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
