package io.pgroll.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgroll.core.migration.AddColumn;
import io.pgroll.core.migration.AlterColumn;
import io.pgroll.core.migration.CheckConstraint;
import io.pgroll.core.migration.Column;
import io.pgroll.core.migration.ColumnGenerated;
import io.pgroll.core.migration.Constraint;
import io.pgroll.core.migration.CreateConstraint;
import io.pgroll.core.migration.CreateIndex;
import io.pgroll.core.migration.DropColumn;
import io.pgroll.core.migration.DropIndex;
import io.pgroll.core.migration.DropMultiColumnConstraint;
import io.pgroll.core.migration.DropTable;
import io.pgroll.core.migration.ForeignKeyReference;
import io.pgroll.core.migration.IndexField;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.Operation;
import io.pgroll.core.migration.RawSql;
import io.pgroll.core.migration.RenameColumn;
import io.pgroll.core.migration.RenameConstraint;
import io.pgroll.core.migration.RenameTable;
import io.pgroll.core.migration.TableForeignKeyReference;
import io.pgroll.core.migration.TriState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts SQL statements to a pgroll migration, as {@code pgroll convert} does: each statement on its own, with
 * pgroll's mapping (spec section 10); a statement, or any ALTER TABLE sub-command of it, that cannot be converted
 * faithfully becomes one {@code sql} operation with that statement's exact text. Statements are parsed by PostgreSQL
 * 17's own parser (see {@link PgQuery}); no database is needed. Thread-safe.
 */
public final class Converter {

    /** pgroll's placeholder for the {@code up}/{@code down} SQL the user has to write. */
    public static final String PLACEHOLDER_SQL = "TODO: Implement SQL data migration";
    /** pgroll's placeholder for a column name the user has to fill in. */
    public static final String PLACEHOLDER_COLUMN = "placeholder";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> INDEX_METHODS = Set.of("btree", "hash", "gist", "spgist", "gin", "brin");
    private static PgQuery parser;

    /** Invalid SQL: the message names the line and column (1-based) where PostgreSQL's parser stopped. */
    public static final class ConvertException extends io.pgroll.core.PgRollException {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final int column;

        ConvertException(String message, int line, int column) {
            super(message + " at line " + line + ", column " + column);
            this.line = line;
            this.column = column;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }

    /** Signals that a statement cannot be converted faithfully: it becomes a {@code sql} operation. */
    private static final class Raw extends Exception {
        private static final long serialVersionUID = 1L;

        Raw() {
            super(null, null, false, false);
        }
    }

    private Converter() {}

    /** The migration (without a name) of the SQL statements of {@code sql}. */
    public static Migration convert(String sql) {
        sql = SqlText.withoutMetaCommands(sql); // beyond pgroll: psql's meta-commands are not SQL
        if (sql.isBlank()) {
            return new Migration(null, null, List.of());
        }
        byte[] utf8 = sql.getBytes(StandardCharsets.UTF_8);
        String tree;
        synchronized (Converter.class) {
            if (parser == null) {
                parser = new PgQuery();
            }
            try {
                tree = parser.parse(sql);
            } catch (PgQuery.ParseError e) {
                int at = e.cursor < 0 ? sql.length() : Math.min(e.cursor, sql.length()); // in characters
                int line = 1;
                int lineStart = 0;
                for (int i = 0; i < at; i++) {
                    if (sql.charAt(i) == '\n') {
                        line++;
                        lineStart = i + 1;
                    }
                }
                throw new ConvertException(e.getMessage(), line, at - lineStart + 1);
            }
        }
        // the tree's locations are byte offsets: this string has one char per byte of the UTF-8 text
        String src = new String(utf8, StandardCharsets.ISO_8859_1);
        List<Operation> ops = new ArrayList<>();
        JsonNode stmts;
        try {
            stmts = JSON.readTree(tree).path("stmts");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("libpg_query returned invalid JSON", e);
        }
        for (JsonNode stmt : stmts) {
            int start = stmt.path("stmt_location").asInt(0);
            int len = stmt.path("stmt_len").asInt(0);
            int end = len == 0 ? src.length() : start + len;
            new Statement(src, start, end, stmt.path("stmt")).convertInto(ops);
        }
        return new Migration(null, null, ops);
    }

