package io.pgroll.cli.embedded;

import io.pgroll.core.PgRollException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server for local use that outlives the pgroll process: its data lives in
 * {@code <project>/.pgroll/embedded/data}, it listens on 127.0.0.1 only with trust authentication for the
 * {@code postgres} superuser, and it keeps running between pgroll commands until {@link #stop()} (or a reboot).
 *
 * <p>Files under {@code .pgroll/embedded/}: {@code data/} (the cluster), {@code postgres.log} (server log),
 * {@code server.properties} (port and version of the last start), {@code lock} (serialises concurrent starts).
 *
 * <p>The server binaries come from zonky's jars (see {@link PostgresBinaries}). As root, {@code initdb} and
 * {@code pg_ctl} refuse to run, so they run under {@code unshare -U} (a user namespace where the process is not
 * root), as zonky's own launcher does.
 */
public final class EmbeddedServer {

    /** Port tried first on a fresh start; a free port is picked if it is taken. */
    public static final int PREFERRED_PORT = 54329;
    public static final String USER = "postgres";
    public static final String HOST = "127.0.0.1";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final Path dataDir;
    private final Path logFile;
    private final Path propsFile;
    private final Path cacheRoot;

    /** The state found on disk and on the wire. */
    public record Status(boolean created, boolean running, int port, String version, Long pid) {
    }

    /** The outcome of {@link #ensureRunning()}. */
    public enum Action { REUSED, STARTED, CREATED }

    public record Running(int port, String version, Action action) {
        public String url() {
            return EmbeddedServer.url(port);
        }
    }

    /**
     * @param projectDir the directory whose {@code .pgroll/embedded} holds the server
     * @param env        environment used to find the binaries cache ({@code XDG_CACHE_HOME}, {@code HOME})
     */
    public EmbeddedServer(Path projectDir, Map<String, String> env) {
        this.dir = projectDir.toAbsolutePath().normalize().resolve(".pgroll").resolve("embedded");
        this.dataDir = dir.resolve("data");
        this.logFile = dir.resolve("postgres.log");
        this.propsFile = dir.resolve("server.properties");
        this.cacheRoot = cacheRoot(env);
    }

    /** The libpq URL of the server on {@code port}. */
    public static String url(int port) {
        return "postgres://" + USER + "@" + HOST + ":" + port + "/postgres?sslmode=disable";
    }

    /** {@code .pgroll/embedded} under the project directory. */
    public Path directory() {
        return dir;
    }

    public Path logFile() {
        return logFile;
    }

    /** What is on disk and whether the server answers. */
    public Status status() {
        boolean created = Files.exists(dataDir.resolve("PG_VERSION"));
        Properties props = readProps();
        String version = props.getProperty("version");
        Optional<Long> pid = livePostmasterPid();
        int port = pid.isPresent() ? pidFilePort().orElse(intProp(props, "port")) : intProp(props, "port");
        boolean running = pid.isPresent() && port > 0 && accepts(port);
        return new Status(created, running, port, version, running ? pid.get() : null);
    }

    /** Starts the server unless it is already running (creating the cluster first if needed). */
    public Running ensureRunning() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new PgRollException("could not create " + dir + ": " + e.getMessage(), e);
        }
        try (FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            Status st = status();
            if (st.running()) {
                String version = st.version() != null ? st.version() : "?";
                return new Running(st.port(), version, Action.REUSED);
            }
            return start();
        } catch (IOException e) {
            throw new PgRollException("could not start the embedded PostgreSQL in " + dir + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Stops the server (fast shutdown: open sessions are disconnected) and waits for it to exit.
     *
     * @return false if it was not running
     */
    public boolean stop() {
        Optional<Long> pid = livePostmasterPid();
        if (pid.isEmpty()) {
            return false;
        }
        long p = pid.get();
        // SIGINT = fast shutdown; signalling needs no PostgreSQL binary and works across the user namespace
        runQuietly(List.of("sh", "-c", "kill -INT " + p));
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)) {
                sleep(100);
            } else {
                return true;
            }
        }
        throw new PgRollException("the embedded PostgreSQL (pid " + p + ") did not stop within "
                + STOP_TIMEOUT.toSeconds() + "s; see " + logFile);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private Running start() throws IOException {
        boolean asRoot = UserNamespace.isRoot();
        if (asRoot && !UserNamespace.unshareWorks()) {
            throw new PgRollException("the embedded PostgreSQL cannot run as root without 'unshare -U' "
                    + "(user namespaces are unavailable here); run pgroll as a non-root user, "
                    + "or pass --postgres-url / set PGROLL_PG_URL");
        }
        PostgresBinaries bin = PostgresBinaries.prepare(cacheRoot);
        Action action = Action.STARTED;
        if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
            initdb(bin, asRoot);
            action = Action.CREATED;
        } else {
            String dataMajor = Files.readString(dataDir.resolve("PG_VERSION")).trim();
            if (!dataMajor.equals(bin.major())) {
                throw new PgRollException("the embedded data directory " + dataDir + " belongs to PostgreSQL "
                        + dataMajor + " but this pgroll ships PostgreSQL " + bin.version()
                        + "; delete " + dir + " to start afresh, or pass --postgres-url");
            }
            removeStalePidFile();
        }
        int port = choosePort(intProp(readProps(), "port"));
        List<String> cmd = new ArrayList<>(List.of(bin.bin("pg_ctl").toString(), "start", "-D", dataDir.toString(),
                "-l", logFile.toString(), "-w", "-t", Long.toString(START_TIMEOUT.toSeconds()),
                "-o", "-p " + port));
        String out = run(cmd, asRoot, START_TIMEOUT.plusSeconds(10));
        if (out != null) {
            throw new PgRollException("the embedded PostgreSQL did not start (" + lastLogLine(out) + "); see "
                    + logFile);
        }
        Properties props = new Properties();
        props.setProperty("port", Integer.toString(port));
        props.setProperty("version", bin.version());
        props.setProperty("binaries", bin.home().toString());
        try (var w = Files.newBufferedWriter(propsFile, StandardCharsets.UTF_8)) {
            props.store(w, "written by pgroll when it started the embedded PostgreSQL");
        }
        return new Running(port, bin.version(), action);
    }

    private void initdb(PostgresBinaries bin, boolean asRoot) throws IOException {
        Path staging = dir.resolve("data.init");
        PostgresBinaries.deleteTree(staging);
        List<String> cmd = List.of(bin.bin("initdb").toString(), "-D", staging.toString(), "-U", USER,
                "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync");
        String out = run(cmd, asRoot, Duration.ofMinutes(5));
        if (out != null) {
            PostgresBinaries.deleteTree(staging);
            throw new PgRollException("initdb failed for the embedded PostgreSQL: " + lastLogLine(out));
        }
        Files.writeString(staging.resolve("postgresql.conf"), String.join("\n",
                "",
                "# --- added by pgroll: a local development server ---",
                "listen_addresses = '" + HOST + "'",
                "unix_socket_directories = ''",
                "max_connections = 100",
                ""), StandardOpenOption.APPEND);
        if (Files.exists(dataDir)) {
            PostgresBinaries.deleteTree(dataDir); // a leftover without PG_VERSION
        }
        Files.move(staging, dataDir);
    }

    /**
     * Runs a PostgreSQL program, under {@code unshare -U} when root.
     *
     * @return null on success, else the program's output
     */
    private String run(List<String> command, boolean asRoot, Duration timeout) throws IOException {
        List<String> full = new ArrayList<>();
        if (asRoot) {
            full.add("unshare");
            full.add("-U");
        }
        full.addAll(command);
        Path outFile = Files.createTempFile(dir, "cmd", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(full)
                    .redirectInput(ProcessBuilder.Redirect.from(devNull()))
                    .redirectOutput(outFile.toFile())
                    .redirectErrorStream(true);
            pb.environment().remove("PGDATA");
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String out = Files.readString(outFile);
            if (!done) {
                p.destroyForcibly();
                return "timed out after " + timeout.toSeconds() + "s: " + out;
            }
            return p.exitValue() == 0 ? null : out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(outFile);
        }
    }

    private static java.io.File devNull() {
        return new java.io.File("/dev/null");
    }

    private String lastLogLine(String commandOutput) {
        String candidate = lastMeaningfulLine(commandOutput);
        try {
            if (Files.exists(logFile)) {
                List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
                for (int i = lines.size() - 1; i >= 0 && i >= lines.size() - 50; i--) {
                    String l = lines.get(i);
                    if (l.contains("FATAL") || l.contains("ERROR") || l.contains("PANIC")) {
                        return l.trim();
                    }
                }
            }
        } catch (IOException | UncheckedIOException ignored) {
            // fall back to the command output
        }
        return candidate;
    }

    private static String lastMeaningfulLine(String text) {
        String[] lines = text.strip().split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            String l = lines[i].trim();
            if (!l.isEmpty() && !l.startsWith("waiting for server") && !l.equals("stopped waiting")) {
                return l;
            }
        }
        return text.isBlank() ? "no output" : text.strip();
    }

    /** The postmaster's pid from {@code postmaster.pid}, if that process is alive and looks like postgres. */
    private Optional<Long> livePostmasterPid() {
        List<String> lines = pidFile();
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return Optional.empty();
        }
        Optional<String> command = handle.get().info().command();
        if (command.isPresent() && !command.get().endsWith("postgres")) {
            return Optional.empty(); // the pid was reused by an unrelated process (e.g. after a reboot)
        }
        return Optional.of(pid);
    }

    private Optional<Integer> pidFilePort() {
        List<String> lines = pidFile();
        if (lines.size() >= 4) {
            try {
                return Optional.of(Integer.parseInt(lines.get(3).trim()));
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        return Optional.empty();
    }

    private List<String> pidFile() {
        Path file = dataDir.resolve("postmaster.pid");
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private void removeStalePidFile() throws IOException {
        if (livePostmasterPid().isEmpty()) {
            Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
        }
    }

    private Properties readProps() {
        Properties p = new Properties();
        if (Files.exists(propsFile)) {
            try (var r = Files.newBufferedReader(propsFile, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException ignored) {
                // treat as absent
            }
        }
        return p;
    }

    private static int intProp(Properties p, String key) {
        try {
            return Integer.parseInt(p.getProperty(key, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The previous port if free, else {@link #PREFERRED_PORT} if free, else any free port. */
    private static int choosePort(int previous) throws IOException {
        if (previous > 0 && isFree(previous)) {
            return previous;
        }
        if (isFree(PREFERRED_PORT)) {
            return PREFERRED_PORT;
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(HOST), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void runQuietly(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new PgRollException("could not signal the embedded PostgreSQL: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgRollException("interrupted");
        }
    }

    private static Path cacheRoot(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base;
        if (xdg != null && !xdg.isBlank()) {
            base = Path.of(xdg);
        } else {
            String home = env.getOrDefault("HOME", System.getProperty("user.home"));
            base = home == null || home.isBlank() || !Files.isWritable(Path.of(home))
                    ? Path.of(System.getProperty("java.io.tmpdir"), "pgroll-" + System.getProperty("user.name"))
                    : Path.of(home, ".cache");
        }
        return base.resolve("pgroll").resolve("postgres");
    }
}
