package io.pgroll.core.plan;

import io.pgroll.core.db.Sql;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders the row triggers that keep old and new columns in step. An UP trigger runs the user's {@code up}
 * expression for writers that are not on the new version (including clients on the base schema); a DOWN trigger
 * runs {@code down} for writers on the new version. Exactly one of the two fires for any write.
 *
 * <p>The trigger's WHEN clause decides, without entering the function, whether the writer's version needs it; the
 * function body is a single assignment with the expression's column names bound to {@code NEW}, so a write pays one
 * expression evaluation and no per-column declarations. The backfill session sets {@link #BACKFILL_SETTING}: it
 * writes the up values itself, in the UPDATE, and the triggers stand aside.
 */
public final class Triggers {

    /** Custom setting that the backfill session turns on so that UP triggers do not recompute what it writes. */
    public static final String BACKFILL_SETTING = "pgroll.backfill";

    private Triggers() {
    }

    /** The function and the trigger, created or replaced in one transaction. */
    public static Step step(TriggerSpec t, String targetSchema, String versionSchema) {
        return Step.sql(functionSql(t, targetSchema),
                "CREATE OR REPLACE TRIGGER " + Sql.ident(t.name()) + " BEFORE UPDATE OR INSERT ON "
                        + Sql.qualified(targetSchema, t.physicalTable()) + " FOR EACH ROW WHEN ("
                        + condition(t.direction(), versionSchema) + ") EXECUTE FUNCTION "
                        + Sql.qualified(targetSchema, t.name()) + "()");
    }

    /** Whether a write comes from a client of the new version: its search_path is exactly the version schema. */
    static String condition(TriggerSpec.Direction direction, String versionSchema) {
        String onNewVersion = "current_setting('search_path') IN (" + Sql.literal(versionSchema) + ", "
                + Sql.literal(Sql.ident(versionSchema)) + ")";
        // The backfill setting is tested first: during a backfill every row then costs one setting lookup.
        String notBackfill = "current_setting(" + Sql.literal(BACKFILL_SETTING) + ", true) IS DISTINCT FROM 'on'";
        return notBackfill + " AND " + (direction == TriggerSpec.Direction.DOWN ? "" : "NOT ") + onNewVersion;
    }

    static String functionSql(TriggerSpec t, String targetSchema) {
        String body = "BEGIN\n  NEW." + Sql.ident(t.targetColumn()) + " := "
                + bind(t.expression(), t.variables(), "NEW.") + ";\n  RETURN NEW;\nEND;";
        String tag = dollarTag(body);
        return "CREATE OR REPLACE FUNCTION " + Sql.qualified(targetSchema, t.name()) + "() RETURNS trigger "
                + "LANGUAGE plpgsql AS " + tag + "\n" + body + "\n" + tag;
    }

    /**
     * The expression, parenthesised, with every column name the author used (virtual names) replaced by the
     * physical column of the row, prefixed with {@code rowPrefix} ({@code NEW.} in a trigger, a table alias in the
     * backfill's UPDATE).
     */
    public static String bind(String expression, Map<String, String> columns, String rowPrefix) {
        String bound = expression;
        // Bind to placeholders first so that one column's physical name is never mistaken for another's virtual name.
        List<String> placeholders = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, String> c : columns.entrySet()) {
            String placeholder = "__pgroll_column_" + i++ + "__";
            String next = Sql.replaceIdentifier(bound, c.getKey(), placeholder);
            if (!next.equals(bound)) {
                placeholders.add(placeholder);
                bound = next;
            } else {
                placeholders.add(null);
            }
        }
        i = 0;
        for (Map.Entry<String, String> c : columns.entrySet()) {
            String placeholder = placeholders.get(i++);
            if (placeholder != null) {
                bound = bound.replace(placeholder, rowPrefix + Sql.ident(c.getValue()));
            }
        }
        return Sql.parenthesize(bound);
    }

    /** A dollar-quote tag that does not occur in the body. */
    private static String dollarTag(String body) {
        String tag = "$pgroll$";
        for (int i = 0; body.contains(tag); i++) {
            tag = "$pgroll" + i + "$";
        }
        return tag;
    }
}
