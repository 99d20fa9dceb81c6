package io.pgroll.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.pgroll.core.db.Sql;
import io.pgroll.core.explain.LockMode;
import io.pgroll.core.explain.MigrationPlan;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationReader;
import io.pgroll.core.migration.OperationType;
import io.pgroll.core.testing.CatalogSnapshot;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Plans every migration of examples/ (then examples/postgres15/ on servers that have it) after applying the ones
 * before it, and checks that the plan
 * <ul>
 *   <li>changes nothing: the catalog snapshot and the state's migration rows are the same before and after;</li>
 *   <li>never under-reports a lock: the planned start statements run one by one in a transaction that is rolled
 *   back, and after each, every lock it newly holds on a table of the target schema (from {@code pg_locks}) must be
 *   reported on that table at the same mode or a stronger one.</li>
 * </ul>
 * The examples use every operation type, which the last test checks. The tables are empty (no backfill is run);
 * concurrent index builds, which cannot run in a transaction block, run without CONCURRENTLY and their locks are not
 * compared (the plan reports SHARE UPDATE EXCLUSIVE, as documented).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplesPlanTest {
    private Harness h;
    private boolean stopped;
    private final Set<String> operationTypes = new TreeSet<>();

    @BeforeAll
    void freshDatabase() {
        h = Harness.create();
    }

    @TestFactory
    Stream<DynamicTest> planEveryExample() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Migration m : MigrationReader.readDirectory(ExamplesReplayTest.examplesDir())) {
            tests.add(DynamicTest.dynamicTest(m.name(), () -> planThenApply(m, 0)));
        }
        for (Migration m : MigrationReader.readDirectory(ExamplesReplayTest.examplesDir().resolve("postgres15"))) {
            tests.add(DynamicTest.dynamicTest("postgres15/" + m.name(), () -> planThenApply(m, 150000)));
        }
        tests.add(DynamicTest.dynamicTest("the examples use every operation type", () -> assertEquals(
                Arrays.stream(OperationType.values()).map(OperationType::key).collect(Collectors.toCollection(TreeSet::new)),
                operationTypes)));
        return tests.stream();
    }

    private void planThenApply(Migration m, int minimumServerVersion) throws SQLException {
        Assumptions.assumeFalse(stopped, "an earlier example failed");
        Assumptions.assumeTrue(h.serverVersionNum() >= minimumServerVersion);
        stopped = true;
        List<String> before = CatalogSnapshot.of(h);
        String stateBefore = stateRows();
        MigrationPlan plan = h.roll.plan(m, StartOptions.defaults());
        assertEquals(before, CatalogSnapshot.of(h), "plan changed the catalog");
        assertEquals(stateBefore, stateRows(), "plan changed pgroll's state");
        assertEquals(List.of("start", "complete", "rollback"), plan.phases().stream().map(MigrationPlan.Phase::name)
                .toList());
        assertFalse(plan.phases().get(0).statements().isEmpty());
        checkLocks(plan.phases().get(0));
        m.operations().forEach(op -> operationTypes.add(op.key()));
        h.roll.start(m, StartOptions.defaults());
        h.roll.complete();
        stopped = false;
    }

    private String stateRows() {
        return h.query("public", "SELECT name, done FROM pgroll.migrations ORDER BY name").toString();
    }

    /** Runs the start statements in one rolled-back transaction, comparing each one's new locks with the plan's. */
    private void checkLocks(MigrationPlan.Phase start) throws SQLException {
        try (Connection c = TestPostgres.connect(h.url); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + Sql.ident(h.schema));
            s.execute("SET pgroll.no_inferred_migrations = 'TRUE'");
            Map<String, String> tables = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT c.oid::text, c.relname FROM pg_class c JOIN pg_namespace n ON "
                    + "n.oid = c.relnamespace WHERE n.nspname = " + Sql.literal(h.schema) + " AND c.relkind IN ('r', 'p')")) {
                while (rs.next()) {
                    tables.put(rs.getString(1), rs.getString(2));
                }
            }
            c.setAutoCommit(false);
            try {
                List<String> problems = new ArrayList<>();
                for (MigrationPlan.Statement planned : start.statements()) {
                    String sql = planned.sql();
                    boolean concurrent = sql.matches("(?is)(CREATE\\s+(UNIQUE\\s+)?INDEX|DROP\\s+INDEX)\\s+CONCURRENTLY.*");
                    Set<String> held = locks(s);
                    try {
                        s.execute(concurrent ? sql.replaceFirst("(?i)\\s+CONCURRENTLY", "") : sql);
                    } catch (SQLException e) {
                        fail("planned statement failed: " + sql + ": " + e.getMessage());
                    }
                    if (concurrent) {
                        continue;
                    }
                    Set<String> taken = locks(s);
                    taken.removeAll(held);
                    for (String lock : taken) {
                        String[] oidAndMode = lock.split(" ");
                        String table = tables.get(oidAndMode[0]);
                        if (table == null) {
                            continue; // created by this transaction, or not a table of the target schema
                        }
                        LockMode actual = LockMode.parse(oidAndMode[1]);
                        MigrationPlan.RelationLock reported = planned.locks().stream()
                                .filter(l -> table.equals(l.table())).findFirst().orElse(null);
                        if (reported == null || reported.mode().compareTo(actual) < 0) {
                            problems.add(sql.lines().findFirst().orElse("") + ": takes " + actual + " on " + table
                                    + ", plan reports " + (reported == null ? "nothing" : reported.mode()));
                        }
                    }
                }
                assertEquals(List.of(), problems, "locks under-reported");
            } finally {
                c.rollback();
            }
        }
    }

    private static Set<String> locks(Statement s) throws SQLException {
        Set<String> out = new HashSet<>();
        try (ResultSet rs = s.executeQuery("SELECT relation::text, mode FROM pg_locks WHERE pid = pg_backend_pid() "
                + "AND locktype = 'relation' AND granted")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return out;
    }
}
