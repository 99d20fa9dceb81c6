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
    void fullIdentityAppliesToTheTableAtStartAndIsNotRevertedByRollback() {
        String v2 = h.version("02_full");
        h.lifecycle("02_full", """
                {"operations":[{"set_replica_identity":{"table":"users","identity":{"type":"Full"}}}]}""",
                db -> {
                    assertEquals("f", replicaIdentity(db));
                    db.exec(v1, "UPDATE users SET email = 'b@x' WHERE email = 'a@x'");
                    db.exec(v2, "UPDATE users SET email = 'a@x' WHERE email = 'b@x'");
                },
                // as upstream: rollback leaves the identity as start set it
                db -> assertEquals("f", replicaIdentity(db)),
                db -> assertEquals("f", replicaIdentity(db)));
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
