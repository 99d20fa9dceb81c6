package io.pgroll.maven;

import io.pgroll.core.DatabaseException;
import io.pgroll.core.PgRoll;
import io.pgroll.core.PgRollBuilder;
import io.pgroll.core.PgRollException;
import io.pgroll.core.StartOptions;
import io.pgroll.core.migration.MigrationLocations;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * The database, schema and migration locations every goal shares, and the translation of pgroll's errors into
 * Maven's: a {@link PgRollException} is the user's to fix (a bad file, a migration already active...) and fails the
 * build with its one-line message; a {@link DatabaseException} or anything unexpected is an execution error.
 */
abstract class AbstractPgRollMojo extends AbstractMojo {

    /**
     * The database: a JDBC ({@code jdbc:postgresql://host/db?user=...}) or libpq ({@code postgres://user@host/db})
     * URL, as the command line's {@code --postgres-url}. Required.
     */
    @Parameter(property = "pgroll.url")
    String url;

    /** The schema to migrate (command line {@code --schema}). */
    @Parameter(property = "pgroll.schema", defaultValue = "public")
    String schema;

    /** The schema holding pgroll's state (command line {@code --pgroll-schema}). */
    @Parameter(property = "pgroll.stateSchema", defaultValue = "pgroll")
    String stateSchema;

    /** {@code lock_timeout} of pgroll's DDL in milliseconds; 0 keeps the server's (command line {@code --lock-timeout}). */
    @Parameter(property = "pgroll.lockTimeout", defaultValue = "50")
    long lockTimeout;

    /** A role to {@code SET ROLE} to before running DDL (command line {@code --role}). */
    @Parameter(property = "pgroll.role")
    String role;

    /** Whether each migration gets a version schema of views (command line {@code --use-version-schema}). */
    @Parameter(property = "pgroll.useVersionSchema", defaultValue = "true")
    boolean useVersionSchema;

    /**
     * Where the migration files are, comma separated: {@code filesystem:DIR} (a plain path means the same; relative to
     * the project's directory) or {@code classpath:PATH}, looked up in the project's resource directories, output
     * directory and compile class path. Only the files directly inside a location count; all are ordered by name.
     */
    @Parameter(property = "pgroll.locations", defaultValue = "filesystem:src/main/resources/db/pgroll")
    List<String> locations;

    /** Rows per backfill batch; 0 sizes batches to take {@code backfillBatchTarget} (command line {@code --backfill-batch-size}). */
    @Parameter(property = "pgroll.backfillBatchSize", defaultValue = "0")
    int backfillBatchSize;

    /** Pause between backfill batches in milliseconds (command line {@code --backfill-batch-delay}). */
    @Parameter(property = "pgroll.backfillBatchDelay", defaultValue = "0")
    long backfillBatchDelay;

    /** How long an adaptively sized batch should take, in milliseconds (command line {@code --backfill-batch-target}). */
    @Parameter(property = "pgroll.backfillBatchTarget", defaultValue = "50")
    long backfillBatchTarget;

    /**
     * Between backfill batches, wait while a streaming standby's replay lag exceeds this many milliseconds; 0 never
     * waits (command line {@code --max-replica-lag}). Seeing the standbys takes a superuser or {@code pg_monitor}.
     */
    @Parameter(property = "pgroll.maxReplicaLag", defaultValue = "0")
    long maxReplicaLag;

    /**
     * Bytes of WAL per second the backfill writes at most on average; 0 for no limit (command line
     * {@code --max-wal-rate}).
     */
    @Parameter(property = "pgroll.maxWalRate", defaultValue = "0")
    long maxWalRate;

    /** Skip the goal, e.g. in builds that have no database. */
    @Parameter(property = "pgroll.skip", defaultValue = "false")
    boolean skip;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    MavenSession session;

