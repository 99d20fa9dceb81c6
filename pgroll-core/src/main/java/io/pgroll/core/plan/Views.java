package io.pgroll.core.plan;

import io.pgroll.core.db.Sql;
import io.pgroll.core.schema.Column;
import io.pgroll.core.schema.Schema;
import io.pgroll.core.schema.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the views of a version schema (which the caller creates): one view per visible table, exposing the physical
 * columns under their virtual names in the physical column order. Views are bound to the table's OID, so later physical
 * renames do not break them. Each view gets its table's privileges (see {@link Grants}).
 */
public final class Views {

    private Views() {
    }

    /**
     * @param columnOrder     physical table name to its physical column names in attnum order
     * @param securityInvoker whether the server supports {@code security_invoker} views (PostgreSQL 15+), so that
     *                        row-level security and privileges apply to the querying client
     */
    public static List<Step> plan(Schema schema, String versionSchema, Map<String, List<String>> columnOrder,
                                  boolean securityInvoker) {
        List<Step> steps = new ArrayList<>();
        for (Table table : schema.visibleTables()) {
            steps.add(Step.sql(viewStatements(schema.name(), table, versionSchema,
                    columnOrder.getOrDefault(table.physicalName(), List.of()), securityInvoker)));
        }
        return steps;
    }

    private static String[] viewStatements(String targetSchema, Table table, String versionSchema,
                                           List<String> physicalOrder, boolean securityInvoker) {
        String view = Sql.qualified(versionSchema, table.name());
        List<Column> columns = new ArrayList<>(table.visibleColumns());
        columns.sort(Comparator.comparingInt(c -> {
            int i = physicalOrder.indexOf(c.physicalName());
            return i < 0 ? Integer.MAX_VALUE : i;
        }));
        List<String> select = columns.stream()
                .map(c -> Sql.ident(c.physicalName()) + " AS " + Sql.ident(c.name())).toList();
        List<String> statements = new ArrayList<>();
        statements.add("DROP VIEW IF EXISTS " + view);
        statements.add("CREATE VIEW " + view + (securityInvoker ? " WITH (security_invoker = true)" : "") + " AS SELECT "
                + (select.isEmpty() ? "" : String.join(", ", select)) + " FROM "
                + Sql.qualified(targetSchema, table.physicalName()));
        Map<String, String> sources = new LinkedHashMap<>();
        for (Column c : columns) {
            if (c.defaultValue() != null) {
                statements.add("ALTER VIEW " + view + " ALTER COLUMN " + Sql.ident(c.name()) + " SET DEFAULT "
                        + c.defaultValue());
            }
            sources.put(c.name(), c.physicalName());
        }
        // In the view's own transaction: a client never sees the view without its grants.
        statements.add(Grants.toView(versionSchema, view, Sql.qualified(targetSchema, table.physicalName()), sources));
        return statements.toArray(String[]::new);
    }
}
