package io.pgroll.core.plan;

import io.pgroll.core.db.Sql;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders the row triggers that keep old and new columns in step. An UP trigger runs the user's {@code up}
 * expression for writers that are not on the new version (including backfill and clients on the base schema); a
 * DOWN trigger runs {@code down} for writers on the new version. The expression sees every column of the row as a
 * variable named by its virtual name, so users write it in terms of the columns they know.
 */
public final class Triggers {

    private Triggers() {
    }

    public static List<Step> plan(List<TriggerSpec> triggers, String targetSchema, String versionSchema) {
        List<Step> steps = new ArrayList<>();
        for (TriggerSpec t : triggers) {
            String function = Sql.qualified(targetSchema, t.name());
            steps.add(Step.sql(functionSql(t, targetSchema, versionSchema),
                    "CREATE OR REPLACE TRIGGER " + Sql.ident(t.name()) + " BEFORE UPDATE OR INSERT ON "
                            + Sql.qualified(targetSchema, t.physicalTable()) + " FOR EACH ROW EXECUTE FUNCTION "
                            + function + "()"));
        }
        return steps;
    }

    static String functionSql(TriggerSpec t, String targetSchema, String versionSchema) {
        StringBuilder body = new StringBuilder("#variable_conflict use_variable\nDECLARE\n");
        for (Map.Entry<String, String> v : t.variables().entrySet()) {
            body.append("  ").append(Sql.ident(v.getKey())).append(' ')
                    .append(Sql.qualified(targetSchema, t.physicalTable())).append('.').append(Sql.ident(v.getValue()))
                    .append("%TYPE := NEW.").append(Sql.ident(v.getValue())).append(";\n");
        }
        String onNewVersion = "current_setting('search_path') IN (" + Sql.literal(versionSchema) + ", "
                + Sql.literal(Sql.ident(versionSchema)) + ")";
        body.append("BEGIN\n  IF ").append(t.direction() == TriggerSpec.Direction.UP ? "NOT " : "")
                .append(onNewVersion).append(" THEN\n    NEW.").append(Sql.ident(t.targetColumn())).append(" := ")
                .append(Sql.parenthesize(t.expression())).append(";\n  END IF;\n  RETURN NEW;\nEND;\n");
        String tag = dollarTag(body.toString());
        return "CREATE OR REPLACE FUNCTION " + Sql.qualified(targetSchema, t.name()) + "() RETURNS trigger "
                + "LANGUAGE plpgsql AS " + tag + "\n" + body + tag;
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
