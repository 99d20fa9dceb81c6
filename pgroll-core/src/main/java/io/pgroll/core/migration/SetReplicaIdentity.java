package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.schema.Table;
import java.util.Locale;

/**
 * Sets a table's replica identity at start. Deprecated upstream; as there, it applies to the table itself (both
 * versions) and rollback does not restore the previous identity.
 */
public record SetReplicaIdentity(
        @JsonProperty("table") String table,
        @JsonProperty("identity") Identity identity) implements Operation {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Identity(@JsonProperty("type") String type, @JsonProperty("index") String index) {
    }

    private String identityType() {
        return identity.type().toUpperCase(Locale.ROOT);
    }

    @Override
    public void validate(ValidationContext ctx) {
        Table t = ctx.requireTable("table", table);
        if ("INDEX".equals(identityType())) {
            if (identity.index() == null || identity.index().isEmpty()) {
                throw ctx.error("identity.index", "required when identity.type is index");
            }
            if (!t.indexes().containsKey(identity.index())) {
                throw ctx.error("identity.index", "index \"" + identity.index() + "\" does not exist on table \""
                        + table + "\"");
            }
        }
    }

    @Override
    public void start(PlanContext ctx) {
        ctx.table(table).ifPresent(t -> ctx.sql("ALTER TABLE " + ctx.qualified(t.physicalName())
                + " REPLICA IDENTITY " + ("INDEX".equals(identityType())
                ? "USING INDEX " + Sql.ident(identity.index()) : identityType())));
    }

    @Override
    public void complete(PlanContext ctx) {
        // applied at start
    }

    @Override
    public void rollback(PlanContext ctx) {
        // upstream does not restore the previous replica identity either
    }
}