    /** One statement: its node and its source (one char per UTF-8 byte). */
    private static final class Statement {
        final String src;
        final int start;
        final int end;
        final JsonNode node;

        /** The source up to the statement's end (so that scans stop there), with the same offsets as {@code src}. */
        final String bounded;

        Statement(String src, int start, int end, JsonNode node) {
            this.src = src;
            this.bounded = src.substring(0, end);
            this.start = start;
            this.end = end;
            this.node = node;
        }

        void convertInto(List<Operation> ops) {
            String kind = node.fieldNames().hasNext() ? node.fieldNames().next() : "";
            JsonNode n = node.path(kind);
            if (kind.equals("TransactionStmt")) {
                String k = n.path("kind").asText();
                if (k.equals("TRANS_STMT_BEGIN") || k.equals("TRANS_STMT_START") || k.equals("TRANS_STMT_COMMIT")) {
                    return; // dropped: a migration runs in its own transactions
                }
            }
            try {
                List<Operation> converted = switch (kind) {
                    case "CreateStmt" -> List.of(createTable(n));
                    case "AlterTableStmt" -> alterTable(n);
                    case "RenameStmt" -> List.of(rename(n));
                    case "DropStmt" -> drop(n);
                    case "IndexStmt" -> List.of(createIndex(n));
                    default -> throw new Raw();
                };
                ops.addAll(converted);
            } catch (Raw e) {
                // the statement from its first token: comments before it (pg_dump's headers) are not part of it
                ops.add(new RawSql(text(SqlText.tokenStart(bounded, start), end).trim(), null, false));
            }
        }

