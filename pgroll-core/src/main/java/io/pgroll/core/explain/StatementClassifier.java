package io.pgroll.core.explain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells from a statement's text which table locks it takes, and whether it scans or rewrites a table, after the
 * "explicit locking" chapter of PostgreSQL's documentation and {@code ALTER TABLE}'s notes. Recognition is by
 * regular expressions over the text, deliberately small: a real SQL parser can replace {@link #classify} without
 * changing its callers. When unsure it reports the stronger lock (a plan must never under-report); a statement it
 * does not know is {@link Effect#recognised() unrecognised}.
 *
 * <p>An instance remembers what earlier statements declared, which later ones depend on: foreign keys (validating one
 * also locks the referenced table) and {@code CHECK (c IS NOT NULL)} constraints (a validated one spares
 * {@code SET NOT NULL} its scan). Feed it the existing constraints' definitions first to seed that memory.
 */
public final class StatementClassifier {

    /** How a statement reads or writes a table's rows, least costly first. */
    public enum Access {
        /** Catalog only. */
        NONE,
        /** Reads every row (validating a constraint, building an index) or writes row by row (UPDATE). */
        SCAN,
        /** Writes a new copy of the table and its indexes. */
        REWRITE
    }

    /** The lock a statement takes on one relation (as written, unquoted: {@code name} or {@code schema.name}). */
    public record TableLock(String relation, LockMode mode, Access access) {
    }

    /**
     * @param kind               what the statement is, in a few words (e.g. {@code ALTER TABLE ... ALTER COLUMN TYPE})
     * @param locks              one per relation, the strongest mode and access the statement takes on it
     * @param recognised         false when the statement's effect is unknown
     * @param outsideTransaction whether it must run outside a transaction block (concurrent index builds)
     * @param suggestion         the pgroll operation that would do the same without blocking, or null
     */
    public record Effect(String kind, List<TableLock> locks, boolean recognised, boolean outsideTransaction,
                         String suggestion) {
        public Effect {
            locks = List.copyOf(locks);
        }
    }

    private static final String IDENT = "(?:\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z0-9_$]*)";
    private static final String QNAME = IDENT + "(?:\\s*\\.\\s*" + IDENT + ")*";
    /** Stands in for a name an EXECUTE computes at run time. */
    private static final String RUN_TIME_NAME = "_x";
    private static final int CI = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;

    private static final Pattern ALTER_TABLE = Pattern.compile(
            "ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?(" + QNAME + ")\\s*\\*?\\s*(.*)", CI);
    private static final Pattern ALTER_RELATION = Pattern.compile(
            "ALTER\\s+(INDEX|VIEW|MATERIALIZED\\s+VIEW|SEQUENCE)\\s+(?:IF\\s+EXISTS\\s+)?(" + QNAME + ")\\s*(.*)", CI);
    private static final Pattern CREATE_INDEX = Pattern.compile("CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(CONCURRENTLY\\s+)?"
            + "(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:" + QNAME + "\\s+)?ON\\s+(?:ONLY\\s+)?(" + QNAME + ")", CI);
    private static final Pattern DROP_INDEX = Pattern.compile(
            "DROP\\s+INDEX\\s+(CONCURRENTLY\\s+)?(?:IF\\s+EXISTS\\s+)?(.*?)\\s*(?:CASCADE|RESTRICT)?\\s*", CI);
    private static final Pattern REINDEX = Pattern.compile(
            "REINDEX\\s+(?:\\([^)]*\\)\\s*)?(INDEX|TABLE)\\s+(CONCURRENTLY\\s+)?(" + QNAME + ")", CI);
    private static final Pattern CREATE_TABLE = Pattern.compile("CREATE\\s+(?:(?:GLOBAL\\s+|LOCAL\\s+)?(?:TEMP|TEMPORARY)"
            + "\\s+|UNLOGGED\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(" + QNAME + ")\\s*(.*)", CI);
    private static final Pattern DROP_RELATIONS = Pattern.compile("(DROP|TRUNCATE)\\s+(TABLE\\s+|VIEW\\s+|"
            + "MATERIALIZED\\s+VIEW\\s+|SEQUENCE\\s+|FOREIGN\\s+TABLE\\s+)?(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?(.*?)"
            + "\\s*(?:CASCADE|RESTRICT|RESTART\\s+IDENTITY|CONTINUE\\s+IDENTITY)*\\s*", CI);
    private static final Pattern TRIGGER = Pattern.compile("(CREATE|DROP)\\s+(?:OR\\s+REPLACE\\s+)?(?:CONSTRAINT\\s+)?"
            + "TRIGGER\\s+(?:IF\\s+EXISTS\\s+)?" + IDENT + "\\s+.*?\\bON\\s+(" + QNAME + ")", CI);
    private static final Pattern VIEW = Pattern.compile("CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TEMP\\s+|TEMPORARY\\s+)?"
            + "(?:RECURSIVE\\s+)?(MATERIALIZED\\s+)?VIEW\\s+.*?\\bAS\\s+(.*)", CI);
    private static final Pattern COMMENT = Pattern.compile("COMMENT\\s+ON\\s+(TABLE|COLUMN|CONSTRAINT|INDEX|VIEW)\\s+"
            + "(" + QNAME + ")(?:\\s+ON\\s+(?:DOMAIN\\s+)?(" + QNAME + "))?\\s+IS\\b.*", CI);
    private static final Pattern INSERT = Pattern.compile("INSERT\\s+INTO\\s+(" + QNAME + ")(.*)", CI);
    private static final Pattern UPDATE = Pattern.compile("UPDATE\\s+(?:ONLY\\s+)?(" + QNAME + ")(.*)", CI);
    private static final Pattern DELETE = Pattern.compile("DELETE\\s+FROM\\s+(?:ONLY\\s+)?(" + QNAME + ")(.*)", CI);
    private static final Pattern MERGE = Pattern.compile("MERGE\\s+INTO\\s+(?:ONLY\\s+)?(" + QNAME + ")(.*)", CI);
    private static final Pattern LOCK = Pattern.compile("LOCK\\s+(?:TABLE\\s+)?(?:ONLY\\s+)?(.*?)"
            + "(?:\\s+IN\\s+(.*?)\\s+MODE)?(?:\\s+NOWAIT)?\\s*", CI);
    private static final Pattern MAINTENANCE = Pattern.compile(
            "(VACUUM|ANALYZE|ANALYSE|CLUSTER)\\s*(?:\\([^)]*\\)\\s*)?((?:FULL|FREEZE|VERBOSE|ANALYZE)\\s+)*(.*)", CI);
    private static final Pattern REFRESH = Pattern.compile(
            "REFRESH\\s+MATERIALIZED\\s+VIEW\\s+(CONCURRENTLY\\s+)?(" + QNAME + ").*", CI);
    private static final Pattern SOURCES = Pattern.compile("\\b(?:FROM|JOIN|USING)\\s+(?:ONLY\\s+|LATERAL\\s+)?"
            + "(?!(?:LATERAL|ONLY|SELECT)\\b)(" + QNAME
            + ")(?![A-Za-z0-9_$\"]|\\s*[.(])", CI);
    private static final Pattern CTE = Pattern.compile("(?:\\bWITH(?:\\s+RECURSIVE)?|,)\\s*(" + IDENT
            + ")\\s*(?:\\([^)]*\\))?\\s+AS\\s*"
            + "(?:(?:NOT\\s+)?MATERIALIZED\\s*)?\\(", CI);
    private static final Pattern REFERENCES = Pattern.compile("\\bREFERENCES\\s+(" + QNAME + ")", CI);
    private static final Pattern NOT_NULL_CHECK = Pattern.compile(
            "CHECK\\s*\\(+\\s*(" + IDENT + ")\\s+IS\\s+NOT\\s+NULL\\s*\\)+(\\s+NOT\\s+VALID)?", CI);
    private static final Pattern VOLATILE_DEFAULT = Pattern.compile("\\bDEFAULT\\b.*\\b(random|clock_timestamp|"
            + "timeofday|gen_random_uuid|uuid_generate_v[14]|nextval|txid_current|statement_timestamp)\\s*\\(", CI);
    private static final Set<String> NO_TABLE_LOCK = Set.of("SET", "RESET", "SHOW", "BEGIN", "START", "COMMIT", "END",
            "ROLLBACK", "SAVEPOINT", "RELEASE", "GRANT", "REVOKE", "NOTIFY", "LISTEN", "DISCARD", "PREPARE",
            "DEALLOCATE");
    private static final Set<String> NO_TABLE_OBJECTS = Set.of("SCHEMA", "FUNCTION", "PROCEDURE", "TYPE", "DOMAIN",
            "EXTENSION", "SEQUENCE", "ROLE", "USER", "COLLATION", "AGGREGATE", "OPERATOR", "CAST", "POLICY");

    private static final String ONLINE_TYPE = "alter_column with \"type\" and \"up\" (adds a new column, backfills it "
            + "in batches and swaps it in on complete)";
    private static final String ONLINE_NOT_NULL = "alter_column with \"nullable\": false and \"up\" (a NOT VALID check, "
            + "validated without blocking writes)";
    private static final String ONLINE_INDEX = "create_index (built CONCURRENTLY, without blocking writes)";

    private final String defaultSchema;

    /** @param defaultSchema the schema unqualified names resolve to; names qualified with it are reported bare */
    public StatementClassifier(String defaultSchema) {
        this.defaultSchema = defaultSchema;
    }

    /** Foreign keys seen so far: constraint name to referenced relation, and relation to the relations it references. */
    private final Map<String, String> foreignKeys = new HashMap<>();
    private final Map<String, Set<String>> referenced = new HashMap<>();
    /** Checks {@code (c IS NOT NULL)}: constraint name to "relation.column", and which of those are validated. */
    private final Map<String, String> notNullChecks = new HashMap<>();
    private final Set<String> provenNotNull = new HashSet<>();

    /** What one statement (without its terminating semicolon) does. */
    public Effect classify(String statement) {
        String s = normalize(statement);
        String first = s.isEmpty() ? "" : s.split("[\\s(]", 2)[0].toUpperCase(Locale.ROOT);
        String second = s.split("\\s+").length > 1 ? s.split("\\s+")[1].toUpperCase(Locale.ROOT) : "";
        Locks locks = new Locks();
        Matcher m;
        if (s.isEmpty() || NO_TABLE_LOCK.contains(first)) {
            return new Effect(first.isEmpty() ? "empty" : first, List.of(), true, false, null);
        }
        if (first.equals("DO")) {
            return doBlock(s);
        }
        if ((m = ALTER_TABLE.matcher(s)).matches()) {
            return alterTable(rel(m.group(1)), m.group(2));
        }
        if ((m = ALTER_RELATION.matcher(s)).matches()) {
            String kind = m.group(1).toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
            boolean light = kind.equals("INDEX") && m.group(3).matches("(?is)(RENAME|SET|RESET)\\b.*");
            locks.add(rel(m.group(2)), light ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE,
                    Access.NONE);
            return locks.effect("ALTER " + kind, null);
        }
        if ((m = CREATE_INDEX.matcher(s)).lookingAt()) {
            boolean concurrently = m.group(1) != null;
            locks.add(rel(m.group(2)), concurrently ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.SHARE, Access.SCAN);
            return new Effect(concurrently ? "CREATE INDEX CONCURRENTLY" : "CREATE INDEX", locks.list(), true,
                    concurrently, concurrently ? null : ONLINE_INDEX);
        }
        if ((m = DROP_INDEX.matcher(s)).matches()) {
            boolean concurrently = m.group(1) != null;
            for (String index : names(m.group(2))) {
                locks.add(index, concurrently ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE, Access.NONE);
            }
            return new Effect(concurrently ? "DROP INDEX CONCURRENTLY" : "DROP INDEX", locks.list(), true, concurrently,
                    concurrently ? null : "drop_index (dropped CONCURRENTLY)");
        }
        if ((m = REINDEX.matcher(s)).lookingAt()) {
            boolean concurrently = m.group(2) != null;
            locks.add(rel(m.group(3)), concurrently ? LockMode.SHARE_UPDATE_EXCLUSIVE
                    : m.group(1).equalsIgnoreCase("TABLE") ? LockMode.SHARE : LockMode.ACCESS_EXCLUSIVE, Access.SCAN);
            return new Effect("REINDEX", locks.list(), true, concurrently, null);
        }
        if ((m = CREATE_TABLE.matcher(s)).matches()) {
            String table = rel(m.group(1));
            for (String target : all(REFERENCES, m.group(2))) {
                if (!target.equals(table)) {
                    locks.add(target, LockMode.SHARE_ROW_EXCLUSIVE, Access.NONE);
                }
                referenced.computeIfAbsent(table, k -> new HashSet<>()).add(target);
            }
            Matcher partition = Pattern.compile("PARTITION\\s+OF\\s+(" + QNAME + ")", CI).matcher(m.group(2));
            if (partition.find()) {
                locks.add(rel(partition.group(1)), LockMode.ACCESS_EXCLUSIVE, Access.NONE);
            }
            sources(m.group(2)).forEach(source -> locks.add(source, LockMode.ACCESS_SHARE, Access.SCAN));
            return locks.effect("CREATE TABLE", null);
        }
        if ((m = TRIGGER.matcher(s)).lookingAt()) {
            boolean create = m.group(1).equalsIgnoreCase("CREATE");
            locks.add(rel(m.group(2)), create ? LockMode.SHARE_ROW_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE,
                    Access.NONE);
            return locks.effect(create ? "CREATE TRIGGER" : "DROP TRIGGER", null);
        }
        if ((first.equals("CREATE") || first.equals("DROP") || first.equals("ALTER"))
                && (NO_TABLE_OBJECTS.contains(second) || s.matches("(?is)CREATE\\s+OR\\s+REPLACE\\s+"
                + "(FUNCTION|PROCEDURE)\\b.*") || s.matches("(?is)CREATE\\s+(UNIQUE\\s+)?(TEMP|TEMPORARY)\\s+SEQUENCE.*"))) {
            return new Effect(first + " " + (second.equals("OR") ? "FUNCTION" : second), List.of(), true, false, null);
        }
        if ((m = VIEW.matcher(s)).matches()) {
            boolean materialized = m.group(1) != null;
            sources(m.group(2)).forEach(t -> locks.add(t, LockMode.ACCESS_SHARE,
                    materialized ? Access.SCAN : Access.NONE));
            return locks.effect(materialized ? "CREATE MATERIALIZED VIEW" : "CREATE VIEW", null);
        }
        if ((m = DROP_RELATIONS.matcher(s)).matches() && (m.group(2) != null || first.equals("TRUNCATE"))) {
            for (String relation : names(m.group(3))) {
                locks.add(relation, LockMode.ACCESS_EXCLUSIVE, Access.NONE);
                if (first.equals("DROP")) {
                    for (String target : referenced.getOrDefault(relation, Set.of())) {
                        locks.add(target, LockMode.ACCESS_EXCLUSIVE, Access.NONE); // its triggers go with the key
                    }
                }
            }
            return locks.effect(first + (m.group(2) == null ? "" : " " + m.group(2).trim().toUpperCase(Locale.ROOT)),
                    null);
        }
        if ((m = COMMENT.matcher(s)).matches()) {
            String object = unquote(m.group(2));
            String kind = m.group(1).toUpperCase(Locale.ROOT);
            String table = local(kind.equals("COLUMN") ? object.substring(0, Math.max(0, object.lastIndexOf('.')))
                    : kind.equals("CONSTRAINT") && m.group(3) != null ? unquote(m.group(3)) : object);
            locks.add(table, LockMode.SHARE_UPDATE_EXCLUSIVE, Access.NONE);
            return locks.effect("COMMENT ON " + kind, null);
        }
        if ((m = INSERT.matcher(s)).matches() || (m = UPDATE.matcher(s)).matches() || (m = DELETE.matcher(s)).matches()
                || (m = MERGE.matcher(s)).matches()) {
            String target = rel(m.group(1));
            sources(m.group(2)).forEach(source -> locks.add(source, LockMode.ACCESS_SHARE, Access.NONE));
            locks.add(target, LockMode.ROW_EXCLUSIVE, first.equals("INSERT") ? Access.NONE : Access.SCAN);
            return locks.effect(first, null);
        }
        if (first.equals("SELECT") || first.equals("WITH") || first.equals("VALUES") || first.equals("TABLE")) {
            // a function the query calls may do more: what the query itself reads is reported
            sources(s).forEach(source -> locks.add(source, LockMode.ACCESS_SHARE, Access.NONE));
            return locks.effect(first, null);
        }
        if ((m = LOCK.matcher(s)).matches() && first.equals("LOCK")) {
            LockMode mode = m.group(2) == null ? LockMode.ACCESS_EXCLUSIVE : LockMode.parse(m.group(2));
            names(m.group(1)).forEach(t -> locks.add(t, mode, Access.NONE));
            return locks.effect("LOCK", null);
        }
        if ((m = MAINTENANCE.matcher(s)).matches()) {
            String command = m.group(1).toUpperCase(Locale.ROOT);
            boolean rewrite = command.equals("CLUSTER") || s.matches("(?is)VACUUM\\s*(\\(.*\\bFULL\\b.*\\)|.*\\bFULL\\b).*");
            for (String t : names(m.group(3).replaceAll("\\(.*", ""))) {
                locks.add(t, rewrite ? LockMode.ACCESS_EXCLUSIVE : LockMode.SHARE_UPDATE_EXCLUSIVE,
                        rewrite ? Access.REWRITE : Access.SCAN);
            }
            return new Effect(rewrite && command.equals("VACUUM") ? "VACUUM FULL" : command, locks.list(), true,
                    command.equals("VACUUM"), null);
        }
        if ((m = REFRESH.matcher(s)).matches()) {
            locks.add(rel(m.group(2)), m.group(1) != null ? LockMode.EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE,
                    Access.REWRITE);
            return locks.effect("REFRESH MATERIALIZED VIEW", null);
        }
        return unknown(first.isEmpty() ? "statement" : first + " " + second);
    }

    /**
     * A DO block is what its statements are: plain ones, those run by {@code EXECUTE} of a literal or of
     * {@code format()} with a literal template (arguments that are not literals stand in as {@link #RUN_TIME_NAME}), and the
     * conditions of IF and FOR; a block with any other dynamic SQL is unknown.
     */
    private Effect doBlock(String s) {
        Matcher quoted = Pattern.compile("DO\\s+(?:LANGUAGE\\s+plpgsql\\s+)?(\\$[A-Za-z0-9_]*\\$)(.*)\\1.*", CI)
                .matcher(s);
        if (!quoted.matches()) {
            return unknown("DO block");
        }
        String body = quoted.group(2).trim().replaceFirst("(?is)^DECLARE\\b.*?\\bBEGIN\\b", "")
                .replaceFirst("(?is)^BEGIN\\b", "").replaceFirst("(?is)\\bEXCEPTION\\s+WHEN\\b.*", "")
                .replaceFirst("(?is)\\s*END\\s*;?\\s*$", "");
        Locks locks = new Locks();
        List<String> kinds = new ArrayList<>();
        for (String piece : splitTopLevel(body, ';')) {
            List<String> statements = new ArrayList<>();
            String t = piece.trim();
            Matcher control;
            while ((control = Pattern.compile("(?:(?:IF|ELSIF|WHILE)\\s+(.*?)\\s+(?:THEN|LOOP)|FOR\\s+\\S+\\s+IN\\s+(.*?)"
                    + "\\s+LOOP|END\\s+IF|END\\s+LOOP|ELSE|LOOP)\\b\\s*(.*)", CI).matcher(t)).matches()) {
                String condition = control.group(1) != null ? control.group(1) : control.group(2);
                if (condition != null) {
                    statements.add(condition.matches("(?is)SELECT\\b.*") ? condition : "SELECT " + condition);
                }
                t = control.group(3).trim();
            }
            if (t.matches("(?is)EXECUTE\\b.*")) {
                String executed = executed(t.substring(7).trim());
                if (executed == null) {
                    return unknown("DO block with dynamic SQL");
                }
                t = executed;
            }
            if (!t.isEmpty() && !t.matches("(?is)(RAISE|NULL|RETURN)\\b.*")) {
                statements.add(t.replaceFirst("(?i)^PERFORM\\b", "SELECT"));
            }
            for (String statement : statements) {
                Effect inner = classify(statement);
                if (!inner.recognised()) {
                    return unknown("DO block (" + inner.kind() + ")");
                }
                kinds.add(inner.kind());
                inner.locks().forEach(l -> locks.add(l.relation(), l.mode(), l.access()));
            }
        }
        return locks.effect("DO block (" + String.join("; ", kinds) + ")", null);
    }

    /** The statement {@code EXECUTE <expression>} runs, when the expression is a literal or format() of one. */
    private static String executed(String expression) {
        Matcher format = Pattern.compile("format\\s*\\((.*)\\)", CI).matcher(expression);
        if (format.matches()) {
            List<String> args = splitTopLevel(format.group(1));
            String template = literal(args.get(0));
            if (template == null) {
                return null;
            }
            StringBuilder out = new StringBuilder();
            Matcher spec = Pattern.compile("%([ILs%])").matcher(template);
            int next = 1;
            while (spec.find()) {
                String value = spec.group(1).equals("%") ? "%" : next < args.size() && literal(args.get(next)) != null
                        ? literal(args.get(next)) : RUN_TIME_NAME;
                next += spec.group(1).equals("%") ? 0 : 1;
                spec.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            spec.appendTail(out);
            return out.toString();
        }
        Matcher plain = Pattern.compile("('(?:[^']|'')*')(?:\\s*\\|\\|.*)?", CI).matcher(expression);
        return plain.matches() ? literal(plain.group(1)) : null;
    }

    /** The text of a SQL string literal, or null for anything else. */
    private static String literal(String token) {
        String t = token.trim();
        return t.length() >= 2 && t.startsWith("'") && t.endsWith("'") && !t.substring(1, t.length() - 1)
                .replace("''", "").contains("'") ? t.substring(1, t.length() - 1).replace("''", "'") : null;
    }

    private Effect alterTable(String table, String actions) {
        Locks locks = new Locks();
        List<String> kinds = new ArrayList<>();
        String suggestion = null;
        for (String action : splitTopLevel(actions)) {
            String a = action.trim();
            String u = a.toUpperCase(Locale.ROOT);
            Matcher m;
            if (u.matches("(?s)ADD\\s+(CONSTRAINT|CHECK|UNIQUE|PRIMARY|FOREIGN|EXCLUDE)\\b.*")) {
                kinds.add("ADD CONSTRAINT");
                suggestion = addConstraint(table, a, locks, suggestion);
            } else if (u.startsWith("ADD")) {
                kinds.add("ADD COLUMN");
                boolean rewrite = VOLATILE_DEFAULT.matcher(a).find() || u.matches("(?s).*\\bGENERATED\\b.*\\bSTORED\\b.*")
                        || u.matches("(?s).*\\bGENERATED\\b.*\\bAS\\s+IDENTITY\\b.*");
                boolean scan = u.matches("(?s).*\\b(NOT\\s+NULL|CHECK|REFERENCES|UNIQUE|PRIMARY\\s+KEY)\\b.*");
                locks.add(table, LockMode.ACCESS_EXCLUSIVE, rewrite ? Access.REWRITE : scan ? Access.SCAN : Access.NONE);
                all(REFERENCES, a).forEach(t -> {
                    locks.add(t, LockMode.SHARE_ROW_EXCLUSIVE, Access.NONE);
                    referenced.computeIfAbsent(table, k -> new HashSet<>()).add(t);
                });
            } else if ((m = Pattern.compile("ALTER\\s+(?:COLUMN\\s+)?(" + IDENT + ")\\s+(.*)", CI).matcher(a)).matches()) {
                String column = unquote(m.group(1));
                String change = m.group(2).toUpperCase(Locale.ROOT);
                if (change.matches("(?s)(SET\\s+DATA\\s+)?TYPE\\b.*")) {
                    kinds.add("ALTER COLUMN TYPE");
                    locks.add(table, LockMode.ACCESS_EXCLUSIVE, Access.REWRITE);
                    suggestion = ONLINE_TYPE;
                } else if (change.matches("(?s)SET\\s+NOT\\s+NULL.*")) {
                    kinds.add("ALTER COLUMN SET NOT NULL");
                    boolean proven = provenNotNull.contains(table + "." + column);
                    locks.add(table, LockMode.ACCESS_EXCLUSIVE, proven ? Access.NONE : Access.SCAN);
                    if (!proven) {
                        suggestion = ONLINE_NOT_NULL;
                    }
                } else if (change.matches("(?s)(SET\\s+STATISTICS|SET\\s*\\(|RESET\\s*\\().*")) {
                    kinds.add("ALTER COLUMN " + change.split("\\s+|\\(")[0]);
                    locks.add(table, LockMode.SHARE_UPDATE_EXCLUSIVE, Access.NONE);
                } else {
                    kinds.add("ALTER COLUMN " + change.split("\\s+")[0] + (change.split("\\s+").length > 1
                            ? " " + change.split("\\s+")[1] : ""));
                    locks.add(table, LockMode.ACCESS_EXCLUSIVE, Access.NONE);
                }
            } else if ((m = Pattern.compile("VALIDATE\\s+CONSTRAINT\\s+(" + IDENT + ")", CI).matcher(a)).matches()) {
                kinds.add("VALIDATE CONSTRAINT");
                String name = unquote(m.group(1));
                locks.add(table, LockMode.SHARE_UPDATE_EXCLUSIVE, Access.SCAN);
                if (foreignKeys.containsKey(name)) {
                    locks.add(foreignKeys.get(name), LockMode.ROW_SHARE, Access.SCAN);
                } else if (name.equals(RUN_TIME_NAME)) {
                    // named at run time, as pgroll's loops over a table's NOT VALID constraints do: any of the table's
                    referenced.getOrDefault(table, Set.of()).forEach(t -> locks.add(t, LockMode.ROW_SHARE, Access.SCAN));
                    notNullChecks.values().stream().filter(c -> c.startsWith(table + ".")).forEach(provenNotNull::add);
                }
                if (notNullChecks.containsKey(name)) {
                    provenNotNull.add(notNullChecks.get(name));
                }
            } else if ((m = Pattern.compile("DROP\\s+CONSTRAINT\\s+(?:IF\\s+EXISTS\\s+)?(" + IDENT + ").*", CI)
                    .matcher(a)).matches()) {
                kinds.add("DROP CONSTRAINT");
                locks.add(table, LockMode.ACCESS_EXCLUSIVE, Access.NONE);
                String target = foreignKeys.get(unquote(m.group(1)));
                if (target != null) {
                    locks.add(target, LockMode.ACCESS_EXCLUSIVE, Access.NONE);
                }
            } else if (u.matches("(?s)(ENABLE|DISABLE)\\s+(ALWAYS\\s+|REPLICA\\s+)?TRIGGER\\b.*")) {
                kinds.add(u.split("\\s+")[0] + " TRIGGER");
                locks.add(table, LockMode.SHARE_ROW_EXCLUSIVE, Access.NONE);
            } else if (u.matches("(?s)(SET\\s*\\(|RESET\\s*\\(|CLUSTER\\s+ON|SET\\s+WITHOUT\\s+CLUSTER|SET\\s+STATISTICS)"
                    + ".*")) {
                kinds.add(u.replaceAll("\\s*\\(.*", "").replaceAll("\\s+", " "));
                locks.add(table, LockMode.SHARE_UPDATE_EXCLUSIVE, Access.NONE);
            } else if (u.matches("(?s)(SET\\s+TABLESPACE|SET\\s+LOGGED|SET\\s+UNLOGGED|SET\\s+ACCESS\\s+METHOD)\\b.*")) {
                kinds.add(u.split("\\s+")[0] + " " + u.split("\\s+")[1]);
                locks.add(table, LockMode.ACCESS_EXCLUSIVE, Access.REWRITE);
            } else if (u.matches("(?s)(ATTACH|DETACH)\\s+PARTITION\\s+.*")) {
                kinds.add(u.split("\\s+")[0] + " PARTITION");
                locks.add(table, LockMode.ACCESS_EXCLUSIVE, Access.NONE);
                String partition = rel(a.trim().split("\\s+")[2]);
                locks.add(partition, LockMode.ACCESS_EXCLUSIVE, u.startsWith("ATTACH") ? Access.SCAN : Access.NONE);
            } else if ((m = Pattern.compile("RENAME\\s+(?:COLUMN\\s+)?(" + IDENT + ")\\s+TO\\s+(" + IDENT + ")", CI)
                    .matcher(a)).matches() && !u.startsWith("RENAME CONSTRAINT")) {
                kinds.add("RENAME COLUMN");
                locks.add(table, LockMode.ACCESS_EXCLUSIVE, Access.NONE);
                String from = table + "." + unquote(m.group(1));
                String to = table + "." + unquote(m.group(2));
                notNullChecks.replaceAll((name, column) -> column.equals(from) ? to : column);
                if (provenNotNull.remove(from)) {
                    provenNotNull.add(to);
                }
            } else {
                // RENAME, DROP COLUMN, REPLICA IDENTITY, OWNER TO, SET SCHEMA, ROW LEVEL SECURITY...: ACCESS EXCLUSIVE is
                // the strongest lock ALTER TABLE takes, so this never under-reports
                String[] words = u.split("\\s+");
                kinds.add(words[0] + (words.length > 1 && !words[1].startsWith("\"") ? " " + words[1] : ""));
                locks.add(table, LockMode.ACCESS_EXCLUSIVE, Access.NONE);
            }
        }
        return locks.effect("ALTER TABLE ... " + String.join(", ", new java.util.LinkedHashSet<>(kinds)), suggestion);
    }

    private String addConstraint(String table, String action, Locks locks, String suggestion) {
        Matcher named = Pattern.compile("ADD\\s+CONSTRAINT\\s+(" + IDENT + ")\\s+(.*)", CI).matcher(action);
        String name = named.matches() ? unquote(named.group(1)) : null;
        String body = named.matches() ? named.group(2) : action.replaceFirst("(?i)^ADD\\s+", "");
        String u = body.toUpperCase(Locale.ROOT);
        boolean notValid = u.matches("(?s).*\\bNOT\\s+VALID\\s*");
        if (u.startsWith("FOREIGN")) {
            String target = all(REFERENCES, body).stream().findFirst().orElse(table);
            locks.add(table, LockMode.SHARE_ROW_EXCLUSIVE, notValid ? Access.NONE : Access.SCAN);
            locks.add(target, LockMode.SHARE_ROW_EXCLUSIVE, Access.NONE);
            if (name != null) {
                foreignKeys.put(name, target);
            }
            referenced.computeIfAbsent(table, k -> new HashSet<>()).add(target);
            return notValid ? suggestion : "create_constraint with \"type\": \"foreign_key\" (added NOT VALID, then "
                    + "validated without blocking writes)";
        }
        if (u.startsWith("CHECK")) {
            locks.add(table, LockMode.ACCESS_EXCLUSIVE, notValid ? Access.NONE : Access.SCAN);
            Matcher check = NOT_NULL_CHECK.matcher(body);
            if (check.lookingAt() && name != null) {
                notNullChecks.put(name, table + "." + unquote(check.group(1)));
                if (!notValid) {
                    provenNotNull.add(table + "." + unquote(check.group(1)));
                }
            }
            return notValid ? suggestion : "create_constraint with \"type\": \"check\" (added NOT VALID, then validated "
                    + "without blocking writes)";
        }
        boolean usingIndex = u.matches("(?s).*\\bUSING\\s+INDEX\\s+" + IDENT + "\\s*(DEFERRABLE.*|INITIALLY.*|NOT\\s+"
                + "DEFERRABLE.*)?");
        locks.add(table, LockMode.ACCESS_EXCLUSIVE, usingIndex ? Access.NONE : Access.SCAN);
        return usingIndex ? suggestion : "create_constraint with \"type\": \"unique\" (index built CONCURRENTLY first)";
    }

    private static Effect unknown(String kind) {
        return new Effect(kind, List.of(), false, false, null);
    }

    /** The strongest lock and access per relation, in the order first seen. */
    private static final class Locks {
        private final Map<String, TableLock> byRelation = new LinkedHashMap<>();

        void add(String relation, LockMode mode, Access access) {
            if (relation.startsWith("pg_") || relation.startsWith("information_schema.")) {
                return; // the system catalogs: read under ACCESS SHARE, which blocks no client
            }
            byRelation.merge(relation, new TableLock(relation, mode, access), (a, b) -> new TableLock(relation,
                    a.mode().compareTo(b.mode()) >= 0 ? a.mode() : b.mode(),
                    a.access().compareTo(b.access()) >= 0 ? a.access() : b.access()));
        }

        List<TableLock> list() {
            return List.copyOf(byRelation.values());
        }

        Effect effect(String kind, String suggestion) {
            return new Effect(kind, list(), true, false, suggestion);
        }
    }

    /** The text with comments removed and white space collapsed; a trailing semicolon is dropped. */
    static String normalize(String sql) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end;
                out.append(' ');
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (c == '\'' || c == '"') {
                int end = i + 1;
                while (end < n && (sql.charAt(end) != c || end + 1 < n && sql.charAt(end + 1) == c)) {
                    end += sql.charAt(end) == c ? 2 : 1;
                }
                out.append(sql, i, Math.min(n, end + 1));
                i = end + 1;
            } else {
                out.append(Character.isWhitespace(c) ? ' ' : c);
                i++;
            }
        }
        String s = out.toString().replaceAll(" +", " ").trim();
        return s.endsWith(";") ? s.substring(0, s.length() - 1).trim() : s;
    }

    /** Splits at commas outside parentheses and quotes. */
    static List<String> splitTopLevel(String text) {
        return splitTopLevel(text, ',');
    }

    /** Splits at {@code separator} outside parentheses and quotes. */
    private static List<String> splitTopLevel(String text, char separator) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == separator && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts.stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
    }

    private List<String> names(String list) {
        return splitTopLevel(list).stream().map(this::rel).toList();
    }

    /** The relations a query reads (after FROM, JOIN, USING), without the names of its own WITH queries. */
    private List<String> sources(String query) {
        query = query.replaceAll("'(?:[^']|'')*'", "''"); // a literal's words are not the query's
        List<String> sources = all(SOURCES, query);
        Matcher cte = CTE.matcher(query);
        while (cte.find()) {
            sources.remove(rel(cte.group(1)));
        }
        return sources;
    }

    private List<String> all(Pattern pattern, String text) {
        List<String> out = new ArrayList<>();

        Matcher m = pattern.matcher(text);
        while (m.find()) {
            String name = rel(m.group(1));
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** A relation's name, unquoted, without the default schema. */
    private String rel(String qualifiedName) {
        return local(unquote(qualifiedName));
    }

    private String local(String name) {
        return defaultSchema != null && name.startsWith(defaultSchema + ".") ? name.substring(defaultSchema.length() + 1)
                : name;
    }

    /** {@code "My Schema".Tab} to {@code My Schema.tab}: quotes removed, unquoted parts folded to lower case. */
    static String unquote(String qualifiedName) {
        StringBuilder out = new StringBuilder();
        String s = qualifiedName.trim();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                int end = i + 1;
                StringBuilder part = new StringBuilder();
                while (end < s.length()) {
                    if (s.charAt(end) == '"' && end + 1 < s.length() && s.charAt(end + 1) == '"') {
                        part.append('"');
                        end += 2;
                    } else if (s.charAt(end) == '"') {
                        break;
                    } else {
                        part.append(s.charAt(end++));
                    }
                }
                out.append(part);
                i = end + 1;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else {
                out.append(c == '.' ? '.' : Character.toLowerCase(c));
                i++;
            }
        }
        return out.toString();
    }
}
