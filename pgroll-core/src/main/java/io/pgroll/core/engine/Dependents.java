package io.pgroll.core.engine;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.db.Sql;
import io.pgroll.core.db.StatementRunner;
import io.pgroll.core.plan.Dropped;
import io.pgroll.core.plan.PlanContext;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds the user's objects that stand in the way of what a complete or rollback drops, before it changes anything.
 * A view, a function with a SQL-standard body, a foreign key of another table, a policy, a column trigger or a
 * generated column that depends on a dropped column or table would make the drop fail halfway (after the previous
 * version is gone; constraints and indexes of the same table just go with a column); and whatever depends on a
 * version schema's views, or was put in the version schema, would be dropped with the schema.
 */
final class Dependents {

    /** The relation (table, view) an object belongs to, for the kinds of objects that belong to one. */
    private static final String OWNER = """
            CASE d.classid
              WHEN 'pg_rewrite'::regclass THEN (SELECT ev_class FROM pg_rewrite WHERE oid = d.objid)
              WHEN 'pg_constraint'::regclass THEN (SELECT conrelid FROM pg_constraint WHERE oid = d.objid)
              WHEN 'pg_trigger'::regclass THEN (SELECT tgrelid FROM pg_trigger WHERE oid = d.objid)
              WHEN 'pg_attrdef'::regclass THEN (SELECT adrelid FROM pg_attrdef WHERE oid = d.objid)
              WHEN 'pg_policy'::regclass THEN (SELECT polrelid FROM pg_policy WHERE oid = d.objid)
              WHEN 'pg_class'::regclass THEN d.objid
            END""";

    /** How the user knows the object: a view rather than its rewrite rule. */
    private static final String DESCRIPTION = """
            COALESCE((SELECT format('%s %s', CASE c.relkind WHEN 'm' THEN 'materialized view' ELSE 'view' END,
                                    c.oid::regclass)
                      FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
                      WHERE d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid AND r.rulename = '_RETURN'),
                     pg_describe_object(d.classid, d.objid, d.objsubid))""";

    /** The schema of an object's relation, or of the object itself (functions). */
    private static final String NAMESPACE = """
            COALESCE((SELECT relnamespace FROM pg_class WHERE oid = owner),
                     CASE WHEN d.classid = 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = d.objid)
                     END)""";

    private final StatementRunner runner;
    private final String schema;

    Dependents(StatementRunner runner, String schema) {
        this.runner = runner;
        this.schema = schema;
    }

    /** Refuses to drop a version schema that holds, or is depended on by, objects that are not pgroll's views. */
    void requireOnlyViews(String versionSchema) {
        List<String> found = onVersionSchema(versionSchema);
        if (!found.isEmpty()) {
            throw new MigrationStateException("version schema \"" + versionSchema + "\" would be dropped with "
                    + String.join(", ", found) + "; pgroll drops only its own views: move or drop "
                    + (found.size() == 1 ? "it" : "them") + " first");
        }
    }

    /** Refuses a complete or rollback whose drops (as the plan in {@code ctx} declared them) the user's objects need. */
    void requireNone(String command, PlanContext ctx, List<String> versionSchemas) {
        List<String> found = on(ctx.dropped(), versionSchemas, ctx.moved());
        if (!found.isEmpty()) {
            throw new MigrationStateException(command + " would drop what " + String.join(", ", found)
                    + (found.size() == 1 ? " depends" : " depend") + " on; nothing was changed: drop or change "
                    + (found.size() == 1 ? "it" : "them") + " first, then run " + command + " again");
        }
    }