        /** Source text between two byte offsets, decoded. */
        String text(int from, int to) {
            return new String(src.substring(from, to).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        }

        /** The expression text starting at {@code from}, up to a top-level , ) ; or the statement's end. */
        String expressionAt(int from, int limit) {
            return text(from, Math.min(limit, SqlText.expressionEnd(bounded, from))).trim();
        }

        /** The text after the keyword {@code word} that starts at or after {@code from}. */
        String expressionAfter(String word, int from, int limit) throws Raw {
            int at = SqlText.keyword(bounded, from, end, word);
            if (at < 0) {
                throw new Raw();
            }
            return expressionAt(at + word.length(), limit);
        }

        String parenthesisedAfter(int from) throws Raw {
            String s = SqlText.parenthesised(bounded, from);
            if (s == null) {
                throw new Raw();
            }
            return new String(s.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        }

        // ---- CREATE TABLE ----

        Operation createTable(JsonNode n) throws Raw {
            if (!n.path("relation").path("relpersistence").asText("p").equals("p")
                    || n.has("inhRelations") || n.has("partspec") || n.has("partbound") || n.has("accessMethod")
                    || n.has("options") || n.has("tablespacename") || n.has("ofTypename") || n.has("if_not_exists")
                    || !n.path("oncommit").asText("ONCOMMIT_NOOP").equals("ONCOMMIT_NOOP")) {
                throw new Raw();
            }
            String table = relationName(n.path("relation"));
            List<Column> columns = new ArrayList<>();
            List<Constraint> constraints = new ArrayList<>();
            List<String> pkColumns = new ArrayList<>();
            JsonNode elements = n.path("tableElts");
            for (int i = 0; i < elements.size(); i++) {
                JsonNode element = elements.get(i);
                int limit = i + 1 < elements.size() ? location(elements.get(i + 1)) : end;
                if (element.has("ColumnDef")) {
                    columns.add(column(table, element.path("ColumnDef"), limit, true));
                } else if (element.has("Constraint")) {
                    JsonNode c = element.path("Constraint");
                    if (c.path("contype").asText().equals("CONSTR_PRIMARY") && !c.has("conname")
                            && !c.has("indexspace") && !c.has("options") && !c.has("including")
                            && !deferrable(c)) {
                        pkColumns.addAll(strings(c.path("keys")));
                    } else {
                        constraints.add(tableConstraint(table, c));
                    }
                } else {
                    throw new Raw(); // LIKE
                }
            }
            for (String pk : pkColumns) {
                int i = indexOf(columns, pk);
                if (i < 0) {
                    throw new Raw();
                }
                Column c = columns.get(i);
                columns.set(i, new Column(c.name(), c.type(), false, c.unique(), true, c.defaultValue(), c.check(),
                        c.references(), c.comment(), c.generated()));
            }
            return new io.pgroll.core.migration.CreateTable(table, columns, constraints.isEmpty() ? null : constraints,
                    null);
        }

        Column column(String table, JsonNode def, int limit, boolean inCreateTable) throws Raw {
            if (def.has("storage") || def.has("compression") || def.has("collClause") || def.has("storage_name")) {
                throw new Raw();
            }
            String name = def.path("colname").asText();
            boolean notNull = false;
            boolean pk = false;
            boolean unique = false;
            String defaultValue = null;
            CheckConstraint check = null;
            ForeignKeyReference references = null;
            ColumnGenerated generated = null;
            JsonNode constraints = def.path("constraints");
            for (int i = 0; i < constraints.size(); i++) {
                JsonNode c = constraints.get(i).path("Constraint");
                int cLimit = i + 1 < constraints.size() ? location(constraints.get(i + 1)) : limit;
                String type = c.path("contype").asText();
                boolean named = c.has("conname");
                if (deferrable(c) || c.path("skip_validation").asBoolean(false)) {
                    throw new Raw();
                }
                switch (type) {
                    case "CONSTR_NULL" -> {
                        if (named) {
                            throw new Raw();
                        }
                    }
                    case "CONSTR_NOTNULL" -> {
                        if (named) {
                            throw new Raw();
                        }
                        notNull = true;
                    }
                    case "CONSTR_PRIMARY" -> {
                        if (named || c.has("indexspace") || c.has("options")) {
                            throw new Raw();
                        }
                        pk = true;
                    }
                    case "CONSTR_UNIQUE" -> {
                        if (named || c.has("indexspace") || c.has("options")
                                || c.path("nulls_not_distinct").asBoolean(false)) {
                            throw new Raw();
                        }
                        unique = true;
                    }
                    case "CONSTR_DEFAULT" -> {
                        if (named) {
                            throw new Raw();
                        }
                        defaultValue = expressionAfter("DEFAULT", location(c), cLimit);
                    }
                    case "CONSTR_CHECK" -> check = new CheckConstraint(
                            named ? c.path("conname").asText() : bare(table) + "_" + name + "_check",
                            parenthesisedAfter(location(c)), c.path("is_no_inherit").asBoolean(false));
                    case "CONSTR_FOREIGN" -> {
                        List<String> pkAttrs = strings(c.path("pk_attrs"));
                        if (pkAttrs.size() != 1) {
                            throw new Raw();
                        }
                        references = new ForeignKeyReference(
                                named ? c.path("conname").asText() : bare(table) + "_" + name + "_fkey",
                                relationName(c.path("pktable")), pkAttrs.get(0), action(c.path("fk_del_action")),
                                action(c.path("fk_upd_action")), match(c.path("fk_matchtype")), false, false);
                    }
                    case "CONSTR_GENERATED" -> generated = new ColumnGenerated(parenthesisedAfter(location(c)), null);
                    case "CONSTR_IDENTITY" -> {
                        generated = new ColumnGenerated(null, new ColumnGenerated.Identity(
                                c.path("generated_when").asText().equals("d") ? "BY DEFAULT" : "ALWAYS",
                                c.has("options") ? sequenceOptions(c.path("options")) : null));
                    }
                    default -> throw new Raw();
                }
            }
            if (pk && !inCreateTable) {
                throw new Raw();
            }
            boolean nullable = !(notNull || pk || generated != null);
            return new Column(name, typeName(def.path("typeName")), nullable, unique, pk, defaultValue, check,
                    references, null, generated);
        }

        Constraint tableConstraint(String table, JsonNode c) throws Raw {
            if (c.path("skip_validation").asBoolean(false)) {
                throw new Raw();
            }
            String name = c.has("conname") ? c.path("conname").asText() : defaultName(table, c);
            boolean deferrable = c.path("deferrable").asBoolean(false);
            boolean deferred = c.path("initdeferred").asBoolean(false);
            io.pgroll.core.migration.IndexParameters params = indexParameters(c);
            return switch (c.path("contype").asText()) {
                case "CONSTR_UNIQUE" -> new Constraint(name, "unique", strings(c.path("keys")), null, deferrable,
                        deferred, c.path("nulls_not_distinct").asBoolean(false), false, null, null, params);
                case "CONSTR_PRIMARY" -> new Constraint(name, "primary_key", strings(c.path("keys")), null,
                        deferrable, deferred, false, false, null, null, params);
                case "CONSTR_CHECK" -> new Constraint(name, "check", null, parenthesisedAfter(location(c)),
                        deferrable, deferred, false, c.path("is_no_inherit").asBoolean(false), null, null, null);
                case "CONSTR_FOREIGN" -> new Constraint(name, "foreign_key", strings(c.path("fk_attrs")), null,
                        deferrable, deferred, false, false, foreignKey(c), null, null);
                case "CONSTR_EXCLUSION" -> new Constraint(name, "exclude", null, null, deferrable, deferred, false,
                        false, null, new Constraint.Exclude(c.path("access_method").asText("btree"),
                                parenthesisedAfter(location(c)), c.has("where_clause")
                                        ? SqlText.unparenthesised(expressionAfter("WHERE", location(c), end)) : null),
                        params);
                default -> throw new Raw();
            };
        }

        io.pgroll.core.migration.IndexParameters indexParameters(JsonNode c) {
            if (!c.has("indexspace") && !c.has("including") && !c.has("options")) {
                return null;
            }
            return new io.pgroll.core.migration.IndexParameters(c.path("indexspace").asText(null),
                    c.has("options") ? definitions(c.path("options")) : null,
                    c.has("including") ? strings(c.path("including")) : null);
        }

        TableForeignKeyReference foreignKey(JsonNode c) throws Raw {
            List<String> pkAttrs = strings(c.path("pk_attrs"));
            if (pkAttrs.isEmpty() || c.has("fk_del_set_cols")) {
                throw new Raw();
            }
            return new TableForeignKeyReference(relationName(c.path("pktable")), pkAttrs,
                    match(c.path("fk_matchtype")), action(c.path("fk_del_action")), action(c.path("fk_upd_action")),
                    null);
        }

        // ---- ALTER TABLE ----

        List<Operation> alterTable(JsonNode n) throws Raw {
            if (!n.path("objtype").asText().equals("OBJECT_TABLE") || n.path("missing_ok").asBoolean(false)
                    || !n.path("relation").path("inh").asBoolean(false)) {
                throw new Raw();
            }
            String table = relationName(n.path("relation"));
            List<Operation> ops = new ArrayList<>();
            JsonNode cmds = n.path("cmds");
            // sub-commands carry no location: their text is the statement's, split at top-level commas
            List<Integer> bounds = new ArrayList<>();
            bounds.add(start);
            String s = bounded;
            for (int at = SqlText.expressionEnd(s, start); at < end && s.charAt(at) == ',';
                    at = SqlText.expressionEnd(s, at + 1)) {
                bounds.add(at + 1);
            }
            if (bounds.size() != cmds.size()) {
                throw new Raw();
            }
            bounds.add(end + 1);
            for (int i = 0; i < cmds.size(); i++) {
                ops.add(alterTableCmd(table, cmds.get(i).path("AlterTableCmd"), bounds.get(i), bounds.get(i + 1) - 1));
            }
            return ops;
        }

        Operation alterTableCmd(String table, JsonNode cmd, int from, int limit) throws Raw {
            String column = cmd.path("name").asText(null);
            JsonNode def = cmd.path("def");
            boolean cascade = cmd.path("behavior").asText().equals("DROP_CASCADE");
            switch (cmd.path("subtype").asText()) {
                case "AT_SetNotNull":
                case "AT_DropNotNull":
                    return new AlterColumn(table, column, null, cmd.path("subtype").asText().equals("AT_DropNotNull"),
                            null, null, null, TriState.ABSENT, TriState.ABSENT, PLACEHOLDER_SQL, PLACEHOLDER_SQL);
                case "AT_AlterColumnType": {
                    JsonNode cd = def.path("ColumnDef");
                    if (cd.has("collClause")) {
                        throw new Raw();
                    }
                    String up = PLACEHOLDER_SQL;
                    String down = PLACEHOLDER_SQL;
                    if (cd.has("raw_default")) {
                        // beyond pgroll (raw sql): USING's expression computes the new column's values, and the old
                        // column takes the new one's values back by assignment, as a migration runnable as it is
                        up = expressionAfter("USING", from, limit);
                        down = identifier(column);
                    }
                    return new AlterColumn(table, column, typeName(cd.path("typeName")), null, null, null, null,
                            TriState.ABSENT, TriState.ABSENT, up, down);
                }
                case "AT_ColumnDefault": {
                    TriState value = TriState.NULL;
                    if (!def.isMissingNode() && !isNullConstant(def)) {
                        value = TriState.of(expressionAfter("DEFAULT", from, limit));
                    }
                    return new AlterColumn(table, column, null, null, null, null, null, value, TriState.ABSENT,
                            PLACEHOLDER_SQL, PLACEHOLDER_SQL);
                }
                case "AT_AddConstraint":
                    return addConstraint(table, def.path("Constraint"));
                case "AT_DropColumn":
                    if (cascade || cmd.path("missing_ok").asBoolean(false)) {
                        throw new Raw();
                    }
                    return new DropColumn(table, column, PLACEHOLDER_SQL);
                case "AT_DropConstraint":
                    if (cascade) {
                        throw new Raw();
                    }
                    return new DropMultiColumnConstraint(table, column, Map.of(PLACEHOLDER_COLUMN, PLACEHOLDER_SQL),
                            Map.of(PLACEHOLDER_COLUMN, PLACEHOLDER_SQL));
                case "AT_AddColumn": {
                    if (cmd.path("missing_ok").asBoolean(false)) {
                        throw new Raw();
                    }
                    Column c = column(table, def.path("ColumnDef"), limit, false);
                    // beyond pgroll: a NOT NULL column with a default gets its default as up, needing no editing
                    String up = !c.nullable() && c.defaultValue() != null && c.generated() == null
                            ? c.defaultValue() : PLACEHOLDER_SQL;
                    return new AddColumn(table, c, up);
                }
                default:
                    throw new Raw();
            }
        }

        Operation addConstraint(String table, JsonNode c) throws Raw {
            if (c.path("skip_validation").asBoolean(false) || deferrable(c)) {
                throw new Raw();
            }
            String name = c.has("conname") ? c.path("conname").asText() : defaultName(table, c);
            switch (c.path("contype").asText()) {
                case "CONSTR_UNIQUE": {
                    if (c.path("nulls_not_distinct").asBoolean(false) || c.has("including") || c.has("options")
                            || c.has("indexspace")) {
                        throw new Raw();
                    }
                    List<String> columns = strings(c.path("keys"));
                    return new CreateConstraint(table, name, "unique", columns, null, false, null, null,
                            placeholders(columns), placeholders(columns));
                }
                case "CONSTR_FOREIGN": {
                    List<String> columns = strings(c.path("fk_attrs"));
                    return new CreateConstraint(table, name, "foreign_key", columns, null, false, foreignKey(c), null,
                            placeholders(columns), placeholders(columns));
                }
                case "CONSTR_CHECK": {
                    if (c.path("is_no_inherit").asBoolean(false)) {
                        throw new Raw();
                    }
                    List<String> columns = List.of(PLACEHOLDER_COLUMN);
                    return new CreateConstraint(table, name, "check", columns, parenthesisedAfter(location(c)),
                            false, null, null, placeholders(columns),
                            placeholders(columns));
                }
                default:
                    throw new Raw();
            }
        }

        // ---- RENAME, DROP, CREATE INDEX ----

        Operation rename(JsonNode n) throws Raw {
            if (n.path("missing_ok").asBoolean(false)) {
                throw new Raw();
            }
            String table = relationName(n.path("relation"));
            String to = n.path("newname").asText();
            switch (n.path("renameType").asText()) {
                case "OBJECT_TABLE":
                    return new RenameTable(table, to);
                case "OBJECT_COLUMN":
                    if (!n.path("relationType").asText().equals("OBJECT_TABLE")) {
                        throw new Raw();
                    }
                    return new RenameColumn(table, n.path("subname").asText(), to);
                case "OBJECT_TABCONSTRAINT":
                    return new RenameConstraint(table, n.path("subname").asText(), to);
                default:
                    throw new Raw();
            }
        }

        List<Operation> drop(JsonNode n) throws Raw {
            if (n.path("behavior").asText().equals("DROP_CASCADE")) {
                throw new Raw();
            }
            JsonNode objects = n.path("objects");
            String type = n.path("removeType").asText();
            if (!type.equals("OBJECT_INDEX") && !type.equals("OBJECT_TABLE")) {
                throw new Raw();
            }
            List<Operation> ops = new ArrayList<>();
            for (JsonNode object : objects) {
                String name = String.join(".", strings(object.path("List").path("items")));
                ops.add(type.equals("OBJECT_INDEX") ? new DropIndex(name) : new DropTable(name));
            }
            if (type.equals("OBJECT_INDEX") && ops.size() != 1) {
                throw new Raw();
            }
            return ops;
        }

        Operation createIndex(JsonNode n) throws Raw {
            String method = n.path("accessMethod").asText("btree");
            if (n.has("tableSpace") || n.has("indexIncludingParams") || !n.path("relation").path("inh").asBoolean(false)
                    || n.path("nulls_not_distinct").asBoolean(false) || !INDEX_METHODS.contains(method)
                    || !n.has("idxname")) {
                throw new Raw();
            }
            List<IndexField> fields = new ArrayList<>();
            for (JsonNode p : n.path("indexParams")) {
                JsonNode e = p.path("IndexElem");
                if (!e.has("name")) {
                    throw new Raw(); // expression
                }
                List<String> collation = strings(e.path("collation"));
                String collate = collation.isEmpty() ? null : String.join(".", collation);
                IndexField.OpClass opclass = null;
                if (e.has("opclass")) {
                    List<String> params = new ArrayList<>();
                    for (JsonNode o : e.path("opclassopts")) {
                        params.add(defElem(o.path("DefElem")));
                    }
                    opclass = new IndexField.OpClass(String.join(".", strings(e.path("opclass"))),
                            params.isEmpty() ? null : params);
                }
                String sort = switch (e.path("ordering").asText()) {
                    case "SORTBY_ASC" -> "ASC";
                    case "SORTBY_DESC" -> "DESC";
                    default -> null;
                };
                String nulls = switch (e.path("nulls_ordering").asText()) {
                    case "SORTBY_NULLS_FIRST" -> "FIRST";
                    case "SORTBY_NULLS_LAST" -> "LAST";
                    default -> null;
                };
                fields.add(new IndexField(e.path("name").asText(), collate, sort, nulls, opclass));
            }
            String predicate = null;
            if (n.has("whereClause")) {
                int at = SqlText.keyword(bounded, start, end, "WHERE");
                predicate = text(at + "WHERE".length(), end).trim();
                predicate = SqlText.unparenthesised(predicate);
            }
            String storage = n.has("options") ? definitions(n.path("options")) : null;
            return new CreateIndex(n.path("idxname").asText(), relationName(n.path("relation")), fields,
                    method, n.path("unique").asBoolean(false), predicate, storage);
        }

        int location(JsonNode wrapped) {
            JsonNode inner = wrapped.fieldNames().hasNext() && !wrapped.has("location")
                    ? wrapped.path(wrapped.fieldNames().next()) : wrapped;
            return inner.path("location").asInt(start);
        }
    }

    // ---- helpers on nodes ----

    static String relationName(JsonNode rangeVar) {
        String name = rangeVar.path("relname").asText();
        return rangeVar.has("schemaname") ? rangeVar.path("schemaname").asText() + "." + name : name;
    }

    /** {@code name} as an SQL identifier: quoted unless it is a plain lower-case one. */
    static String identifier(String name) {
        return name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** The table name without its schema. */
    static String bare(String table) {
        return table.substring(table.lastIndexOf('.') + 1);
    }

    static List<String> strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : list) {
            out.add(item.path("String").path("sval").asText());
        }
        return out;
    }

