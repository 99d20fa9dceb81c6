package io.pgroll.core.ops;

import io.pgroll.core.db.Sql;
import io.pgroll.core.testing.Harness;
import java.util.List;

/**
 * Catalog reads about the physical tables of the schema under test, for asserting what a migration left behind:
 * column types, defaults, comments, NOT NULL, constraints and indexes, by their physical names.
 */
final class PhysicalSchema {
    private final Harness h;

    PhysicalSchema(Harness h) {
        this.h = h;
    }

    /** {@code '"schema"."table"'::regclass}. */
    String regclass(String table) {
        return Sql.literal(Sql.qualified(h.schema, table)) + "::regclass";
    }

    private String attribute(String table, String column, String expression) {
        return h.scalar("public", "SELECT " + expression + " FROM pg_attribute WHERE attrelid = " + regclass(table)
                + " AND attname = " + Sql.literal(column) + " AND NOT attisdropped");
    }

    /** The column's type as format_type prints it, e.g. {@code character varying(5)}. */
    String type(String table, String column) {
        return attribute(table, column, "format_type(atttypid, atttypmod)");
    }

    boolean notNull(String table, String column) {
        return "t".equals(attribute(table, column, "attnotnull"));
    }

    /** The column default as PostgreSQL prints it, or null. */
    String defaultOf(String table, String column) {
        return h.scalar("public", "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
                + "ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = " + regclass(table)
                + " AND a.attname = " + Sql.literal(column));
    }

    String comment(String table, String column) {
        return attribute(table, column, "col_description(attrelid, attnum)");
    }

    /**
     * The constraint of this name on the table as {@code type validated deferrable deferred columns}, e.g.
     * {@code "f t f f {author_id}"}, or null if there is none.
     */
    String constraint(String table, String name) {
        return h.scalar("public", "SELECT concat_ws(' ', contype, convalidated, condeferrable, condeferred, "
                + "(SELECT array_agg(attname ORDER BY attnum) FROM pg_attribute WHERE attrelid = conrelid "
                + "AND attnum = ANY (conkey))) FROM pg_constraint WHERE conrelid = " + regclass(table)
                + " AND conname = " + Sql.literal(name));
    }

    /** A foreign key's actions as {@code on_delete on_update match} codes of pg_constraint, e.g. {@code "c a s"}. */
    String foreignKeyActions(String table, String name) {
        return h.scalar("public", "SELECT concat_ws(' ', confdeltype, confupdtype, confmatchtype) FROM pg_constraint "
                + "WHERE conrelid = " + regclass(table) + " AND conname = " + Sql.literal(name));
    }

    /** Names of the table's constraints of one type ({@code c}, {@code f}, {@code u}, {@code p}), sorted. */
    List<String> constraints(String table, String type) {
        return h.query("public", "SELECT conname FROM pg_constraint WHERE conrelid = " + regclass(table)
                + " AND contype = " + Sql.literal(type) + " ORDER BY conname").stream().map(r -> r.get(0)).toList();
    }

    /** The index's definition (pg_get_indexdef) if it exists and is valid and ready; null otherwise. */
    String validIndex(String index) {
        return h.scalar("public", "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indexrelid = "
                + "to_regclass(" + Sql.literal(Sql.qualified(h.schema, index)) + ") AND i.indisvalid AND i.indisready");
    }

    /** Names of the table's indexes, sorted. */
    List<String> indexes(String table) {
        return h.query("public", "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                + "WHERE i.indrelid = " + regclass(table) + " ORDER BY 1").stream().map(r -> r.get(0)).toList();
    }
}