    /**
     * The objects that depend on what is dropped, leaving out those in {@code versionSchemas} (dropped first, by pgroll)
     * and the foreign keys the plan moves ({@code moved}, "table.constraint").
     */
    private List<String> on(List<Dropped> dropped, List<String> versionSchemas, List<String> moved) {
        if (dropped.isEmpty()) {
            return List.of();
        }
        String targets = dropped.stream().map(o -> "(" + Sql.literal(Sql.qualified(schema, o.relation())) + ", "
                + Sql.literal(o.column()) + ")").collect(Collectors.joining(", "));
        String movedList = moved.isEmpty() ? "(NULL, NULL)" : moved.stream()
                .map(m -> "(" + Sql.literal(Sql.qualified(schema, m.substring(0, m.indexOf('.')))) + ", "
                        + Sql.literal(m.substring(m.indexOf('.') + 1)) + ")").collect(Collectors.joining(", "));
        String sql = """
                WITH dropped(rel, col) AS (VALUES %s),
                target AS (
                  SELECT c.oid AS relid, a.attnum
                  FROM dropped x JOIN pg_class c ON c.oid = to_regclass(x.rel)
                  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = x.col AND NOT a.attisdropped
                  WHERE x.col IS NULL OR a.attnum IS NOT NULL),
                dependent AS (
                  SELECT d.*, t.attnum AS dropped_column, t.relid AS dropped_relation, %s AS owner
                  FROM pg_depend d JOIN target t ON d.refclassid = 'pg_class'::regclass AND d.refobjid = t.relid
                   AND (t.attnum IS NULL OR d.refobjsubid = t.attnum)
                  WHERE d.deptype = 'n'
                     OR (d.deptype = 'a' AND d.classid = 'pg_attrdef'::regclass AND t.attnum IS NOT NULL))
                SELECT DISTINCT %s FROM dependent d
                WHERE NOT COALESCE(d.owner IN (SELECT relid FROM target WHERE attnum IS NULL), false)
                  AND NOT (d.owner = d.dropped_relation AND d.classid IN ('pg_constraint'::regclass, 'pg_class'::regclass))
                  AND NOT (d.classid = 'pg_attrdef'::regclass AND d.deptype = 'a'
                           AND (SELECT adnum FROM pg_attrdef WHERE oid = d.objid) = d.dropped_column)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint k JOIN (VALUES %s) AS moved(rel, con)
                                  ON k.conrelid = to_regclass(moved.rel) AND k.conname = moved.con
                                  WHERE d.classid = 'pg_constraint'::regclass AND k.oid = d.objid)
                  AND COALESCE(%s NOT IN (SELECT oid FROM pg_namespace WHERE nspname = ANY (?)), true)
                ORDER BY 1""".formatted(targets, OWNER, DESCRIPTION, movedList, NAMESPACE);
        return firstColumn(runner.query(sql, (Object) versionSchemas.toArray(String[]::new)));
    }

    /**
     * What dropping a version schema would take with it besides pgroll's views: objects elsewhere that depend on its
     * views, and objects that someone created in it.
     */
    private List<String> onVersionSchema(String versionSchema) {
        String sql = """
                WITH vs AS (SELECT oid FROM pg_namespace WHERE nspname = ?),
                dependent AS (
                  SELECT d.*, %s AS owner FROM pg_depend d
                  WHERE d.refclassid = 'pg_class'::regclass AND d.deptype = 'n'
                    AND d.refobjid IN (SELECT oid FROM pg_class WHERE relnamespace = (SELECT oid FROM vs)))
                SELECT %s FROM dependent d
                WHERE COALESCE(%s <> (SELECT oid FROM vs), true)
                UNION
                SELECT format('%%s %%s', CASE relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'S' THEN 'sequence'
                       WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' ELSE 'relation' END, oid::regclass)
                FROM pg_class WHERE relnamespace = (SELECT oid FROM vs) AND relkind IN ('r', 'p', 'S', 'm', 'f')
                UNION
                SELECT format('function %%s', oid::regprocedure) FROM pg_proc WHERE pronamespace = (SELECT oid FROM vs)
                ORDER BY 1""".formatted(OWNER, DESCRIPTION, NAMESPACE);
        return firstColumn(runner.query(sql, versionSchema));
    }

    private static List<String> firstColumn(List<List<String>> rows) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.get(0)));
        return out;
    }
}