    static int indexOf(List<Column> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    static boolean deferrable(JsonNode c) {
        return c.path("deferrable").asBoolean(false) || c.path("initdeferred").asBoolean(false);
    }

    static boolean isNullConstant(JsonNode def) {
        return def.path("A_Const").path("isnull").asBoolean(false);
    }

    static Map<String, String> placeholders(List<String> columns) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String c : columns) {
            map.put(c, PLACEHOLDER_SQL);
        }
        return map;
    }

    static String action(JsonNode code) {
        return switch (code.asText("a")) {
            case "r" -> "RESTRICT";
            case "c" -> "CASCADE";
            case "n" -> "SET NULL";
            case "d" -> "SET DEFAULT";
            default -> "NO ACTION";
        };
    }

    static String match(JsonNode code) {
        return switch (code.asText("s")) {
            case "f" -> "FULL";
            case "p" -> "PARTIAL";
            default -> "SIMPLE";
        };
    }

    /** The name PostgreSQL gives an unnamed table constraint (for a check: without its columns). */
    static String defaultName(String table, JsonNode c) {
        String bare = bare(table);
        return switch (c.path("contype").asText()) {
            case "CONSTR_PRIMARY" -> bare + "_pkey";
            case "CONSTR_UNIQUE" -> bare + "_" + String.join("_", strings(c.path("keys"))) + "_key";
            case "CONSTR_FOREIGN" -> bare + "_" + String.join("_", strings(c.path("fk_attrs"))) + "_fkey";
            case "CONSTR_EXCLUSION" -> bare + "_" + String.join("_", exclusionColumns(c)) + "_excl";
            default -> bare + "_check";
        };
    }

