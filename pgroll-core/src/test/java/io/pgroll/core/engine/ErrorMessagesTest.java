package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.DatabaseException;
import io.pgroll.core.PgRollException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.Status;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Errors say what went wrong in the user's terms: PostgreSQL's message with its detail, the row an {@code up} failed
 * on, no internal statement (that is kept for verbose output), and a lost connection as such.
 */
class ErrorMessagesTest extends HarnessTest {
    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"users","columns":[
                  {"name":"id","type":"int","pk":true},
                  {"name":"email","type":"text","nullable":true},
                  {"name":"age","type":"text","nullable":true}]}}]}""");
        h.exec(h.version("01_create"), "INSERT INTO users SELECT i, 'u' || i, i::text FROM generate_series(1, 500) i",
                "UPDATE users SET age = 'unknown' WHERE id = 321", "UPDATE users SET email = 'u1' WHERE id = 77");
    }

    @Test
    void aFailedUpNamesTheRowItFailedOn() {
        DatabaseException e = assertThrows(DatabaseException.class, () -> h.start("02_age", """
                {"operations":[{"alter_column":{"table":"users","column":"age","type":"integer",
                  "up":"CAST(age AS integer)","down":"CAST(age AS text)"}}]}"""));
        assertEquals("failed to start migration \"02_age\": backfill of table \"users\" failed at the row (id)=(321): "
                + "invalid input syntax for type integer: \"unknown\"; changes rolled back", e.getMessage());
        assertTrue(e.statement().startsWith("WITH j AS"), "the statement is kept for --verbose: " + e.statement());
        assertEquals(Status.COMPLETE, h.roll.status().status());
    }

    @Test
    void aFailedUniqueIndexBuildSaysWhichKeyIsDuplicated() {
        DatabaseException e = assertThrows(DatabaseException.class, () -> h.start("02_unique", """
                {"operations":[{"alter_column":{"table":"users","column":"email","unique":{"name":"users_email_key"},
                  "up":"email","down":"email"}}]}"""));
        assertTrue(e.getMessage().startsWith("failed to start migration \"02_unique\": could not create unique index "
                + "\"users_email_key\" (Key (_pgroll_new_email)=(u1) is duplicated.)"), e.getMessage());
        assertFalse(e.getMessage().contains("CREATE UNIQUE INDEX"), e.getMessage());
    }

    @Test
    void aLostConnectionIsReportedAsSuchAndTheStartCanBeResumed() throws Exception {
        CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
            try (Connection c = TestPostgres.connect(h.url); Statement s = c.createStatement()) {
                for (int i = 0; i < 200; i++) {
                    Thread.sleep(50);
                    s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                            + "AND application_name = 'pgroll' AND query LIKE 'WITH j AS%'");
                    if (!h.query("public", "SELECT 1 FROM pgroll.java_progress WHERE backfill <> '{}'").isEmpty()) {
                        s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                                + "datname = current_database() AND application_name = 'pgroll'");
                        return;
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String json = """
                {"operations":[{"add_column":{"table":"users","up":"upper(email)",
                  "column":{"name":"shout","type":"text","nullable":true}}}]}""";
        PgRollException e = assertThrows(PgRollException.class, () -> h.roll.start(Harness.migration("02_add", json),
                new StartOptions(false, 10, Duration.ofMillis(20))));
        killer.get();
        assertTrue(e.getMessage().startsWith("failed to start migration \"02_add\": "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; the connection to the database was lost: run start again to resume, "
                + "or rollback"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        Harness again = h.reconnect();
        assertEquals(Status.IN_PROGRESS, again.roll.status().status());
        again.start("02_add", json);
        assertEquals("U500", again.scalar(again.version("02_add"), "SELECT shout FROM users WHERE id = 500"));
    }
}
