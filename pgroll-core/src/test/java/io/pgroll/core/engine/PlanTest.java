package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.explain.LockMode;
import io.pgroll.core.explain.MigrationPlan;
import io.pgroll.core.explain.StatementClassifier.Access;
import io.pgroll.core.testing.CatalogSnapshot;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code plan} against a database: sizes from the statistics, the backfill, raw SQL, and that nothing changes. */
class PlanTest extends HarnessTest {
    @BeforeEach
    void setUp() {
        h.startAndComplete("01_big", """
                {"operations":[{"create_table":{"name":"big","columns":[{"name":"id","type":"bigint","pk":true},
                {"name":"v","type":"integer"}]}}]}""");
        h.execRaw("INSERT INTO big SELECT g, g FROM generate_series(1, 5000) g", "ANALYZE big");
    }

    private MigrationPlan plan(String json) {
        return h.roll.plan(Harness.migration("02_change", json), StartOptions.defaults());
    }

    @Test
    void aRawTypeChangeIsAnAccessExclusiveRewriteOfTheTableWithTheOnlineOperationSuggested() {
        List<String> before = CatalogSnapshot.of(h);
        String history = h.query("public", "SELECT name, done FROM pgroll.migrations ORDER BY name").toString();
        MigrationPlan plan = plan("""
                {"operations":[{"sql":{"up":"ALTER TABLE big ALTER COLUMN v TYPE bigint"}}]}""");
        assertEquals(before, CatalogSnapshot.of(h), "plan changed the catalog");
        assertEquals(history, h.query("public", "SELECT name, done FROM pgroll.migrations ORDER BY name").toString());

        MigrationPlan.Statement first = plan.phases().get(0).statements().get(0);
        assertEquals("ALTER TABLE big ALTER COLUMN v TYPE bigint", first.sql());
        assertEquals("sql", first.operationKey());
        MigrationPlan.RelationLock lock = first.locks().get(0);
        assertEquals("big", lock.table());
        assertEquals(LockMode.ACCESS_EXCLUSIVE, lock.mode());
        assertEquals(Access.REWRITE, lock.access());
        assertEquals(5000, lock.size().rows());
        assertTrue(lock.size().bytes() > 0);
        assertTrue(first.suggestion().startsWith("alter_column"), first.suggestion());

        List<MigrationPlan.Blocking> blocking = plan.blocking(1000);
        assertEquals(1, blocking.size());
        assertTrue(blocking.get(0).describe().startsWith("start statement 1 (ALTER TABLE big ALTER COLUMN v TYPE "
                + "bigint) holds ACCESS EXCLUSIVE on big while it rewrites ~5000 rows"), blocking.get(0).describe());
        assertEquals(List.of(), plan.blocking(10_000));
    }

    @Test
    void anUnrecognisedStatementIsReportedAsUnknown() {
        MigrationPlan plan = plan("""
                {"operations":[{"sql":{"up":"CALL refresh_everything()"}}]}""");
        MigrationPlan.Statement s = plan.phases().get(0).statements().get(0);
        assertFalse(s.recognised());
        assertEquals(List.of(), s.locks());
    }

    @Test
    void theBackfillIsPlannedWithItsRowsBatchesAndProjectedDuration() {
        MigrationPlan plan = h.roll.plan(Harness.migration("02_change", """
                {"operations":[{"alter_column":{"table":"big","column":"v","type":"bigint","up":"v","down":"v"}}]}"""),
                new StartOptions(false, 1000, Duration.ofMillis(10)));
        MigrationPlan.Phase start = plan.phases().get(0);
        MigrationPlan.Backfill b = start.backfills().get(0);
        assertEquals("big", b.table());
        assertEquals(5000, b.rows());
        assertTrue(b.rowsEstimated());
        assertEquals("by physical position (" + h.scalar("public", "SELECT relpages FROM pg_class WHERE oid = '"
                + h.schema + ".big'::regclass") + " pages)", b.walk());
        assertEquals(5, b.batches());
        assertFalse(b.adaptive());
        // 5000 rows at 60,000 rows/s, plus 4 delays of 10 ms
        assertEquals(Duration.ofMillis(83 + 40), b.projectedDuration());
        assertTrue(start.backfillBefore() > 0 && start.backfillBefore() <= start.statements().size());
        // pgroll's own start never blocks writes while scanning or rewriting
        assertEquals(List.of(), plan.blocking(1));
        // the complete swaps the column in: SET NOT NULL has no scan to make (the column is nullable anyway)
        assertTrue(plan.phases().get(1).statements().stream().anyMatch(s -> s.kind().contains("DROP COLUMN")));
        assertTrue(plan.phases().get(2).statements().stream().anyMatch(s -> s.kind().contains("DROP COLUMN")));
    }

    @Test
    void aTableNeverAnalysedIsSizedByThePlannersEstimate() {
        h.startAndComplete("02_fresh", """
                {"operations":[{"create_table":{"name":"fresh","columns":[{"name":"id","type":"bigint","pk":true}]}}]}""");
        h.execRaw("INSERT INTO fresh SELECT generate_series(1, 3000)");
        MigrationPlan plan = h.roll.plan(Harness.migration("03_index", """
                {"operations":[{"sql":{"up":"CREATE INDEX fresh_idx ON fresh (id)"}}]}"""), StartOptions.defaults());
        MigrationPlan.RelationLock lock = plan.phases().get(0).statements().get(0).locks().get(0);
        assertEquals(LockMode.SHARE, lock.mode());
        assertTrue(lock.size().rows() > 0, lock.toString());

        // without pages it is empty, whatever the planner would guess
        h.startAndComplete("03_empty", """
                {"operations":[{"create_table":{"name":"empty","columns":[{"name":"id","type":"bigint","pk":true}]}}]}""");
        plan = h.roll.plan(Harness.migration("04_index", """
                {"operations":[{"sql":{"up":"CREATE INDEX empty_idx ON empty (id)"}}]}"""), StartOptions.defaults());
        assertEquals(0, plan.phases().get(0).statements().get(0).locks().get(0).size().rows());
    }

    @Test
    void anActiveMigrationIsRefused() {
        h.start("02_active", """
                {"operations":[{"add_column":{"table":"big","column":{"name":"w","type":"integer","nullable":true}}}]}""");
        assertThrows(MigrationStateException.class, () -> plan("""
                {"operations":[{"sql":{"up":"SELECT 1"}}]}"""));
    }
}
