package io.pgroll.cli;

import io.pgroll.cli.embedded.EmbeddedServer;
import picocli.CommandLine.Command;

@Command(name = "embedded", description = {
        "Manage the local PostgreSQL that pgroll uses when no --postgres-url / PGROLL_PG_URL is given.",
        "It keeps its data in .pgroll/embedded under the current directory, listens on 127.0.0.1 only",
        "(user postgres, no password) and keeps running between commands until 'pgroll embedded stop'."},
        subcommands = {EmbeddedCommand.StatusCmd.class, EmbeddedCommand.StartCmd.class, EmbeddedCommand.StopCmd.class})
final class EmbeddedCommand {

    static EmbeddedServer server(Env env) {
        return new EmbeddedServer(env.cwd(), env.vars());
    }

    @Command(name = "status", description = "Say whether the embedded server exists and runs, and its URL.")
    static final class StatusCmd extends BaseCommand {
        @Override
        public Integer call() {
            EmbeddedServer server = server(env());
            EmbeddedServer.Status st = server.status();
            String where = env().display(server.directory());
            if (st.running()) {
                println("running: PostgreSQL " + (st.version() == null ? "?" : st.version()) + " in " + where
                        + ", port " + st.port() + ", pid " + st.pid());
                println("url: " + EmbeddedServer.url(st.port()));
            } else if (st.created()) {
                println("stopped: data in " + where + " (starts again on the next pgroll command)");
            } else {
                println("not created: the first pgroll command without --postgres-url creates it in " + where);
            }
            return 0;
        }
    }

    @Command(name = "start", description = "Start the embedded server (creating it if needed) and print its URL.")
    static final class StartCmd extends BaseCommand {
        @Override
        public Integer call() {
            println(root().embeddedUrl());
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop the embedded server; its data is kept.")
    static final class StopCmd extends BaseCommand {
        @Override
        public Integer call() {
            EmbeddedServer server = server(env());
            if (server.stop()) {
                println("Embedded PostgreSQL stopped");
            } else {
                println("Embedded PostgreSQL is not running");
            }
            return 0;
        }
    }
}
