package io.pgroll.core.plan;

import io.pgroll.core.db.Sql;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the row triggers that keep old and new columns in step. An UP trigger runs the user's {@code up}
 * expression for writers that are not on the new version (including clients on the base schema); a DOWN trigger
 * runs {@code down} for writers on the new version. Exactly one of the two acts on any write.
 *
 * <p>Which one acts is decided once per statement, not per row: each trigger's WHEN clause compares
 * {@link #DIRECTION_FUNCTION}, a function of the writing session's settings, with its direction. The function is
 * declared IMMUTABLE, which it is not: PostgreSQL prepares a trigger's WHEN clause afresh for each statement and folds
 * an immutable call with constant arguments into a constant there, so the direction is read from the session once per
 * statement and every row of it pays only for a constant qual. Nothing else calls the function, and the WHEN clause
 * is not prepared ahead of the statement (not when the trigger is created, not in a cached plan), so the fold never
 * outlives a statement; were it not folded, it would be evaluated per row with the same answer. Deciding the
 * direction per row with {@code current_setting} cost a bulk update through the old version about 5% of its time
 * (1M rows, PG 17). Every row trigger still costs an updated row a tuple lock, whatever its WHEN says.
 *
 * <p>The trigger function assigns with the expression's column names bound to {@code NEW}, so a write pays one
 * expression evaluation and no per-column declarations. The backfill session sets {@link #BACKFILL_SETTING}: it writes
 * the up values itself, in the UPDATE, and the triggers stand aside (the direction is then {@code none}).
 *
 * <p>The trigger functions are STABLE: PL/pgSQL then evaluates the expression under the writing statement's snapshot
 * instead of taking a fresh snapshot and a command counter increment for it. A STABLE function may still call volatile
 * ones (sequences, random); what changes is that a subquery in {@code up} or {@code down} sees the database as the
 * writing statement does, as the backfill's UPDATE does too.
 */
public final class Triggers {

    /** Custom setting that the backfill session turns on so that UP triggers do not recompute what it writes. */
    public static final String BACKFILL_SETTING = "pgroll.backfill";

    /** Function in the target schema that tells a statement's direction: {@code up}, {@code down} or {@code none}. */
    public static final String DIRECTION_FUNCTION = Names.PREFIX + "sync_direction";

    private Triggers() {
    }

    /**
     * The direction function and each trigger's function and trigger, created or replaced in one transaction (so
     * that no write sees the up trigger of a column without its down trigger).
     */
    public static Step step(String targetSchema, String versionSchema, TriggerSpec... triggers) {
        List<String> statements = new ArrayList<>(directionFunction(targetSchema));
        for (TriggerSpec t : triggers) {
            statements.addAll(trigger(t, targetSchema, versionSchema));
        }
        return Step.sql(statements.toArray(String[]::new));
    }

    /** Drops the direction function once no trigger uses it (complete and rollback drop the triggers first). */
    public static String dropDirectionFunction(String targetSchema) {
        return "DROP FUNCTION IF EXISTS " + Sql.qualified(targetSchema, DIRECTION_FUNCTION) + "(text)";
    }

    private static List<String> directionFunction(String targetSchema) {
        String function = Sql.qualified(targetSchema, DIRECTION_FUNCTION);
        return List.of("CREATE OR REPLACE FUNCTION " + function + "(version_schema text) RETURNS text "
                        + "LANGUAGE plpgsql IMMUTABLE AS $pgroll$\nBEGIN\n"
                        + "  IF current_setting(" + Sql.literal(BACKFILL_SETTING) + ", true) = 'on' THEN\n"
                        + "    RETURN 'none';\n"
                        + "  ELSIF (current_schemas(false))[1] = version_schema THEN\n"
                        + "    RETURN 'down';\n"
                        + "  END IF;\n  RETURN 'up';\nEND;\n$pgroll$",
                "GRANT EXECUTE ON FUNCTION " + function + "(text) TO PUBLIC");
    }

    private static List<String> trigger(TriggerSpec t, String targetSchema, String versionSchema) {
        String function = "BEGIN\n  " + assignment(t) + "\n  RETURN NEW;\nEND;";
        String direction = t.direction() == TriggerSpec.Direction.DOWN ? "down" : "up";
        // Names in the expression resolve in the target schema whatever the writer's search_path (an old client's
        // path holds only views). A SET clause costs every row a save and restore of the setting, so an expression
        // that names nothing outside pg_catalog goes without.
        String path = t.anyPath() ? "" : " SET search_path = " + Sql.ident(targetSchema);
        return List.of(runs(t, targetSchema),
                "CREATE OR REPLACE FUNCTION " + Sql.qualified(targetSchema, t.name()) + "() RETURNS trigger "
                        + "LANGUAGE plpgsql STABLE" + path + " AS " + Sql.dollarQuote(function),
                "CREATE OR REPLACE TRIGGER " + Sql.ident(t.name()) + " BEFORE UPDATE OR INSERT ON "
                        + Sql.qualified(targetSchema, t.physicalTable()) + " FOR EACH ROW WHEN ("
                        + Sql.qualified(targetSchema, DIRECTION_FUNCTION) + "(" + Sql.literal(versionSchema) + ") = "
                        + Sql.literal(direction) + ") EXECUTE FUNCTION " + Sql.qualified(targetSchema, t.name()) + "()");
    }

    /**
     * A check that the trigger's expression runs (its names resolve and its types fit), so that a start fails rather
     * than every write of the other version afterwards. Planning the query is enough; no row is read.
     */
    private static String runs(TriggerSpec t, String targetSchema) {
        String what = (t.direction() == TriggerSpec.Direction.DOWN ? "down" : "up") + " expression for column \""
                + t.column() + "\" of table \"" + t.physicalTable() + "\"";
        return "DO " + Sql.dollarQuote("BEGIN\n  PERFORM " + bind(t.expression(), t.variables(), "r.") + " FROM "
                + Sql.qualified(targetSchema, t.physicalTable()) + " AS r LIMIT 0;\nEXCEPTION WHEN OTHERS THEN\n"
                + "  RAISE EXCEPTION '% cannot run: %', " + Sql.literal(what) + ", SQLERRM USING ERRCODE = SQLSTATE;\nEND;");
    }

    private static String assignment(TriggerSpec t) {
        return "NEW." + Sql.ident(t.targetColumn()) + " := " + bind(t.expression(), t.variables(), "NEW.") + ";";
    }

    /**
     * The expression, parenthesised, with every column name the author used (virtual names) replaced by the
     * physical column of the row, prefixed with {@code rowPrefix} ({@code NEW.} in a trigger, a table alias in the
     * backfill's UPDATE).
     */
    public static String bind(String expression, Map<String, String> columns, String rowPrefix) {
        Map<String, String> values = new LinkedHashMap<>();
        columns.forEach((virtual, physical) -> values.put(virtual, rowPrefix + Sql.ident(physical)));
        return substitute(expression, values);
    }

    /**
     * The expression with each column typed but valueless, to find out whether it resolves on a search_path that holds
     * nothing but pg_catalog (see {@link Catalog#resolvesInCatalogOnly}).
     */
    public static String probe(TriggerSpec t) {
        Map<String, String> values = new LinkedHashMap<>();
        t.columns().types().forEach((virtual, type) -> values.put(virtual, "CAST(NULL AS " + type + ")"));
        return substitute(t.expression(), values);
    }

    /** The expression, parenthesised, with each column name replaced by the SQL given for it. */
    private static String substitute(String expression, Map<String, String> values) {
        String bound = expression;
        // Bind to placeholders first so that one column's replacement is never mistaken for another's name.
        List<String> placeholders = new ArrayList<>();
        int i = 0;
        for (String column : values.keySet()) {
            String placeholder = "__pgroll_column_" + i++ + "__";
            String next = Sql.replaceIdentifier(bound, column, placeholder);
            if (!next.equals(bound)) {
                placeholders.add(placeholder);
                bound = next;
            } else {
                placeholders.add(null);
            }
        }
        i = 0;
        for (String value : values.values()) {
            String placeholder = placeholders.get(i++);
            if (placeholder != null) {
                bound = bound.replace(placeholder, value);
            }
        }
        return Sql.parenthesize(bound);
    }
}