    /** The columns of an exclusion constraint's elements (expressions have none). */
    static List<String> exclusionColumns(JsonNode c) {
        List<String> out = new ArrayList<>();
        for (JsonNode pair : c.path("exclusions")) {
            JsonNode elem = pair.path("List").path("items").path(0).path("IndexElem");
            if (elem.has("name")) {
                out.add(elem.path("name").asText());
            }
        }
        return out;
    }

    /** {@code WITH (a = 1, b)} options as pgroll writes storage parameters: {@code a=1, b}. */
    static String definitions(JsonNode options) {
        List<String> params = new ArrayList<>();
        for (JsonNode o : options) {
            params.add(defElem(o.path("DefElem")));
        }
        return String.join(", ", params);
    }

    /** Identity sequence options as pgroll writes them: {@code start 1 increment 1 cycle  cache 1}. */
    static String sequenceOptions(JsonNode options) {
        List<String> parts = new ArrayList<>();
        for (JsonNode o : options) {
            JsonNode d = o.path("DefElem");
            String name = d.path("defname").asText();
            JsonNode arg = d.path("arg");
            if (arg.has("Boolean")) {
                parts.add(arg.path("Boolean").path("boolval").asBoolean(false) ? name + " " : "no " + name);
            } else {
                parts.add(name + " " + constant(arg));
            }
        }
        return String.join(" ", parts);
    }