    @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
    MojoExecution mojoExecution;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        applyUserProperties();
        if (skip) {
            getLog().info("Skipping pgroll (pgroll.skip)");
            return;
        }
        if (url == null || url.isBlank()) {
            throw new MojoFailureException("no database URL: set <url> in the plugin's configuration or -Dpgroll.url");
        }
        try (URLClassLoader projectClassLoader = projectClassLoader()) {
            PgRoll pgroll = configure(projectClassLoader).load();
            run(pgroll);
        } catch (DatabaseException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (PgRollException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("could not close the project's class loader: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MojoExecutionException("unexpected error: " + e, e);
        }
    }

    /**
     * Maven lets a parameter set in the pom hide its user property; here {@code -Dpgroll.x=...} wins over the pom, so
     * that one build can point a configured project at another database or directory.
     */
    private void applyUserProperties() throws MojoExecutionException, MojoFailureException {
        for (org.apache.maven.plugin.descriptor.Parameter parameter : mojoExecution.getMojoDescriptor().getParameters()) {
            String expression = parameter.getExpression();
            if (!parameter.isEditable() || expression == null || !expression.startsWith("${")
                    || !expression.endsWith("}")) {
                continue;
            }
            String value = session.getUserProperties().getProperty(expression.substring(2, expression.length() - 1));
            if (value != null) {
                set(parameter.getName(), value);
            }
        }
    }

    private void set(String fieldName, String value) throws MojoExecutionException, MojoFailureException {
        try {
            Field field = field(getClass(), fieldName);
            Class<?> type = field.getType();
            if (type == boolean.class) {
                field.setBoolean(this, Boolean.parseBoolean(value.strip()));
            } else if (type == int.class) {
                field.setInt(this, Integer.parseInt(value.strip()));
            } else if (type == long.class) {
                field.setLong(this, Long.parseLong(value.strip()));
            } else if (type == List.class) {
                field.set(this, List.of(value.split(",")));
            } else {
                field.set(this, value);
            }
        } catch (NumberFormatException e) {
            throw new MojoFailureException("parameter " + fieldName + " takes a number, got \"" + value + "\"");
        } catch (ReflectiveOperationException e) {
            throw new MojoExecutionException("cannot set parameter " + fieldName + ": " + e.getMessage(), e);
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name)) {
                    return f;
                }
            }
        }
        throw new NoSuchFieldException(name);
    }

    /** What the goal does with the configured pgroll; a {@link PgRollException} fails the build with its message. */
    abstract void run(PgRoll pgroll) throws MojoFailureException;

    /** The start options the build configures (backfill batches), for the calls that take them explicitly. */
    final StartOptions startOptions() {
        return new StartOptions(false, backfillBatchSize, Duration.ofMillis(backfillBatchDelay),
                Duration.ofMillis(backfillBatchTarget), replicaLag(), maxWalRate);
    }

    /** The parameter as the core takes it: null never waits (a negative value is left for the core to refuse). */
    private Duration replicaLag() {
        return maxReplicaLag == 0 ? null : Duration.ofMillis(maxReplicaLag);
    }

    private PgRollBuilder configure(ClassLoader projectClassLoader) {
        PgRollBuilder builder = PgRoll.configure()
                .url(url)
                .schema(schema)
                .stateSchema(stateSchema)
                .lockTimeout(Duration.ofMillis(lockTimeout))
                .useVersionSchema(useVersionSchema)
                .locations(resolvedLocations().toArray(String[]::new))
                .classLoader(projectClassLoader)
                .backfillBatchSize(backfillBatchSize)
                .backfillBatchDelay(Duration.ofMillis(backfillBatchDelay))
                .backfillBatchTarget(Duration.ofMillis(backfillBatchTarget))
                .maxReplicaLag(replicaLag())
                .maxWalRate(maxWalRate)
                .listener(new BackfillProgressLog(getLog()));
        if (role != null && !role.isBlank()) {
            builder.role(role);
        }
        return builder;
    }

    /** Filesystem locations made absolute against the project, since Maven may run from another directory. */
    private List<String> resolvedLocations() {
        List<String> resolved = new ArrayList<>();
        for (String location : locations) {
            String l = location.strip();
            if (l.startsWith(MigrationLocations.CLASSPATH)) {
                resolved.add(l);
            } else {
                String dir = l.startsWith(MigrationLocations.FILESYSTEM)
                        ? l.substring(MigrationLocations.FILESYSTEM.length()) : l;
                resolved.add(MigrationLocations.FILESYSTEM + project.getBasedir().toPath().resolve(dir).normalize());
            }
        }
        return resolved;
    }

    /**
     * The project's resource directories come first so that {@code classpath:} locations work before
     * process-resources has copied them; the platform loader as parent keeps the plugin's own classes out of sight.
     */
    private URLClassLoader projectClassLoader() {
        List<URL> urls = new ArrayList<>();
        for (Resource resource : project.getResources()) {
            urls.add(url(new File(resource.getDirectory()).toPath()));
        }
        try {
            for (String element : project.getCompileClasspathElements()) {
                urls.add(url(Path.of(element)));
            }
        } catch (DependencyResolutionRequiredException e) {
            throw new PgRollException("the project's compile class path is not resolved: " + e.getMessage());
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }
}
