package io.pgroll.cli;

import static io.pgroll.cli.Cli.assertOneLineErrorStartingWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgroll.core.PgRoll;
import io.pgroll.core.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** complete and rollback refuse while a session is pinned to the version they drop, and --force overrides it. */
class PinningCommandTest {
    private static final String SCHEMA = System.getProperty("pgroll.test.schema", "public");

    @TempDir
    Path dir;

    private Cli.Result ok(Cli cli, String... args) {
        Cli.Result r = cli.run(args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + "\n" + r);
        return r;
    }

    @Test
    void completeAndRollbackRefuseWhileAPinnedSessionIsOpenUnlessForced() throws IOException, SQLException {
        String url = TestPostgres.newDatabase();
        if (!SCHEMA.equals("public")) {
            try (Connection c = TestPostgres.connect(url)) {
                c.createStatement().execute("CREATE SCHEMA \"" + SCHEMA + "\"");
            }
        }
        Cli cli = new Cli(dir).env("PGROLL_PG_URL", url).env("PGROLL_SCHEMA", SCHEMA);
        Files.writeString(dir.resolve("01_create.json"), """
                {"operations":[{"create_table":{"name":"t","columns":[{"name":"id","type":"int","pk":true}]}}]}""");
        Files.writeString(dir.resolve("02_add.json"), """
                {"operations":[{"add_column":{"table":"t","column":{"name":"c","type":"text","nullable":true}}}]}""");
        Files.writeString(dir.resolve("03_add.json"), """
                {"operations":[{"add_column":{"table":"t","column":{"name":"d","type":"text","nullable":true}}}]}""");
        ok(cli, "init");
        ok(cli, "start", "01_create.json", "--complete");
        ok(cli, "start", "02_add.json");
        PGSimpleDataSource plain = new PGSimpleDataSource();
        plain.setURL(url);
        String v1 = SCHEMA + "_01_create";
        try (Connection pinned = PgRoll.versionedDataSource(plain, v1).getConnection()) {
            assertOneLineErrorStartingWith(cli.run("complete"), "complete would drop version schema \"" + v1
                    + "\", which a session is pinned to: pid ");
            ok(cli, "complete", "--force");
        }
        ok(cli, "start", "03_add.json");
        String v3 = SCHEMA + "_03_add";
        try (Connection pinned = PgRoll.versionedDataSource(plain, v3).getConnection()) {
            assertOneLineErrorStartingWith(cli.run("rollback"), "rollback would drop version schema \"" + v3
                    + "\", which a session is pinned to: pid ");
            ok(cli, "rollback", "--force");
        }
        Files.createDirectory(dir.resolve("m"));
        for (String f : new String[] {"01_create.json", "02_add.json", "03_add.json"}) {
            Files.copy(dir.resolve(f), dir.resolve("m").resolve(f));
        }
        String v2 = SCHEMA + "_02_add";
        try (Connection pinned = PgRoll.versionedDataSource(plain, v2).getConnection()) {
            // migrate has started 03_add when its complete is refused
            assertOneLineErrorStartingWith(cli.run("migrate", "m", "--complete"), "complete would drop version schema \""
                    + v2 + "\", which a session is pinned to: pid ");
            ok(cli, "complete", "--force");
        }
        Files.writeString(dir.resolve("m/04_add.json"), """
                {"operations":[{"add_column":{"table":"t","column":{"name":"e","type":"text","nullable":true}}}]}""");
        try (Connection pinned = PgRoll.versionedDataSource(plain, v3).getConnection()) {
            ok(cli, "migrate", "m", "--complete", "--force");
        }
    }
}