    static String defElem(JsonNode d) {
        String name = d.path("defname").asText();
        JsonNode arg = d.path("arg");
        if (arg.isMissingNode()) {
            return name;
        }
        return name + "=" + constant(arg);
    }

    static String constant(JsonNode arg) {
        if (arg.has("Integer")) {
            return arg.path("Integer").path("ival").asText("0");
        }
        if (arg.has("Float")) {
            return arg.path("Float").path("fval").asText();
        }
        if (arg.has("Boolean")) {
            return arg.path("Boolean").path("boolval").asBoolean(false) ? "true" : "false";
        }
        if (arg.has("String")) {
            return arg.path("String").path("sval").asText();
        }
        if (arg.has("TypeName")) {
            return typeName(arg.path("TypeName"));
        }
        return arg.toString();
    }

    private static final Map<String, String> BUILTIN_TYPES = Map.ofEntries(
            Map.entry("int2", "smallint"), Map.entry("int4", "int"), Map.entry("int8", "bigint"),
            Map.entry("float4", "real"), Map.entry("float8", "double precision"), Map.entry("bool", "boolean"),
            Map.entry("bpchar", "char"), Map.entry("varchar", "varchar"), Map.entry("numeric", "numeric"),
            Map.entry("timestamp", "timestamp"), Map.entry("timestamptz", "timestamptz"), Map.entry("time", "time"),
            Map.entry("timetz", "timetz"), Map.entry("interval", "interval"), Map.entry("bit", "bit"),
            Map.entry("varbit", "varbit"));

