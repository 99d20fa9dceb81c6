package io.pgroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.cli.embedded.EmbeddedServer;
import io.pgroll.core.ConnectionUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server's life cycle: created on first use, kept running, reused, stopped, started again. */
class EmbeddedServerTest {

    @TempDir
    Path project;

    private EmbeddedServer server() {
        return new EmbeddedServer(project, System.getenv());
    }

    @AfterEach
    void stopServer() {
        server().stop();
    }

    private static String query(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(ConnectionUrl.toJdbc(url));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void lifecycle() throws Exception {
        EmbeddedServer server = server();
        assertFalse(server.status().created());
        assertFalse(server.status().running());

        EmbeddedServer.Running first = server.ensureRunning();
        assertEquals(EmbeddedServer.Action.CREATED, first.action());
        assertTrue(first.url().startsWith("postgres://postgres@127.0.0.1:" + first.port() + "/postgres"));
        assertEquals("postgres", query(first.url(), "select current_user"));
        assertTrue(Files.isDirectory(project.resolve(".pgroll/embedded/data")));

        // a second pgroll process finds it running
        EmbeddedServer.Running again = server().ensureRunning();
        assertEquals(EmbeddedServer.Action.REUSED, again.action());
        assertEquals(first.port(), again.port());
        assertEquals(first.version(), again.version());
        EmbeddedServer.Status status = server().status();
        assertTrue(status.running());
        assertEquals(first.port(), status.port());

        // data survives a stop/start
        query(first.url(), "select 1");
        try (Connection c = DriverManager.getConnection(ConnectionUrl.toJdbc(first.url()));
             Statement s = c.createStatement()) {
            s.execute("create table kept (v text); insert into kept values ('still here')");
        }
        assertTrue(server().stop());
        assertFalse(server().status().running());
        assertTrue(server().status().created());
        assertFalse(server().stop());

        EmbeddedServer.Running restarted = server().ensureRunning();
        assertEquals(EmbeddedServer.Action.STARTED, restarted.action());
        assertEquals("still here", query(restarted.url(), "select v from kept"));
        // listens on the IPv4 loopback only
        assertEquals("127.0.0.1", query(restarted.url(), "show listen_addresses"));
    }

    @Test
    void cliUsesTheEmbeddedServerWhenNoUrlIsGiven() throws Exception {
        Cli cli = new Cli(project);
        Cli.Result url = cli.run("embedded", "start");
        assertEquals(0, url.exitCode(), url.toString());
        String base = url.out().strip();
        assertTrue(base.startsWith("postgres://postgres@127.0.0.1:"), url.toString());
        assertEquals(1, url.errLines().size(), url.toString());
        assertTrue(url.err().matches("(?s)Created and started embedded PostgreSQL \\d+\\.\\d+ in \\.pgroll/embedded "
                + "\\(port \\d+\\); set --postgres-url or PGROLL_PG_URL to use your own server\\R"), url.err());

        Cli.Result latest = cli.run("latest", "url", "--local", Examples.dir().toString());
        assertEquals(0, latest.exitCode(), latest.toString());
        String versionSchema = "public_" + Examples.last().version();
        assertEquals(base + "&options=-c%20search_path%3D" + versionSchema, latest.out().strip());
        assertTrue(latest.err().startsWith("Using embedded PostgreSQL"), latest.toString());
        assertEquals(versionSchema, query(latest.out().strip(), "show search_path"));

        Cli.Result status = cli.run("embedded", "status");
        assertEquals(0, status.exitCode(), status.toString());
        assertTrue(status.out().startsWith("running: PostgreSQL "), status.out());
        assertTrue(status.out().contains("url: " + base), status.out());

        Cli.Result stop = cli.run("embedded", "stop");
        assertEquals("Embedded PostgreSQL stopped\n", stop.out());
        assertTrue(cli.run("embedded", "status").out().startsWith("stopped: "));
        assertEquals("Embedded PostgreSQL is not running\n", cli.run("embedded", "stop").out());
    }

    @Test
    void explicitUrlBypassesTheEmbeddedServer() {
        Cli.Result r = new Cli(project).env("PGROLL_PG_URL", "postgres://u@127.0.0.1:1/d")
                .run("latest", "url", "-l", Examples.dir().toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.err());
        assertFalse(Files.exists(project.resolve(".pgroll")));
    }
}
