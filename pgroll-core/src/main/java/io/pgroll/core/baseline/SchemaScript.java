package io.pgroll.core.baseline;

import io.pgroll.core.DatabaseException;
import io.pgroll.core.PgRollException;
import io.pgroll.core.baseline.SchemaObject.Phase;
import io.pgroll.core.db.Sql;
import io.pgroll.core.db.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL that re-creates a schema on an empty database, read from the catalog: extensions, types (enum, domain,
 * composite, range), sequences, tables with their columns, constraints and options, partitions, functions and
 * procedures, indexes, views and materialized views, rules, triggers, row security policies, statistics objects and
 * the comments on all of them, in an order where everything comes after what it needs (pg_depend, as pg_dump uses it).
 * Owners and privileges are left out: they name roles of one cluster.
 *
 * <p>The catalog is read in one read-only snapshot with {@code search_path} set to {@code pg_catalog} alone, so that
 * every name in the generated SQL, including those inside expressions and definitions, is schema-qualified.
 *
 * @param up      the statements, each ending with a semicolon, that create the schema's objects
 * @param down    the statements that drop them again, in reverse order
 * @param objects how many objects the script creates (0 for a schema that holds nothing)
 */
public record SchemaScript(String up, String down, int objects) {

    /** Reads the schema {@code schema} through {@code connection}; nothing is changed. */
    public static SchemaScript read(Connection connection, String schema) {
        try {
            return Transactions.rolledBack(connection, "ISOLATION LEVEL REPEATABLE READ, READ ONLY", s -> {
                s.execute("SET LOCAL search_path = pg_catalog");
                return new Reader(connection, schema).read();
            });
        } catch (SQLException e) {
            throw new DatabaseException("could not read the schema \"" + schema + "\" from the catalog: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** Kinds of object a replayable baseline cannot re-create yet; their presence is an error, not a silent gap. */
    private static final String UNSUPPORTED = """
            SELECT 'aggregate ' || format('%I.%I', n.nspname, p.proname) FROM pg_proc p
              JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ? AND p.prokind IN ('a', 'w') AND
              """ + notOwnedBy("e", "pg_proc", "p.oid") + """
            UNION ALL SELECT 'operator ' || format('%I.%s', n.nspname, o.oprname) FROM pg_operator o
              JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE n.nspname = ? AND
              """ + notOwnedBy("e", "pg_operator", "o.oid") + """
            UNION ALL SELECT 'collation ' || format('%I.%I', n.nspname, c.collname) FROM pg_collation c
              JOIN pg_namespace n ON n.oid = c.collnamespace WHERE n.nspname = ? AND
              """ + notOwnedBy("e", "pg_collation", "c.oid") + """
            UNION ALL SELECT 'text search configuration ' || format('%I.%I', n.nspname, c.cfgname) FROM pg_ts_config c
              JOIN pg_namespace n ON n.oid = c.cfgnamespace WHERE n.nspname = ? AND
              """ + notOwnedBy("e", "pg_ts_config", "c.oid") + """
            UNION ALL SELECT 'foreign table ' || format('%I.%I', n.nspname, c.relname) FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'f'
            UNION ALL SELECT 'table ' || format('%I.%I', n.nspname, c.relname) || ' (it inherits from another table)'
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
            ORDER BY 1""";

    /**
     * A condition that the object {@code oid} of {@code catalog} is the schema's own: no extension brings it
     * ({@code e} in {@code deptypes}) and, with {@code i}, no other object makes it (a range's constructors, an
     * identity's sequence).
     */
    private static String notOwnedBy(String deptypes, String catalog, String oid) {
        String kinds = String.join(", ", deptypes.chars().mapToObj(c -> "'" + (char) c + "'").toList());
        return " NOT EXISTS (SELECT 1 FROM pg_depend owning WHERE owning.classid = '" + catalog
                + "'::regclass AND owning.objid = " + oid + " AND owning.deptype IN (" + kinds + ")) ";
    }

    private static final class Reader {
        private final Connection connection;
        private final String schema;
        private final List<SchemaObject> objects = new ArrayList<>();
        /** Catalog object ({@code pg_class:16384}) to the key of the schema object that creates it. */
        private final Map<String, String> owners = new HashMap<>();
        /** Catalog object to what {@code COMMENT ON} calls it. */
        private final Map<String, Target> commentTargets = new HashMap<>();
        private final Map<String, SchemaObject> byKey = new HashMap<>();

        Reader(Connection connection, String schema) {
            this.connection = connection;
            this.schema = schema;
        }

        SchemaScript read() throws SQLException {
            List<Map<String, String>> unsupported = rows(UNSUPPORTED);
            if (!unsupported.isEmpty()) {
                throw new PgRollException("cannot write schema \"" + schema + "\" as a replayable baseline: it has "
                        + String.join(", ", unsupported.stream().map(r -> r.values().iterator().next()).toList())
                        + ", which the baseline does not re-create yet");
            }
            extensions();
            types();
            sequences();
            tables();
            functions();
            indexes();
            views();
            rules();
            triggers();
            policies();
            statistics();
            comments();
            arrayTypes();
            dependencies();
            List<SchemaObject> sorted = DependencyOrder.sort(objects);
            StringBuilder up = new StringBuilder();
            StringBuilder down = new StringBuilder();
            for (SchemaObject o : sorted) {
                up.append(up.isEmpty() ? "" : "\n");
                for (String statement : o.create()) {
                    up.append(statement.strip()).append(";\n");
                }
            }
            for (int i = sorted.size() - 1; i >= 0; i--) {
                if (sorted.get(i).drop() != null) {
                    down.append(sorted.get(i).drop()).append(";\n");
                }
            }
            return new SchemaScript(up.toString(), down.toString(), sorted.size());
        }

        /** @param kind what {@code COMMENT ON} calls such an object ({@code TABLE}, ...), or null for none */
        private void add(SchemaObject o, String kind, String name) {
            objects.add(o);
            byKey.put(o.key(), o);
            owners.put(o.key(), o.key());
            if (kind != null) {
                commentTargets.put(o.key(), new Target(kind, name));
            }
        }

        /** An object as {@code COMMENT ON} names it: {@code TABLE public.t}, {@code TRIGGER t ON public.t}. */
        private record Target(String kind, String name) {
            String column(String column) {
                return "COLUMN " + name + "." + column;
            }

            @Override
            public String toString() {
                return kind + " " + name;
            }
        }

        /** Statements that belong to {@code owner}'s object, run right after it is created. */
        private void addTo(String owner, String statement) {
            byKey.get(owners.get(owner)).create().add(statement);
        }

        private SchemaObject object(String catalogObject) {
            String key = owners.get(catalogObject);
            return key == null ? null : byKey.get(key);
        }

        private void extensions() throws SQLException {
            for (Map<String, String> r : rows("""
                    SELECT 'pg_extension:' || e.oid AS key, quote_ident(e.extname) AS name FROM pg_extension e
                      JOIN pg_namespace n ON n.oid = e.extnamespace WHERE n.nspname = ? ORDER BY e.extname""")) {
                add(new SchemaObject(r.get("key"), "extension " + r.get("name"), Phase.EXTENSION,
                        "CREATE EXTENSION IF NOT EXISTS " + r.get("name") + " WITH SCHEMA " + Sql.ident(schema),
                        "DROP EXTENSION IF EXISTS " + r.get("name")), null, null);
            }
            // the extension's own objects (a citext type, say) stand for the extension that brings them
            for (Map<String, String> r : rows("""
                    SELECT d.classid::regclass::text || ':' || d.objid AS member, 'pg_extension:' || d.refobjid AS key
                      FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid JOIN pg_namespace n ON n.oid = e.extnamespace
                      WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND n.nspname = ?""")) {
                owners.put(r.get("member"), r.get("key"));
            }
        }

        private void types() throws SQLException {
            for (Map<String, String> r : rows("""
                    SELECT 'pg_type:' || t.oid AS key, t.typtype, format('%I.%I', n.nspname, t.typname) AS name,
                      'pg_class:' || t.typrelid AS relation,
                      (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e
                        WHERE e.enumtypid = t.oid) AS labels,
                      format_type(t.typbasetype, t.typtypmod) AS base, """ + collate("t.typcollation", "bt.typcollation")
                    + """
                       AS collate, pg_get_expr(t.typdefaultbin, 0) AS dflt, t.typnotnull,
                      (SELECT string_agg(format(' CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)), '' ORDER BY c.conname)
                        FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' AND c.convalidated) AS checks,
                      (SELECT string_agg(format('ALTER DOMAIN %I.%I ADD CONSTRAINT %I %s', n.nspname, t.typname, c.conname,
                          pg_get_constraintdef(c.oid)), E'\\n' ORDER BY c.conname)
                        FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' AND NOT c.convalidated) AS unchecked,
                      (SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)) || """
                    + collate("a.attcollation", "at.typcollation") + """
                    , ', ' ORDER BY a.attnum)
                        FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
                        WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) AS attributes,
                      format_type(rg.rngsubtype, NULL) AS subtype,
                      CASE WHEN rg.rngsubdiff <> 0 THEN rg.rngsubdiff::regproc::text END AS subdiff
                    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                      LEFT JOIN pg_type bt ON bt.oid = t.typbasetype LEFT JOIN pg_range rg ON rg.rngtypid = t.oid
                    WHERE n.nspname = ? AND (t.typtype IN ('e', 'd', 'r')
                        OR t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
                      AND """ + notOwnedBy("e", "pg_type", "t.oid") + """
                    ORDER BY t.typname""")) {
                String name = r.get("name");
                String create = switch (r.get("typtype")) {
                    case "e" -> "CREATE TYPE " + name + " AS ENUM (" + orEmpty(r.get("labels")) + ")";
                    case "d" -> "CREATE DOMAIN " + name + " AS " + r.get("base") + r.get("collate")
                            + (r.get("dflt") == null ? "" : " DEFAULT " + r.get("dflt"))
                            + (isTrue(r.get("typnotnull")) ? " NOT NULL" : "") + orEmpty(r.get("checks"));
                    case "c" -> "CREATE TYPE " + name + " AS (" + orEmpty(r.get("attributes")) + ")";
                    default -> "CREATE TYPE " + name + " AS RANGE (SUBTYPE = " + r.get("subtype")
                            + (r.get("subdiff") == null ? "" : ", SUBTYPE_DIFF = " + r.get("subdiff")) + ")";
                };
                boolean domain = r.get("typtype").equals("d");
                SchemaObject type = new SchemaObject(r.get("key"), (domain ? "domain " : "type ") + name, Phase.TYPE,
                        create, (domain ? "DROP DOMAIN IF EXISTS " : "DROP TYPE IF EXISTS ") + name);
                if (r.get("unchecked") != null) {
                    type.create().addAll(List.of(r.get("unchecked").split("\n")));
                }
                add(type, domain ? "DOMAIN" : "TYPE", name);
                owners.put(r.get("relation"), type.key());
            }
            // constraints of domains and the array types of every type stand for the type
            for (Map<String, String> r : rows("""
                    SELECT 'pg_constraint:' || c.oid AS member, 'pg_type:' || c.contypid AS key,
                      format('%I ON DOMAIN %I.%I', c.conname, n.nspname, t.typname) AS target
                    FROM pg_constraint c JOIN pg_type t ON t.oid = c.contypid JOIN pg_namespace n ON n.oid = t.typnamespace
                    WHERE n.nspname = ?""")) {
                owners.put(r.get("member"), r.get("key"));
                commentTargets.put(r.get("member"), new Target("CONSTRAINT", r.get("target")));
            }
        }

        private void arrayTypes() throws SQLException {
            for (Map<String, String> r : rows("""
                    SELECT 'pg_type:' || t.oid AS member, 'pg_type:' || t.typelem AS element FROM pg_type t
                      JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ? AND t.typelem <> 0""")) {
                if (owners.containsKey(r.get("element"))) {
                    owners.put(r.get("member"), owners.get(r.get("element")));
                }
            }
        }

        private void sequences() throws SQLException {
            for (Map<String, String> r : rows("""
                    SELECT 'pg_class:' || c.oid AS key, format('%I.%I', n.nspname, c.relname) AS name,""" + SEQUENCE_OPTIONS
                    + """
                      ,
                      (SELECT format('%I.%I.%I', tn.nspname, t.relname, a.attname) FROM pg_depend d
                        JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
                        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
                        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
                          AND d.deptype = 'a') AS owned_by,
                      (SELECT 'pg_class:' || d.refobjid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                        AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a') AS owner
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid
                    WHERE n.nspname = ? AND c.relkind = 'S' AND
                      """ + notOwnedBy("ei", "pg_class", "c.oid") + """
                    ORDER BY c.relname""")) {
                String name = r.get("name");
                add(new SchemaObject(r.get("key"), "sequence " + name, Phase.SEQUENCE,
                        "CREATE SEQUENCE " + name + " AS " + r.get("sequence_type") + " " + r.get("options"),
                        "DROP SEQUENCE IF EXISTS " + name),
                        "SEQUENCE", name);
                if (r.get("owned_by") != null) {
                    // a serial column's default needs the sequence, the sequence's owner needs the table: a third step
                    SchemaObject ownedBy = new SchemaObject("owned:" + r.get("key"), "owner of sequence " + name,
                            Phase.OPTION, "ALTER SEQUENCE " + name + " OWNED BY " + r.get("owned_by"), null);
                    ownedBy.needs().addAll(List.of(r.get("key"), r.get("owner")));
                    add(ownedBy, null, null);
                }
            }
        }

        /** A sequence's options but its type, which an identity column's sequence takes from the column. */
        private static final String SEQUENCE_OPTIONS = """
                 format_type(s.seqtypid, NULL) AS sequence_type,
                 format('START WITH %s INCREMENT BY %s MINVALUE %s MAXVALUE %s CACHE %s%s',
                  s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,
                  CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END) AS options""";

        private void tables() throws SQLException {
            Map<String, List<String>> elements = new LinkedHashMap<>();
            for (Map<String, String> r : rows("""
                    SELECT 'pg_class:' || a.attrelid AS rel, quote_ident(a.attname) AS name,
                      format_type(a.atttypid, a.atttypmod) AS type, """ + collate("a.attcollation", "t.typcollation")
                    + """
                       AS collate, a.attnotnull, a.attidentity, a.attgenerated, a.attislocal,
                      pg_get_expr(d.adbin, d.adrelid) AS dflt,
                      (SELECT quote_ident(nn.conname) FROM pg_constraint nn WHERE nn.conrelid = a.attrelid
                        AND nn.contype = 'n' AND nn.conkey = ARRAY[a.attnum]) AS not_null_name,
                      CASE WHEN sc.oid IS NOT NULL THEN format('%I.%I', sn.nspname, sc.relname) END AS identity_sequence,
                      s.seqrelid AS identity_oid,""" + SEQUENCE_OPTIONS
                    + """

                    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                      JOIN pg_type t ON t.oid = a.atttypid
                      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                      LEFT JOIN pg_depend sd ON sd.refclassid = 'pg_class'::regclass AND sd.refobjid = a.attrelid
                        AND sd.refobjsubid = a.attnum AND sd.classid = 'pg_class'::regclass AND sd.deptype = 'i'
                        AND a.attidentity <> ''
                      LEFT JOIN pg_sequence s ON s.seqrelid = sd.objid LEFT JOIN pg_class sc ON sc.oid = s.seqrelid
                      LEFT JOIN pg_namespace sn ON sn.oid = sc.relnamespace
                    WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
                      AND NOT c.relispartition
                    ORDER BY a.attrelid, a.attnum""")) {
                StringBuilder column = new StringBuilder(r.get("name")).append(' ').append(r.get("type"))
                        .append(r.get("collate"));
                String generated = r.get("attgenerated");
                if (!generated.isEmpty()) {
                    column.append(" GENERATED ALWAYS AS (").append(r.get("dflt")).append(")")
                            .append(generated.equals("v") ? " VIRTUAL" : " STORED");
                } else if (r.get("dflt") != null) {
                    column.append(" DEFAULT ").append(r.get("dflt"));
                }
                if (!r.get("attidentity").isEmpty()) {
                    column.append(r.get("attidentity").equals("a") ? " GENERATED ALWAYS" : " GENERATED BY DEFAULT")
                            .append(" AS IDENTITY (SEQUENCE NAME ").append(r.get("identity_sequence")).append(' ')
                            .append(r.get("options")).append(')');
                    owners.put("pg_class:" + r.get("identity_oid"), r.get("rel"));
                }
                if (isTrue(r.get("attnotnull"))) {
                    column.append(r.get("not_null_name") == null ? "" : " CONSTRAINT " + r.get("not_null_name"))
                            .append(" NOT NULL");
                }
                elements.computeIfAbsent(r.get("rel"), k -> new ArrayList<>()).add(column.toString());
            }
            List<Map<String, String>> constraints = rows("""
                    SELECT 'pg_class:' || con.conrelid AS rel, 'pg_constraint:' || con.oid AS key, con.contype,
                      quote_ident(con.conname) AS name, pg_get_constraintdef(con.oid) AS def, con.convalidated,
                      'pg_class:' || con.conindid AS index
                    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND con.contype IN ('p', 'u', 'c', 'x', 'f')
                      AND con.conislocal AND con.conparentid = 0
                    ORDER BY con.conrelid, con.contype <> 'p', con.conname""");
            List<Map<String, String>> separate = new ArrayList<>();
            for (Map<String, String> r : constraints) {
                if (r.get("contype").equals("f") || !isTrue(r.get("convalidated"))) {
                    separate.add(r);
                } else {
                    elements.computeIfAbsent(r.get("rel"), k -> new ArrayList<>())
                            .add("CONSTRAINT " + r.get("name") + " " + r.get("def"));
                }
            }
            for (Map<String, String> r : rows("""
                    SELECT 'pg_class:' || c.oid AS key, format('%I.%I', n.nspname, c.relname) AS name, c.relkind,
                      c.relpersistence, array_to_string(c.reloptions, ', ') AS options, c.relreplident,
                      c.relrowsecurity, c.relforcerowsecurity, 'pg_type:' || c.reltype AS rowtype,
                      CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
                      pg_get_expr(c.relpartbound, c.oid) AS bound,
                      (SELECT format('%I.%I', pn.nspname, p.relname) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                        JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid) AS parent_name,
                      (SELECT 'pg_class:' || i.inhparent FROM pg_inherits i WHERE i.inhrelid = c.oid) AS parent
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND 
                      """ + notOwnedBy("e", "pg_class", "c.oid") + """
                    ORDER BY c.relname""")) {
                String name = r.get("name");
                List<String> parts = elements.getOrDefault(r.get("key"), List.of());
                String body = "(\n    " + String.join(",\n    ", parts) + "\n)";
                StringBuilder create = new StringBuilder("CREATE ")
                        .append(r.get("relpersistence").equals("u") ? "UNLOGGED " : "").append("TABLE ").append(name);
                if (r.get("bound") != null) {
                    create.append(" PARTITION OF ").append(r.get("parent_name")).append(parts.isEmpty() ? "" : " " + body)
                            .append(' ').append(r.get("bound"));
                } else {
                    create.append(' ').append(body);
                }
                if (r.get("partition_key") != null) {
                    create.append(" PARTITION BY ").append(r.get("partition_key"));
                }
                if (r.get("options") != null && !r.get("options").isEmpty()) {
                    create.append(" WITH (").append(r.get("options")).append(')');
                }
                SchemaObject table = new SchemaObject(r.get("key"), "table " + name, Phase.TABLE, create.toString(),
                        "DROP TABLE IF EXISTS " + name);
                if (r.get("parent") != null) {
                    table.needs().add(r.get("parent"));
                }
                switch (r.get("relreplident")) {
                    case "f" -> table.create().add("ALTER TABLE " + name + " REPLICA IDENTITY FULL");
                    case "n" -> table.create().add("ALTER TABLE " + name + " REPLICA IDENTITY NOTHING");
                    default -> { } // d is the default; i is set where the index is created
                }
                if (isTrue(r.get("relrowsecurity"))) {
                    table.create().add("ALTER TABLE " + name + " ENABLE ROW LEVEL SECURITY");
                }
                if (isTrue(r.get("relforcerowsecurity"))) {
                    table.create().add("ALTER TABLE " + name + " FORCE ROW LEVEL SECURITY");
                }
                add(table, "TABLE", name);
                owners.put(r.get("rowtype"), table.key());
            }
            for (Map<String, String> r : constraints) {
                String table = commentTargets.get(r.get("rel")).name();
                commentTargets.put(r.get("key"), new Target("CONSTRAINT", r.get("name") + " ON " + table));
                if (separate.contains(r)) {
                    SchemaObject constraint = new SchemaObject(r.get("key"), "constraint " + r.get("name") + " on "
                            + table, Phase.CONSTRAINT, "ALTER TABLE " + table + " ADD CONSTRAINT " + r.get("name") + " "
                            + r.get("def"), "ALTER TABLE IF EXISTS " + table + " DROP CONSTRAINT IF EXISTS " + r.get("name"));
                    constraint.needs().add(r.get("rel"));
                    add(constraint, null, null);
                } else {
                    owners.put(r.get("key"), r.get("rel"));
                    if (!r.get("contype").equals("c")) {
                        owners.put(r.get("index"), r.get("rel"));
                    }
                }
            }
            for (Map<String, String> r : rows("""
                    SELECT 'pg_attrdef:' || d.oid AS member, 'pg_class:' || d.adrelid AS rel FROM pg_attrdef d
                      JOIN pg_class c ON c.oid = d.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ?""")) {
                owners.put(r.get("member"), r.get("rel"));
            }
        }

        private void functions() throws SQLException {
            for (Map<String, String> r : rows("""
                    SELECT 'pg_proc:' || p.oid AS key, p.prokind, pg_get_functiondef(p.oid) AS def,
                      format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS signature
                    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = ? AND p.prokind IN ('f', 'p') AND 
                      """ + notOwnedBy("ei", "pg_proc", "p.oid") + """
                    ORDER BY p.proname, p.oid""")) {
                String kind = r.get("prokind").equals("p") ? "PROCEDURE" : "FUNCTION";
                add(new SchemaObject(r.get("key"), kind.toLowerCase(java.util.Locale.ROOT) + " " + r.get("signature"),
                        Phase.FUNCTION, r.get("def"), "DROP " + kind + " IF EXISTS " + r.get("signature")),
                        kind, r.get("signature"));
            }
        }

        private void indexes() throws SQLException {
            for (Map<String, String> r : rows("""
                    SELECT 'pg_class:' || i.indexrelid AS key, 'pg_class:' || i.indrelid AS rel, c.relkind,
                      pg_get_indexdef(i.indexrelid) AS def, format('%I.%I', n.nspname, ic.relname) AS name,
                      quote_ident(ic.relname) AS bare, format('%I.%I', n.nspname, c.relname) AS table_name,
                      i.indisreplident, i.indisclustered,
                      EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid
                        AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')) AS of_constraint
                    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
                      JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'm') AND i.indisvalid
                      AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
                    ORDER BY ic.relname""")) {
                String name = r.get("name");
                List<String> options = new ArrayList<>();
                if (isTrue(r.get("indisreplident"))) {
                    options.add("ALTER TABLE " + r.get("table_name") + " REPLICA IDENTITY USING INDEX " + r.get("bare"));
                }
                if (isTrue(r.get("indisclustered"))) {
                    options.add("ALTER TABLE " + r.get("table_name") + " CLUSTER ON " + r.get("bare"));
                }
                if (isTrue(r.get("of_constraint"))) {
                    commentTargets.put(r.get("key"), new Target("INDEX", name));
                    if (!options.isEmpty()) {
                        SchemaObject option = new SchemaObject("option:" + r.get("key"), "options of index " + name,
                                Phase.OPTION, options.get(0), null);
                        option.create().addAll(options.subList(1, options.size()));
                        option.needs().add(r.get("rel"));
                        add(option, null, null);
                    }
                    continue;
                }
                // on a partitioned table, an index created without ONLY is created on every partition too
                String def = r.get("relkind").equals("p") ? r.get("def").replaceFirst(" ON ONLY ", " ON ") : r.get("def");
                SchemaObject index = new SchemaObject(r.get("key"), "index " + name, Phase.INDEX, def,
                        "DROP INDEX IF EXISTS " + name);
                index.create().addAll(options);
                index.needs().add(r.get("rel"));
                add(index, "INDEX", name);
            }
        }

        private void views() throws SQLException {
            for (Map<String, String> r : rows("""
                    SELECT 'pg_class:' || c.oid AS key, format('%I.%I', n.nspname, c.relname) AS name, c.relkind,
                      pg_get_viewdef(c.oid) AS def, array_to_string(c.reloptions, ', ') AS options,
                      'pg_type:' || c.reltype AS rowtype,
                      (SELECT 'pg_rewrite:' || w.oid FROM pg_rewrite w WHERE w.ev_class = c.oid AND w.rulename = '_RETURN')
                        AS rule
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? AND c.relkind IN ('v', 'm') AND 
                      """ + notOwnedBy("e", "pg_class", "c.oid") + """
                    ORDER BY c.relname""")) {
                String name = r.get("name");
                String kind = r.get("relkind").equals("m") ? "MATERIALIZED VIEW" : "VIEW";
                String options = r.get("options") == null || r.get("options").isEmpty() ? ""
                        : " WITH (" + r.get("options") + ")";
                String def = withoutSemicolon(r.get("def"));
                add(new SchemaObject(r.get("key"), kind.toLowerCase(java.util.Locale.ROOT) + " " + name, Phase.VIEW,
                        "CREATE " + kind + " " + name + options + " AS\n" + def,
                        "DROP " + kind + " IF EXISTS " + name), kind, name);
                owners.put(r.get("rowtype"), r.get("key"));
                owners.put(r.get("rule"), r.get("key"));
            }
        }

        private void rules() throws SQLException {
            for (Map<String, String> r : rows("""
                    SELECT 'pg_rewrite:' || w.oid AS key, 'pg_class:' || w.ev_class AS rel, pg_get_ruledef(w.oid) AS def,
                      format('%I ON %I.%I', w.rulename, n.nspname, c.relname) AS name
                    FROM pg_rewrite w JOIN pg_class c ON c.oid = w.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? AND w.rulename <> '_RETURN' ORDER BY c.relname, w.rulename""")) {
                SchemaObject rule = new SchemaObject(r.get("key"), "rule " + r.get("name"), Phase.RULE,
                        withoutSemicolon(r.get("def")), "DROP RULE IF EXISTS " + r.get("name"));
                rule.needs().add(r.get("rel"));
                add(rule, "RULE", r.get("name"));
            }
        }

        private void triggers() throws SQLException {
            for (Map<String, String> r : rows("""
                    SELECT 'pg_trigger:' || t.oid AS key, 'pg_class:' || t.tgrelid AS rel, pg_get_triggerdef(t.oid) AS def,
                      t.tgenabled, format('%I ON %I.%I', t.tgname, n.nspname, c.relname) AS name,
                      format('%I.%I', n.nspname, c.relname) AS table_name, quote_ident(t.tgname) AS bare
                    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? AND NOT t.tgisinternal AND t.tgparentid = 0 ORDER BY c.relname, t.tgname""")) {
                SchemaObject trigger = new SchemaObject(r.get("key"), "trigger " + r.get("name"), Phase.TRIGGER,
                        r.get("def"), "DROP TRIGGER IF EXISTS " + r.get("name"));
                String enable = switch (r.get("tgenabled")) {
                    case "D" -> "DISABLE TRIGGER ";
                    case "R" -> "ENABLE REPLICA TRIGGER ";
                    case "A" -> "ENABLE ALWAYS TRIGGER ";
                    default -> null;
                };
                if (enable != null) {
                    trigger.create().add("ALTER TABLE " + r.get("table_name") + " " + enable + r.get("bare"));
                }
                trigger.needs().add(r.get("rel"));
                add(trigger, "TRIGGER", r.get("name"));
            }
        }

        private void policies() throws SQLException {
            for (Map<String, String> r : rows("""
                    SELECT 'pg_policy:' || p.oid AS key, 'pg_class:' || p.polrelid AS rel,
                      format('%I ON %I.%I', p.polname, n.nspname, c.relname) AS name,
                      format('CREATE POLICY %I ON %I.%I AS %s FOR %s TO %s%s%s', p.polname, n.nspname, c.relname,
                        CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
                        CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                          WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
                        CASE WHEN p.polroles = '{0}' THEN 'PUBLIC' ELSE (SELECT string_agg(quote_ident(a.rolname), ', '
                          ORDER BY a.rolname) FROM pg_roles a WHERE a.oid = ANY (p.polroles)) END,
                        ' USING (' || pg_get_expr(p.polqual, p.polrelid) || ')',
                        ' WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')') AS def
                    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? ORDER BY c.relname, p.polname""")) {
                SchemaObject policy = new SchemaObject(r.get("key"), "policy " + r.get("name"), Phase.POLICY,
                        r.get("def"), "DROP POLICY IF EXISTS " + r.get("name"));
                policy.needs().add(r.get("rel"));
                add(policy, "POLICY", r.get("name"));
            }
        }

        private void statistics() throws SQLException {
            for (Map<String, String> r : rows("""
                    SELECT 'pg_statistic_ext:' || s.oid AS key, 'pg_class:' || s.stxrelid AS rel,
                      pg_get_statisticsobjdef(s.oid) AS def, format('%I.%I', n.nspname, s.stxname) AS name
                    FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace
                    WHERE n.nspname = ? ORDER BY s.stxname""")) {
                SchemaObject statistics = new SchemaObject(r.get("key"), "statistics " + r.get("name"),
                        Phase.STATISTICS, r.get("def"), "DROP STATISTICS IF EXISTS " + r.get("name"));
                statistics.needs().add(r.get("rel"));
                add(statistics, "STATISTICS", r.get("name"));
            }
        }

        private void comments() throws SQLException {
            for (Map<String, String> r : rows("""
                    SELECT d.classoid::regclass::text || ':' || d.objoid AS object, d.objsubid,
                      quote_ident(a.attname) AS column_name, quote_literal(d.description) AS description
                    FROM pg_description d LEFT JOIN pg_attribute a ON d.classoid = 'pg_class'::regclass
                      AND a.attrelid = d.objoid AND a.attnum = d.objsubid
                    WHERE d.objoid >= 16384 ORDER BY d.classoid, d.objoid, d.objsubid""")) {
                Target target = commentTargets.get(r.get("object"));
                if (target == null || !owners.containsKey(r.get("object"))) {
                    continue;
                }
                addTo(r.get("object"), "COMMENT ON " + (r.get("objsubid").equals("0") ? target
                        : target.column(r.get("column_name"))) + " IS " + r.get("description"));
            }
        }

        private void dependencies() throws SQLException {
            // PostgreSQL 14 records a generated column's functions as automatic dependencies; the one automatic
            // dependency that must not order anything is a sequence's on the column that owns it (see sequences())
            for (Map<String, String> r : rows("""
                    SELECT d.classid::regclass::text || ':' || d.objid AS object,
                      d.refclassid::regclass::text || ':' || d.refobjid AS needs, d.deptype
                    FROM pg_depend d WHERE d.deptype IN ('n', 'a') AND d.objid >= 16384 AND d.refobjid >= 16384""")) {
                SchemaObject object = object(r.get("object"));
                String needs = owners.get(r.get("needs"));
                boolean ownedSequence = r.get("deptype").equals("a") && object != null
                        && object.phase() == Phase.SEQUENCE;
                if (object != null && needs != null && !needs.equals(object.key()) && !ownedSequence) {
                    object.needs().add(needs);
                }
            }
        }

        /** {@code " COLLATE x"} when a column's or domain's collation is not its type's own, else an empty string. */
        private static String collate(String collation, String typeCollation) {
            return "CASE WHEN " + collation + " <> 0 AND " + collation + " <> " + typeCollation
                    + " THEN ' COLLATE ' || (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_collation co"
                    + " JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = " + collation + ") ELSE '' END";
        }

        /** Every row as column name to text; each {@code ?} of the query is the schema's name. */
        private List<Map<String, String>> rows(String sql) throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                for (int i = 1; i <= ps.getParameterMetaData().getParameterCount(); i++) {
                    ps.setString(i, schema);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData meta = rs.getMetaData();
                    List<Map<String, String>> rows = new ArrayList<>();
                    while (rs.next()) {
                        Map<String, String> row = new LinkedHashMap<>();
                        for (int c = 1; c <= meta.getColumnCount(); c++) {
                            row.put(meta.getColumnLabel(c), rs.getString(c));
                        }
                        rows.add(row);
                    }
                    return rows;
                }
            }
        }

        private static String withoutSemicolon(String definition) {
            String def = definition.strip();
            return def.endsWith(";") ? def.substring(0, def.length() - 1) : def;
        }

        private static boolean isTrue(String value) {
            return "t".equals(value) || "true".equals(value);
        }

        private static String orEmpty(String value) {
            return value == null ? "" : value;
        }
    }
}
