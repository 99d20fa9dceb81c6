package io.pgroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRollConfig;
import io.pgroll.core.PgRollException;
import io.pgroll.core.PgRollListener;
import io.pgroll.core.StartOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

class OptionsTest {

    @TempDir
    Path dir;

    @Test
    void defaults() {
        PgRollCommand root = new Cli(dir).parse("status");
        assertNull(root.postgresUrl);
        assertEquals("public", root.schema);
        assertEquals("pgroll", root.stateSchema);
        assertEquals(PgRollConfig.DEFAULT_LOCK_TIMEOUT.toMillis(), root.lockTimeoutMs);
        assertNull(root.role);
        assertTrue(root.useVersionSchema);
        assertFalse(root.verbose);
    }

    @Test
    void environmentVariables() {
        PgRollCommand root = new Cli(dir)
                .env("PGROLL_PG_URL", "postgres://u@h/d")
                .env("PGROLL_SCHEMA", "app")
                .env("PGROLL_STATE_SCHEMA", "rollstate")
                .env("PGROLL_LOCK_TIMEOUT", "250")
                .env("PGROLL_ROLE", "migrator")
                .env("PGROLL_USE_VERSION_SCHEMA", "false")
                .env("PGROLL_VERBOSE", "1")
                .parse("status");
        assertEquals("postgres://u@h/d", root.postgresUrl);
        assertEquals("app", root.schema);
        assertEquals("rollstate", root.stateSchema);
        assertEquals(250, root.lockTimeoutMs);
        assertEquals("migrator", root.role);
        assertFalse(root.useVersionSchema);
        assertTrue(root.verbose);
    }

    @Test
    void flagsWinOverEnvironment() {
        PgRollCommand root = new Cli(dir)
                .env("PGROLL_PG_URL", "postgres://env@h/d")
                .env("PGROLL_SCHEMA", "from_env")
                .env("PGROLL_LOCK_TIMEOUT", "250")
                .env("PGROLL_USE_VERSION_SCHEMA", "false")
                .parse("--postgres-url", "postgres://flag@h/d", "--schema", "from_flag", "--lock-timeout", "10",
                        "--use-version-schema", "status");
        assertEquals("postgres://flag@h/d", root.postgresUrl);
        assertEquals("from_flag", root.schema);
        assertEquals(10, root.lockTimeoutMs);
        assertTrue(root.useVersionSchema);
    }

    @Test
    void globalFlagsMayFollowTheSubcommand() {
        PgRollCommand root = new Cli(dir).env("PGROLL_SCHEMA", "from_env")
                .parse("start", "--schema", "after", "--pgroll-schema=st", "--verbose", "file.json");
        assertEquals("after", root.schema);
        assertEquals("st", root.stateSchema);
        assertTrue(root.verbose);
    }

    @Test
    void globalFlagsBeforeTheSubcommandAreNotResetByIt() {
        PgRollCommand root = new Cli(dir).parse("--schema", "before", "--lock-timeout", "7", "latest", "schema");
        assertEquals("before", root.schema);
        assertEquals(7, root.lockTimeoutMs);
    }

    @Test
    void booleanFlagsTakeOptionalValues() {
        assertFalse(new Cli(dir).parse("--use-version-schema=false", "status").useVersionSchema);
        assertFalse(new Cli(dir).parse("--use-version-schema=0", "status").useVersionSchema);
        assertTrue(new Cli(dir).parse("--verbose=T", "status").verbose);
        assertThrows(CommandLine.ParameterException.class,
                () -> new Cli(dir).parse("--use-version-schema=maybe", "status"));
    }

