package io.pgroll.core.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pgroll.core.db.Sql;
import io.pgroll.core.plan.Dropped;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.ValidationContext;
import io.pgroll.core.schema.Constraints;
import io.pgroll.core.schema.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds an index concurrently at start, so writes go on while it is built; rollback drops it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateIndex(
        @JsonProperty("name") String name,
        @JsonProperty("table") String table,
        @JsonProperty("columns") List<IndexField> columns,
        @JsonProperty("method") String method,
        @JsonProperty("unique") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean unique,
        @JsonProperty("predicate") String predicate,
        @JsonProperty("storage_parameters") String storageParameters) implements Operation {

    @Override
    public void validate(ValidationContext ctx) {
        ctx.requireIdentifier("name", name);
        Table t = ctx.requireTable("table", table);
        if (columns.isEmpty()) {
            throw ctx.error("columns", "required");
        }
        for (int i = 0; i < columns.size(); i++) {
            ctx.requireColumn("columns[" + i + "].column", t, columns.get(i).column());
        }
        if (ctx.schema().tableWithIndex(name).isPresent()) {
            throw ctx.error("name", "index \"" + name + "\" already exists");
        }
    }

    @Override
    public void start(PlanContext ctx) {
        Table t = ctx.table(table).orElseThrow();
        List<String> elements = new ArrayList<>();
        for (IndexField field : columns) {
            StringBuilder e = new StringBuilder(Sql.ident(t.column(field.column()).orElseThrow().physicalName()));
            if (field.collate() != null && !field.collate().isBlank()) {
                e.append(" COLLATE ").append(Sql.ident(field.collate()));
            }
            if (field.opclass() != null && field.opclass().name() != null) {
                e.append(' ').append(field.opclass().name());
                if (field.opclass().params() != null && !field.opclass().params().isEmpty()) {
                    e.append(" (").append(String.join(", ", field.opclass().params())).append(')');
                }
            }
            if (field.sort() != null && !field.sort().isBlank()) {
                e.append(' ').append(field.sort().toUpperCase(Locale.ROOT));
            }
            if (field.nulls() != null && !field.nulls().isBlank()) {
                e.append(" NULLS ").append(field.nulls().toUpperCase(Locale.ROOT));
            }
            elements.add(e.toString());
        }
        StringBuilder sql = new StringBuilder("CREATE ").append(unique ? "UNIQUE " : "")
                .append("INDEX CONCURRENTLY ").append(Sql.ident(name)).append(" ON ").append(ctx.qualified(t.physicalName()));
        if (method != null && !method.isBlank()) {
            sql.append(" USING ").append(method.toLowerCase(Locale.ROOT));
        }
        sql.append(" (").append(String.join(", ", elements)).append(')');
        if (storageParameters != null && !storageParameters.isBlank()) {
            sql.append(" WITH (").append(storageParameters).append(')');
        }
        if (predicate != null && !predicate.isBlank()) {
            sql.append(" WHERE ").append(physicalPredicate(t));
        }
        // Cleaning up after a failed build drops the index by its name, so a name already taken by a relation the
        // virtual schema does not know (--skip-validation, an index of a materialized view) must fail before it.
        ctx.sql(nameIsFree(ctx));
        ctx.outsideTransaction(sql.toString(), dropStatement(ctx));
        t.indexes().put(name, new Constraints.Index(name, unique, false,
                columns.stream().map(IndexField::column).toList(), predicate, method, null));
    }

    /** The predicate with virtual column names mapped to the physical columns behind them. */
    private String physicalPredicate(Table t) {
        String physical = predicate;
        for (io.pgroll.core.schema.Column c : t.visibleColumns()) {
            if (!c.name().equals(c.physicalName())) {
                physical = Sql.renameIdentifier(physical, c.name(), c.physicalName());
            }
        }
        return physical;
    }

    private String nameIsFree(PlanContext ctx) {
        String body = "BEGIN IF to_regclass(" + Sql.literal(Sql.qualified(ctx.targetSchema(), name)) + ") IS NOT NULL "
                + "THEN RAISE EXCEPTION 'relation \"%\" already exists', " + Sql.literal(name)
                + " USING ERRCODE = 'duplicate_table'; END IF; END";
        return "DO " + Sql.dollarQuote(body);
    }

    private String dropStatement(PlanContext ctx) {
        return "DROP INDEX CONCURRENTLY IF EXISTS " + Sql.qualified(ctx.targetSchema(), name);
    }

    @Override
    public void complete(PlanContext ctx) {
        // the index is already in place
    }

    @Override
    public void rollback(PlanContext ctx) {
        ctx.dropping(Dropped.relation(name));
        ctx.outsideTransaction(dropStatement(ctx), null);
    }
}
