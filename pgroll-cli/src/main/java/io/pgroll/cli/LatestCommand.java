package io.pgroll.cli;

import io.pgroll.core.PgRollException;
import io.pgroll.core.PgRollListener;
import io.pgroll.core.ConnectionUrl;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationReader;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "latest", description = "Print the latest version schema, migration name or a URL using it.",
        subcommands = {LatestCommand.Schema.class, LatestCommand.MigrationName.class, LatestCommand.Url.class})
final class LatestCommand {

    /** The latest migration of a local directory (no database needed). */
    static Migration lastLocal(Env env, String dir) {
        List<Migration> migrations = MigrationReader.readDirectory(env.resolve(dir));
        if (migrations.isEmpty()) {
            throw new PgRollException("no migrations found in " + dir);
        }
        return migrations.get(migrations.size() - 1);
    }

    abstract static class LocalAware extends BaseCommand {
        @Option(names = {"-l", "--local"}, paramLabel = "DIR",
                description = "Take the latest migration from the files in DIR instead of the database")
        String local;

        String versionSchema(String lookupUrl) {
            PgRollCommand root = root();
            if (local != null) {
                return root.schema + "_" + lastLocal(env(), local).version();
            }
            String url = lookupUrl != null ? lookupUrl : root.connectionUrl();
            return root.withPgRoll(url, PgRollListener.NONE, pgroll -> pgroll.latestVersionSchema())
                    .orElseThrow(() -> new PgRollException("no version schemas found"));
        }
    }

    @Command(name = "schema", description = "Print the latest version schema, e.g. public_02_add_column.")
    static final class Schema extends LocalAware {
        @Override
        public Integer call() {
            println(versionSchema(null));
            return 0;
        }
    }

    @Command(name = "migration", description = "Print the name of the latest migration.")
    static final class MigrationName extends LocalAware {
        @Override
        public Integer call() {
            if (local != null) {
                println(lastLocal(env(), local).name());
                return 0;
            }
            String name = root().withPgRoll(pgroll -> pgroll.latestMigrationName())
                    .orElseThrow(() -> new PgRollException("no migrations found"));
            println(name);
            return 0;
        }
    }

    @Command(name = "url", description = {
            "Print a connection URL whose search_path is the latest version schema, for clients such as psql:",
            "  psql \"$(pgroll latest url)\"",
            "The base URL is CONN if given, else --postgres-url / PGROLL_PG_URL, else the embedded server's."})
    static final class Url extends LocalAware {
        @Parameters(index = "0", arity = "0..1", paramLabel = "CONN", description = "Base connection URL")
        String conn;

        @Override
        public Integer call() {
            PgRollCommand root = root();
            String explicit = root.explicitUrl();
            String base = conn != null ? conn : explicit != null ? explicit : root.embeddedUrl();
            String lookup = explicit != null ? explicit : base;
            String schema = versionSchema(lookup);
            println(ConnectionUrl.withSearchPath(base, schema));
            return 0;
        }
    }
}
