package io.pgroll.core.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgroll.core.db.SqlScript;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationReader;
import io.pgroll.core.migration.Operation;
import io.pgroll.core.plan.Catalog;
import io.pgroll.core.plan.PlanContext;
import io.pgroll.core.plan.Step;
import io.pgroll.core.schema.Schema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden plans without a database, one or more for each of the 15 operations: each operation plans its start, complete and rollback on a {@link PlanContext}
 * over a schema fixture (authors and books as read_schema describes them, in {@code plan-golden/schema.json}), and
 * every statement is classified. The result, one line per statement ({@code kind | locks}), must match
 * {@code plan-golden/<name>.txt}; run with {@code -Dpgroll.golden.update=true} to rewrite the files after a deliberate
 * change, and review the diff.
 */
class OperationPlanGoldenTest {
    private static final Path DIR = Path.of("src", "test", "resources", "plan-golden");

    /** One migration per case, named after what it shows. */
    private static final Map<String, String> CASES = new TreeMap<>(Map.ofEntries(
            Map.entry("add_column_not_null", """
                    {"operations":[{"add_column":{"table":"books","up":"0","column":{"name":"pages","type":"integer",
                    "nullable":false}}}]}"""),
            Map.entry("alter_column_type", """
                    {"operations":[{"alter_column":{"table":"books","column":"price","type":"bigint",
                    "up":"(price * 100)::bigint","down":"price / 100"}}]}"""),
            Map.entry("create_index", """
                    {"operations":[{"create_index":{"name":"books_title_idx","table":"books","columns":[{"column":"title"}]}}]}"""),
            Map.entry("create_constraint_check", """
                    {"operations":[{"create_constraint":{"name":"title_length","table":"books","type":"check",
                    "columns":["title"],"check":"length(title) > 0","up":{"title":"title"},"down":{"title":"title"}}}]}"""),
            Map.entry("create_table", """
                    {"operations":[{"create_table":{"name":"loans","columns":[{"name":"id","type":"serial","pk":true},
                    {"name":"book_id","type":"integer","references":{"name":"loans_book_fk","table":"books",
                    "column":"id"}}]}}]}"""),
            Map.entry("drop_column", """
                    {"operations":[{"drop_column":{"table":"books","column":"published","down":"false"}}]}"""),
            Map.entry("drop_constraint", """
                    {"operations":[{"drop_constraint":{"table":"books","name":"books_price_check","up":"price",
                    "down":"price"}}]}"""),
            Map.entry("drop_multicolumn_constraint", """
                    {"operations":[{"drop_multicolumn_constraint":{"table":"authors","name":"authors_email_key",
                    "up":{"email":"email"},"down":{"email":"email || '-' || id"}}}]}"""),
            Map.entry("drop_table", """
                    {"operations":[{"drop_table":{"name":"books"}}]}"""),
            Map.entry("drop_index", """
                    {"operations":[{"drop_index":{"name":"books_author_idx"}}]}"""),
            Map.entry("rename_column", """
                    {"operations":[{"rename_column":{"table":"authors","from":"name","to":"full_name"}}]}"""),
            Map.entry("rename_constraint", """
                    {"operations":[{"rename_constraint":{"table":"books","from":"books_price_check",
                    "to":"books_price_positive"}}]}"""),
            Map.entry("rename_table", """
                    {"operations":[{"rename_table":{"from":"authors","to":"writers"}}]}"""),
            Map.entry("set_replica_identity", """
                    {"operations":[{"set_replica_identity":{"table":"books","identity":{"type":"full"}}}]}"""),
            Map.entry("sql_type_change", """
                    {"operations":[{"sql":{"up":"ALTER TABLE books ALTER COLUMN price TYPE numeric(10,2)"}}]}""")));

    @TestFactory
    Stream<DynamicTest> goldenPlans() {
        return CASES.entrySet().stream().map(c -> DynamicTest.dynamicTest(c.getKey(), () -> {
            String actual = plan(MigrationReader.parse("02_" + c.getKey() + ".json", c.getValue()));
            Path golden = DIR.resolve(c.getKey() + ".txt");
            if (Boolean.getBoolean("pgroll.golden.update")) {
                Files.writeString(golden, actual);
            }
            assertEquals(Files.readString(golden), actual, "plan of " + c.getKey());
        }));
    }

    /** The three phases as pgroll's runners plan them, offline. */
    static String plan(Migration m) {
        StatementClassifier classifier = new StatementClassifier("public");
        classifier.classify("ALTER TABLE books ADD CONSTRAINT books_author_id_fkey FOREIGN KEY (author_id) REFERENCES "
                + "authors (id)");
        PlanContext ctx = context(m);
        List<Schema.NameSnapshot> names = new ArrayList<>();
        StringBuilder out = new StringBuilder("start\n");
        for (Operation op : m.operations()) {
            op.start(ctx);
            names.add(ctx.schema().snapshotNames());
            describe(ctx.drainSteps(), classifier, out);
        }
        out.append("complete\n");
        for (int i = 0; i < m.operations().size(); i++) {
            ctx.resolveNamesAs(names.get(i));
            m.operations().get(i).complete(ctx);
            describe(ctx.drainSteps(), classifier, out);
        }
        out.append("rollback\n");
        PlanContext undo = context(m);
        for (Operation op : m.operations()) {
            op.start(undo);
        }
        undo.drainSteps();
        for (int i = m.operations().size() - 1; i >= 0; i--) {
            undo.resolveNamesAs(names.get(i));
            m.operations().get(i).rollback(undo);
            describe(undo.drainSteps(), classifier, out);
        }
        return out.toString();
    }

    private static PlanContext context(Migration m) {
        try {
            String json = Files.readString(DIR.resolve("schema.json"), StandardCharsets.UTF_8);
            return new PlanContext(Schema.fromJson("public", json), "public", "public_" + m.version(), Catalog.OFFLINE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void describe(List<Step> steps, StatementClassifier classifier, StringBuilder out) {
        for (Step step : steps) {
            for (String script : step.statements()) {
                for (String sql : SqlScript.split(script)) {
                    StatementClassifier.Effect e = classifier.classify(sql);
                    out.append("  ").append(e.recognised() ? e.kind() : "unknown " + e.kind())
                            .append(e.outsideTransaction() ? " (outside a transaction)" : "").append(" | ")
                            .append(e.locks().stream().map(l -> l.mode().sqlName() + " " + l.relation()
                                    + (l.access() == StatementClassifier.Access.NONE ? "" : " " + l.access()))
                                    .collect(Collectors.joining(", "))).append('\n');
                }
            }
        }
    }
}