    /** A type's SQL name: PostgreSQL's internal names of built-in types given back their SQL spelling. */
    static String typeName(JsonNode t) {
        List<String> names = strings(t.path("names"));
        String name;
        if (names.size() == 2 && names.get(0).equals("pg_catalog") && BUILTIN_TYPES.containsKey(names.get(1))) {
            name = BUILTIN_TYPES.get(names.get(1));
        } else {
            List<String> quoted = new ArrayList<>();
            for (String part : names) {
                quoted.add(identifier(part));
            }
            name = String.join(".", quoted);
        }
        if (t.path("setof").asBoolean(false)) {
            name = "SETOF " + name;
        }
        List<String> mods = new ArrayList<>();
        for (JsonNode m : t.path("typmods")) {
            JsonNode val = m.path("A_Const");
            if (val.has("ival")) {
                mods.add(val.path("ival").path("ival").asText("0"));
            } else if (val.has("sval")) {
                mods.add(val.path("sval").path("sval").asText());
            } else if (m.has("ColumnRef")) {
                mods.add(String.join(".", strings(m.path("ColumnRef").path("fields"))));
            }
        }
        if (names.size() == 2 && names.get(1).equals("interval")) {
            mods.clear(); // interval field masks: not a type modifier the user wrote
        }
        StringBuilder out = new StringBuilder(name);
        if (!mods.isEmpty()) {
            out.append('(').append(String.join(", ", mods)).append(')');
        }
        for (JsonNode b : t.path("arrayBounds")) {
            int bound = b.path("Integer").path("ival").asInt(-1);
            out.append(bound < 0 ? "[]" : "[" + bound + "]");
        }
        return out.toString();
    }
}
