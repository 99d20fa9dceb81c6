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
 * versions). Unlike upstream, rollback restores the identity the table had: start notes it when it changes it.
 */
public record SetReplicaIdentity(
        @JsonProperty("table") String table,
        @JsonProperty("identity") Identity identity) implements Operation {

    /** The replica identity: {@code type} (full, default, nothing, index) and the index for type index. */
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
        ctx.table(table).ifPresent(t -> {
            String tableSql = ctx.qualified(t.physicalName());
            ctx.sql(ctx.memo().save(memoKey(t), currentIdentity(tableSql)), "ALTER TABLE " + tableSql
                    + " REPLICA IDENTITY " + ("INDEX".equals(identityType())
                    ? "USING INDEX " + Sql.ident(identity.index()) : identityType()));
        });
    }

    private static String memoKey(Table t) {
        return "replica_identity " + t.physicalName();
    }

    /** The table's replica identity as the SQL that sets it again, e.g. {@code USING INDEX "t_pkey"}. */
    private static String currentIdentity(String tableSql) {
        return "SELECT CASE c.relreplident WHEN 'd' THEN 'DEFAULT' WHEN 'n' THEN 'NOTHING' WHEN 'f' THEN 'FULL' "
                + "ELSE 'USING INDEX ' || quote_ident((SELECT i.relname FROM pg_index x JOIN pg_class i "
                + "ON i.oid = x.indexrelid WHERE x.indrelid = c.oid AND x.indisreplident)) END "
                + "FROM pg_class c WHERE c.oid = " + Sql.literal(tableSql) + "::regclass";
    }

    @Override
    public void complete(PlanContext ctx) {
        // applied at start
    }

    /** Restores the identity the table had before start (upstream leaves the new one in place). */
    @Override
    public void rollback(PlanContext ctx) {
        ctx.table(table).ifPresent(t -> ctx.memo().recall(memoKey(t)).ifPresent(previous ->
                ctx.sql("ALTER TABLE " + ctx.qualified(t.physicalName()) + " REPLICA IDENTITY " + previous)));
    }
}
