package io.pgroll.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.testing.Harness;
import io.pgroll.core.testing.HarnessTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SetReplicaIdentityTest extends HarnessTest {
    private String v1;

    @BeforeEach
    void setUp() {
        h.startAndComplete("01_create", """
                {"operations":[{"create_table":{"name":"users","columns":[
                  {"name":"id","type":"serial","pk":true},
                  {"name":"email","type":"text","unique":true}]}}]}""");
        v1 = h.version("01_create");
        h.exec(v1, "INSERT INTO users (email) VALUES ('a@x')");
    }

    private String replicaIdentity(Harness db) {
        return db.scalar("public", "SELECT relreplident FROM pg_class WHERE oid = " + db.regclass("users"));
    }

    @Test
    void fullIdentityAppliesToTheTableAtStartAndRollbackRestoresThePreviousOne() {
        String v2 = h.version("02_full");
        h.lifecycle("02_full", """
                {"operations":[{"set_replica_identity":{"table":"users","identity":{"type":"Full"}}}]}""",
                db -> {
                    assertEquals("f", replicaIdentity(db));
                    db.exec(v1, "UPDATE users SET email = 'b@x' WHERE email = 'a@x'");
                    db.exec(v2, "UPDATE users SET email = 'a@x' WHERE email = 'b@x'");
                },
                // unlike upstream, which leaves the identity as start set it
                db -> assertEquals("d", replicaIdentity(db)),
                db -> assertEquals("f", replicaIdentity(db)));
    }

    /** pgroll's examples 08 (fruits) and 29 (replica identity using the primary key index), then FULL and back. */
    @Test
    void pgrollsReplicaIdentityExampleRollsBackToAnIdenticalSchema() {
        h.startAndComplete("08_create_fruits_table", """
                {"operations":[{"create_table":{"name":"fruits","columns":[
                  {"name":"id","type":"bigint","pk":true,"generated":{"identity":{"user_specified_values":"BY DEFAULT"}}},
                  {"name":"name","type":"varchar(255)","unique":true},
                  {"name":"price","type":"decimal(10,2)"}]}}]}""");
        String identity = "SELECT c.relreplident::text || ' ' || COALESCE((SELECT i.indexrelid::regclass::text FROM pg_index i "
                + "WHERE i.indrelid = c.oid AND i.indisreplident), '-') FROM pg_class c WHERE c.oid = ";
        String before = h.scalar("public", identity + h.regclass("fruits"));
        assertEquals("d -", before);
        h.start("29_set_replica_identity", """
                {"operations":[{"set_replica_identity":{"table":"fruits","identity":{"type":"index","index":"fruits_pkey"}}}]}""");
        assertEquals("i", h.scalar("public", identity + h.regclass("fruits")).substring(0, 1));
        h.roll.rollback();
        assertEquals(before, h.scalar("public", identity + h.regclass("fruits")));

        // from an identity using an index back to it, and twice in one migration
        h.startAndComplete("29_set_replica_identity", """
                {"operations":[{"set_replica_identity":{"table":"fruits","identity":{"type":"index","index":"fruits_pkey"}}}]}""");
        String usingIndex = h.scalar("public", identity + h.regclass("fruits"));
        h.start("30_full", """
                {"operations":[{"set_replica_identity":{"table":"fruits","identity":{"type":"full"}}},
                  {"set_replica_identity":{"table":"fruits","identity":{"type":"nothing"}}}]}""");
        assertEquals("n -", h.scalar("public", identity + h.regclass("fruits")));
        h.roll.rollback();
        assertEquals(usingIndex, h.scalar("public", identity + h.regclass("fruits")));
    }

    @Test
    void identityUsingAnIndex() {
        h.lifecycle("02_index", """
                {"operations":[{"set_replica_identity":{"table":"users","identity":{"type":"index","index":"users_email_key"}}}]}""",
                db -> assertEquals("users_email_key", db.scalar("public", "SELECT indexrelid::regclass::text FROM pg_index "
                        + "WHERE indisreplident AND indrelid = " + db.regclass("users")).replaceFirst(".*\\.", "")),
                Harness.Check.NONE,
                db -> {
                    assertEquals("i", replicaIdentity(db));
                    db.exec(db.version("02_index"), "INSERT INTO users (email) VALUES ('c@x')");
                });
    }

    @Test
    void nothingAndDefault() {
        h.startAndComplete("02_nothing", """
                {"operations":[{"set_replica_identity":{"table":"users","identity":{"type":"NOTHING"}}}]}""");
        assertEquals("n", replicaIdentity(h));
        h.startAndComplete("03_default", """
                {"operations":[{"set_replica_identity":{"table":"users","identity":{"type":"default"}}}]}""");
        assertEquals("d", replicaIdentity(h));
    }

    @Test
    void theIndexMustExistOnTheTable() {
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> h.start("02_bad", """
                {"operations":[{"set_replica_identity":{"table":"users","identity":{"type":"index","index":"nope"}}}]}"""));
        assertEquals("operations[0].set_replica_identity.identity.index", e.path());
        assertEquals("index \"nope\" does not exist on table \"users\"", e.detail());
        assertEquals("d", replicaIdentity(h));
    }
}
