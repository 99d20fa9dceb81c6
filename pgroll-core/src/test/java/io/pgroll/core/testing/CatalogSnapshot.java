package io.pgroll.core.testing;

import io.pgroll.core.db.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A schema as the catalog describes it, for comparing two schemas that must be the same. */
public final class CatalogSnapshot {

    private CatalogSnapshot() {
    }

    /**
     * The target schema as the catalog describes it, one line per object, sorted: relations (kind, replica
     * identity, options, comment), columns in attnum order (type, nullability, default, identity, generated,
     * collation, comment), constraints with their definitions, indexes with theirs, triggers, functions, sequences
     * and the column that owns each, types, view definitions, partitions, row security and policies, rules,
     * statistics objects, trigger states; plus the database's schemas.
     */
    public static List<String> of(Harness h) {
        return of(h.url, h.schema);
    }

    /** The snapshot of {@code schema} in the database at {@code url}, read as that URL's user. */
    public static List<String> of(String url, String schema) {
        String s = Sql.literal(schema);
        String sql = """
                SELECT 'schema ' || nspname FROM pg_namespace
                  WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'
                UNION ALL
                SELECT format('relation %%s kind=%%s persistence=%%s replica_identity=%%s options=%%s comment=%%s',
                    c.relname, c.relkind, c.relpersistence, c.relreplident, array_to_string(c.reloptions, ','),
                    obj_description(c.oid, 'pg_class'))
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = %1$s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                UNION ALL
                SELECT format('column %%s #%%s %%s %%s %%s default=%%s identity=%%s generated=%%s collation=%%s comment=%%s',
                    c.relname, lpad(a.attnum::text, 3, '0'), a.attname, format_type(a.atttypid, a.atttypmod),
                    CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE 'NULL' END, pg_get_expr(d.adbin, d.adrelid),
                    a.attidentity, a.attgenerated, co.collname, col_description(c.oid, a.attnum))
                  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                  LEFT JOIN pg_collation co ON co.oid = a.attcollation
                  WHERE n.nspname = %1$s AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0
                    AND NOT a.attisdropped
                UNION ALL
                SELECT format('constraint %%s %%s %%s comment=%%s', coalesce(c.relname, t.typname), k.conname,
                    pg_get_constraintdef(k.oid), obj_description(k.oid, 'pg_constraint'))
                  FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
                  LEFT JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_type t ON t.oid = k.contypid
                  WHERE n.nspname = %1$s
                UNION ALL
                SELECT format('index %%s %%s valid=%%s replica_identity=%%s comment=%%s', c.relname,
                    pg_get_indexdef(i.indexrelid), i.indisvalid, i.indisreplident,
                    obj_description(i.indexrelid, 'pg_class'))
                  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = %1$s
                UNION ALL
                SELECT format('trigger %%s %%s', c.relname, pg_get_triggerdef(g.oid))
                  FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = %1$s AND NOT g.tgisinternal
                UNION ALL
                SELECT format('function %%s(%%s) returns %%s kind=%%s source_md5=%%s', p.proname,
                    pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid), p.prokind, md5(p.prosrc))
                  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspname = %1$s
                UNION ALL
                SELECT format('sequence %%s type=%%s start=%%s increment=%%s min=%%s max=%%s cycle=%%s owned_by=%%s',
                    c.relname, format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, q.seqmin, q.seqmax,
                    q.seqcycle, coalesce((SELECT string_agg(d.deptype::text || ':' || oc.relname || '.' || oa.attname, ',')
                      FROM pg_depend d JOIN pg_class oc ON oc.oid = d.refobjid
                      JOIN pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')), 'nothing'))
                  FROM pg_sequence q JOIN pg_class c ON c.oid = q.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = %1$s
                UNION ALL
                SELECT format('type %%s kind=%%s base=%%s labels=%%s comment=%%s', t.typname, t.typtype,
                    CASE WHEN t.typbasetype <> 0 THEN format_type(t.typbasetype, t.typtypmod) END,
                    (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e
                      WHERE e.enumtypid = t.oid), obj_description(t.oid, 'pg_type'))
                  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                  WHERE n.nspname = %1$s AND t.typtype IN ('e', 'd', 'r', 'm', 'c')
                    AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
                UNION ALL
                SELECT format('view %%s %%s', c.relname, pg_get_viewdef(c.oid))
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = %1$s AND c.relkind IN ('v', 'm')
                UNION ALL
                SELECT format('partition %%s of %%s %%s key=%%s', c.relname, p.relname, pg_get_expr(c.relpartbound, c.oid),
                    pg_get_partkeydef(c.oid))
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = i.inhparent
                  WHERE n.nspname = %1$s AND c.relkind IN ('r', 'p') AND (c.relispartition OR c.relkind = 'p')
                UNION ALL
                SELECT format('policy %%s %%s permissive=%%s cmd=%%s roles=%%s using=%%s check=%%s', c.relname, p.polname,
                    p.polpermissive, p.polcmd, p.polroles::text, pg_get_expr(p.polqual, p.polrelid),
                    pg_get_expr(p.polwithcheck, p.polrelid))
                  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = %1$s
                UNION ALL
                SELECT format('security %%s row_security=%%s forced=%%s', c.relname, c.relrowsecurity, c.relforcerowsecurity)
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = %1$s AND c.relkind IN ('r', 'p')
                UNION ALL
                SELECT format('rule %%s', pg_get_ruledef(w.oid))
                  FROM pg_rewrite w JOIN pg_class c ON c.oid = w.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = %1$s AND w.rulename <> '_RETURN'
                UNION ALL
                SELECT format('statistics %%s', pg_get_statisticsobjdef(x.oid))
                  FROM pg_statistic_ext x JOIN pg_namespace n ON n.oid = x.stxnamespace
                  WHERE n.nspname = %1$s
                UNION ALL
                SELECT format('trigger state %%s %%s %%s', c.relname, g.tgname, g.tgenabled)
                  FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = %1$s AND NOT g.tgisinternal
                """.formatted(s);
        // search_path = the target schema, so definitions name its objects unqualified in both test schemas
        List<String> lines = new ArrayList<>();
        try (Connection c = TestPostgres.connect(url); Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + Sql.ident(schema));
            try (ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return lines.stream().sorted().toList();
    }
}
