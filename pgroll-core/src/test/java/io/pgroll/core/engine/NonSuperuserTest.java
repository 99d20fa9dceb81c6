package io.pgroll.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.PgRoll;
import io.pgroll.core.PgRollConfig;
import io.pgroll.core.StartOptions;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Managed services (RDS, Cloud SQL, Supabase, Neon) give an owner role, never a superuser. */
class NonSuperuserTest {

    @Test
    void aRoleThatOwnsItsDatabaseRunsTheWholeLifecycle() throws Exception {
        String url = TestPostgres.newDatabaseOwnedBy("app_owner");
        PgRoll roll = startedAsOwner(url);
        roll.complete();
        roll.start(Harness.migration("02_add", """
                {"operations":[{"add_column":{"table":"t","up":"'x'","column":{"name":"w","type":"text"}}}]}"""),
                StartOptions.defaults());
        roll.rollback();
        roll.start(Harness.migration("02_add", """
                {"operations":[{"add_column":{"table":"t","up":"'x'","column":{"name":"w","type":"text"}}}]}"""),
                StartOptions.defaults());
        roll.complete();
        try (Connection c = TestPostgres.connect(url); Statement s = c.createStatement()) {
            s.execute("SET search_path TO public_02_add");
            s.execute("INSERT INTO t (v, w) VALUES ('a', 'b')");
        }
        assertEquals("02_add", roll.status().version());
        assertEquals(List.of("02_add"), List.of(roll.latestMigrationName().orElseThrow()));
    }

    /** A pgroll of the database's owner that has started {@code 01_create}. */
    private static PgRoll startedAsOwner(String url) {
        PgRoll roll = PgRoll.open(PgRollConfig.of(url));
        roll.init();
        roll.start(Harness.migration("01_create", """
                {"operations":[{"create_table":{"name":"t","columns":[
                  {"name":"id","type":"serial","pk":true},{"name":"v","type":"text","nullable":true}]}}]}"""),
                StartOptions.defaults());
        return roll;
    }

    @Test
    void theGuardSeesAnotherRolesPinnedSessionWithoutItsAddress() throws SQLException {
        String url = TestPostgres.newDatabaseOwnedBy("app_owner");
        PgRoll roll = startedAsOwner(url);
        PGSimpleDataSource superuser = new PGSimpleDataSource();
        superuser.setURL(url.replace("user=app_owner", "user=postgres"));
        superuser.setApplicationName("");
        try (Connection c = PgRoll.versionedDataSource(superuser, "public_01_create").getConnection()) {
            MigrationStateException e = assertThrows(MigrationStateException.class, roll::rollback);
            assertTrue(e.getMessage().contains(" (application_name \"pgroll:public_01_create\", client unknown, "
                    + "started unknown); "), e.getMessage());
        }
        roll.rollback();
    }
}