    @Test
    void optionalBooleanValuesDoNotSwallowArguments() {
        PgRollCommand root = new PgRollCommand(new Env(java.util.Map.of(), dir, System.out, System.err, false));
        CommandLine.ParseResult pr = Main.commandLine(root).parseArgs("--verbose", "start", "-s", "f.yaml");
        assertTrue(root.verbose);
        StartCommand start = (StartCommand) pr.subcommand().commandSpec().userObject();
        assertTrue(start.skipValidation);
        assertEquals("f.yaml", start.file);

        root = new PgRollCommand(new Env(java.util.Map.of(), dir, System.out, System.err, false));
        pr = Main.commandLine(root).parseArgs("start", "-sc", "true.yaml");
        start = (StartCommand) pr.subcommand().commandSpec().userObject();
        assertTrue(start.skipValidation);
        assertTrue(start.complete);
        assertEquals("true.yaml", start.file);
    }

    @Test
    void configFromOptions() {
        PgRollCommand root = new Cli(dir).parse("--schema", "app", "--pgroll-schema", "st", "--lock-timeout", "0",
                "--role", "r", "--use-version-schema=false", "status");
        PgRollConfig config = root.pgroll("postgres://u:p@db:6000/x?sslmode=disable", PgRollListener.NONE).config();
        assertEquals("jdbc:postgresql://db:6000/x?user=u&password=p&sslmode=disable", config.url());
        assertEquals("app", config.schema());
        assertEquals("st", config.stateSchema());
        assertEquals(Duration.ZERO, config.lockTimeout());
        assertEquals("r", config.role());
        assertFalse(config.useVersionSchema());
    }

    @Test
    void startOptionsAndEnvironment() {
        Cli cli = new Cli(dir);
        CommandLine.ParseResult pr;
        PgRollCommand root = new PgRollCommand(new Env(java.util.Map.of(), dir, System.out, System.err, false));
        pr = Main.commandLine(root).parseArgs("start", "-c", "-s", "--backfill-batch-size", "50",
                "--backfill-batch-delay", "1m30s", "--backfill-batch-target", "20ms", "f.yaml");
        StartCommand start = (StartCommand) pr.subcommand().commandSpec().userObject();
        assertTrue(start.complete);
        assertTrue(start.skipValidation);
        assertEquals(50, start.backfill.batchSize);
        assertEquals(Duration.ofSeconds(90), start.backfill.batchDelay);
        assertEquals(Duration.ofMillis(20), start.backfill.batchTarget);
        assertEquals("f.yaml", start.file);

        root = new PgRollCommand(new Env(java.util.Map.of("PGROLL_SKIP_VALIDATION", "true"), dir, System.out,
                System.err, false));
        pr = Main.commandLine(root).parseArgs("start", "f.yaml");
        start = (StartCommand) pr.subcommand().commandSpec().userObject();
        assertTrue(start.skipValidation);
        assertFalse(start.complete);
        assertEquals(io.pgroll.core.StartOptions.DEFAULT_BATCH_SIZE, start.backfill.batchSize);
        assertEquals(Duration.ZERO, start.backfill.batchDelay);
        assertEquals(io.pgroll.core.StartOptions.DEFAULT_BATCH_TARGET, start.backfill.batchTarget);
        assertTrue(cli.parse("migrate", "--expect-one", "dir") != null);
    }

    @Test
    void usageErrorsExitWithTwo() {
        Cli cli = new Cli(dir);
        for (String[] args : new String[][] {
                {"--no-such-flag", "status"},
                {"start"},
                {"start", "--backfill-batch-delay", "5x", "f.json"},
                {"start", "--backfill-batch-size", "many", "f.json"},
                {"start", "--max-replica-lag", "soon", "f.json"},
                {"migrate", "--max-wal-rate", "16mb", "dir"},
                {"--lock-timeout", "soon", "status"},
                {"frobnicate"},
                {},
                {"latest"},
        }) {
            Cli.Result r = cli.run(args);
            assertEquals(2, r.exitCode(), String.join(" ", args) + "\n" + r);
            assertTrue(r.err().contains("Usage: pgroll") || r.err().contains("Did you mean"), r.toString());
            assertEquals("", r.out(), r.toString());
        }
    }

    @Test
    void invalidEnvironmentValueIsAUsageError() {
        Cli.Result r = new Cli(dir).env("PGROLL_LOCK_TIMEOUT", "soon").run("status");
        assertEquals(2, r.exitCode(), r.toString());
    }

