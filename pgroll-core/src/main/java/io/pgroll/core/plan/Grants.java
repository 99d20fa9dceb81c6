package io.pgroll.core.plan;

import io.pgroll.core.db.Sql;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Carries the privileges clients hold on a table over to what pgroll puts between them and the table: the views of
 * a version schema (plus USAGE on that schema) and the hidden copy of a column. Each statement reads the ACLs from
 * the catalog when it runs, not when it is planned, so it grants exactly what is in force at that moment and planning
 * stays free of database access. Nothing is granted that the table does not grant; the table owner's own privileges
 * are left out, as the owner needs no grant. Grant options are kept.
 */
public final class Grants {

    private Grants() {
    }

    /**
     * Gives a view of a version schema its table's privileges, the column ones under the view's column names (a view
     * column may read a hidden copy), and USAGE on the version schema to every grantee.
     *
     * @param sourceByViewColumn view column name to the physical column it reads
     */
    static String toView(String versionSchema, String view, String table, Map<String, String> sourceByViewColumn) {
        return copyPrivileges("SELECT " + regclass(view) + ", " + regclass(table), true,
                pairs(sourceByViewColumn.keySet(), sourceByViewColumn.values()),
                versionSchema);
    }

    /**
     * Gives every view of an existing version schema its table's privileges, and USAGE on the schema, for a version
     * made by an older run or by another tool, which granted nothing. Only views that read exactly one table of the
     * target schema are touched, found by their dependency on it (so a table renamed since, as drop_table does at
     * start, is still found), and a view column gets the privileges of the table column of its name: once a version's
     * migration is complete its views' column names are the physical ones.
     */
    public static String toVersionSchema(String targetSchema, String versionSchema) {
        String views = "SELECT v.oid, min(t.oid) FROM pg_class v"
                + " JOIN pg_namespace vn ON vn.oid = v.relnamespace"
                + " JOIN pg_rewrite r ON r.ev_class = v.oid"
                + " JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid"
                + " AND d.refclassid = 'pg_class'::regclass"
                + " JOIN pg_class t ON t.oid = d.refobjid AND t.relkind IN ('r', 'p')"
                + " JOIN pg_namespace tn ON tn.oid = t.relnamespace"
                + " WHERE v.relkind = 'v' AND vn.nspname = " + Sql.literal(versionSchema)
                + " GROUP BY v.oid HAVING count(DISTINCT t.oid) = 1 AND bool_and(tn.nspname = "
                + Sql.literal(targetSchema) + ")";
        String sameNames = "SELECT va.attname::text, va.attname::text FROM pg_attribute va"
                + " WHERE va.attrelid = target.object AND va.attnum > 0 AND NOT va.attisdropped";
        return copyPrivileges(views, true, sameNames, versionSchema);
    }

    /**
     * Gives the hidden copy of a column the original's column privileges: a client of a security_invoker view
     * (PostgreSQL 15+) needs them on the column the view reads, and after complete the copy, renamed into place, keeps
     * them as the column's own.
     */
    static String toCopy(String table, String original, String copy) {
        return copyPrivileges("SELECT " + regclass(table) + ", " + regclass(table), false,
                pairs(List.of(copy), List.of(original)), null);
    }

    /**
     * A DO block granting on each target object what its source table grants.
     *
     * @param targets      query of (object, source table) OID pairs
     * @param tableLevel   whether table-wide privileges are copied, not only column ones
     * @param columns      query of (object column, source column) name pairs for one target,
     *                     which it may refer to as {@code target.object} and {@code target.source}
     * @param usageSchema  schema to grant USAGE on to every grantee, or null
     */
    private static String copyPrivileges(String targets, boolean tableLevel, String columns, String usageSchema) {
        String body = """
                DECLARE
                  g record;
                BEGIN
                  FOR g IN
                    WITH target (object, source) AS (%s)
                    SELECT p.object, p.object_column, p.privilege_type, p.is_grantable,
                           CASE WHEN p.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(p.grantee)) END AS grantee,
                           row_number() OVER (PARTITION BY p.grantee) = 1 AS first_of_grantee
                    FROM (SELECT target.object, NULL::text AS object_column, a.privilege_type, a.grantee, a.is_grantable
                          FROM target JOIN pg_class c ON c.oid = target.source CROSS JOIN LATERAL aclexplode(c.relacl) a
                          WHERE %s AND a.grantee <> c.relowner
                          UNION ALL
                          SELECT target.object, m.object_column, a.privilege_type, a.grantee, a.is_grantable
                          FROM target JOIN pg_class c ON c.oid = target.source
                          CROSS JOIN LATERAL (%s) m (object_column, source_column)
                          JOIN pg_attribute s ON s.attrelid = target.source AND s.attname = m.source_column
                            AND s.attnum > 0 AND NOT s.attisdropped
                          CROSS JOIN LATERAL aclexplode(s.attacl) a
                          WHERE a.grantee <> c.relowner) p
                  LOOP
                    EXECUTE format('GRANT %%s%%s ON %%s TO %%s%%s', g.privilege_type,
                                   coalesce(' (' || quote_ident(g.object_column) || ')', ''), g.object::regclass,
                                   g.grantee, CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
                """.formatted(targets, tableLevel, columns);
        if (usageSchema != null) {
            body += "    IF g.first_of_grantee THEN\n      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %s', "
                    + Sql.literal(usageSchema) + ", g.grantee);\n    END IF;\n";
        }
        return Duplication.doBlock(body + "  END LOOP;\nEND;");
    }

    private static String regclass(String qualifiedName) {
        return Sql.literal(qualifiedName) + "::regclass::oid";
    }

    /** A query of name pairs, zipped from two lists of one length. */
    private static String pairs(Collection<String> first, Collection<String> second) {
        return "SELECT * FROM unnest(" + textArray(first) + ", " + textArray(second) + ")";
    }

    private static String textArray(Collection<String> values) {
        return "ARRAY[" + values.stream().map(Sql::literal).collect(Collectors.joining(", ")) + "]::text[]";
    }
}