    @Test
    void helpAndVersionExitZero() {
        Cli.Result help = new Cli(dir).run("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("PGROLL_PG_URL"), help.out());
        Cli.Result startHelp = new Cli(dir).run("start", "--help");
        assertEquals(0, startHelp.exitCode());
        assertTrue(startHelp.out().contains("--backfill-batch-delay"), startHelp.out());
        Cli.Result version = new Cli(dir).run("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("pgroll for Java"), version.out());
    }

    @Test
    void onlyTheNamedSubcommandIsBuiltAndAllWhenNoneIsNamed() {
        PgRollCommand root = new PgRollCommand(new Env(java.util.Map.of(), dir, System.out, System.err, false));
        assertEquals(java.util.Set.of("status"), Main.commandLine(root, "--schema", "app", "status").getSubcommands()
                .keySet());
        assertEquals(java.util.List.copyOf(PgRollCommand.SUBCOMMANDS.keySet()),
                java.util.List.copyOf(Main.commandLine(root, "--help").getSubcommands().keySet()));
    }

    @Test
    void backfillThrottles() {
        PgRollCommand root = new PgRollCommand(new Env(java.util.Map.of(), dir, System.out, System.err, false));
        CommandLine.ParseResult pr = Main.commandLine(root).parseArgs("start", "--max-replica-lag", "1m30s",
                "--max-wal-rate", "16MB", "f.yaml");
        StartOptions options = root.startOptions(false,
                ((StartCommand) pr.subcommand().commandSpec().userObject()).backfill);
        assertEquals(Duration.ofSeconds(90), options.maxReplicaLag());
        assertEquals(16L << 20, options.maxWalRate());

        root = new PgRollCommand(new Env(java.util.Map.of(), dir, System.out, System.err, false));
        pr = Main.commandLine(root).parseArgs("migrate", "dir");
        options = root.startOptions(false, ((MigrateCommand) pr.subcommand().commandSpec().userObject()).backfill);
        assertNull(options.maxReplicaLag(), "off by default");
        assertEquals(0, options.maxWalRate(), "off by default");

        root = new PgRollCommand(new Env(java.util.Map.of(), dir, System.out, System.err, false));
        pr = Main.commandLine(root).parseArgs("start", "--max-replica-lag", "-1s", "f.yaml");
        BackfillOptions negative = ((StartCommand) pr.subcommand().commandSpec().userObject()).backfill;
        PgRollCommand negativeRoot = root;
        assertEquals("--max-replica-lag must not be negative, got -1s", assertThrows(PgRollException.class,
                () -> negativeRoot.startOptions(false, negative)).getMessage());
    }

    @Test
    void walRatesTakePostgresUnits() {
        Converters.ByteSizeConverter sizes = new Converters.ByteSizeConverter();
        assertEquals(1_000_000L, sizes.convert("1000000"));
        assertEquals(0L, sizes.convert("0"));
        assertEquals(100L, sizes.convert("100B"));
        assertEquals(512L << 10, sizes.convert("512kB"));
        assertEquals(8L << 20, sizes.convert(" 8 MB"));
        assertEquals(1L << 30, sizes.convert("1GB"));
        assertEquals(2L << 40, sizes.convert("2TB"));
        for (String bad : new String[] {"16mb", "16KB", "1.5GB", "-1MB", "MB", "", "16 XB"}) {
            assertEquals("invalid size '" + bad + "' (expected bytes, or a whole number with a unit B, kB, MB, GB or "
                    + "TB, e.g. 16MB)", assertThrows(TypeConversionException.class, () -> sizes.convert(bad))
                    .getMessage());
        }
        assertEquals("size '9000000TB' is too large",
                assertThrows(TypeConversionException.class, () -> sizes.convert("9000000TB")).getMessage());
        Cli.Result r = new Cli(dir).run("start", "--max-wal-rate", "16mb", "f.json");
        assertTrue(r.err().contains("Invalid value for option '--max-wal-rate': invalid size '16mb'"), r.toString());
    }
}
