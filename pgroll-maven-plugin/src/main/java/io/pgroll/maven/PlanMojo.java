package io.pgroll.maven;

import io.pgroll.core.PgRoll;
import io.pgroll.core.explain.MigrationPlan;
import io.pgroll.core.explain.StatementClassifier;
import io.pgroll.core.migration.Migration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Shows what start, complete and rollback of a migration would run, changing nothing: each statement with the locks
 * it takes and the tables it scans or rewrites, and the backfill. With {@code maxBlockingRows} it fails the build when
 * a statement would block writes while it scans or rewrites a larger table, so that CI can stop such a migration.
 */
@Mojo(name = "plan", threadSafe = true, requiresDependencyResolution = ResolutionScope.COMPILE)
public class PlanMojo extends AbstractPgRollMojo {

    /** The name of the migration to plan (its file name without extension); default the first pending one. */
    @Parameter(property = "pgroll.migration")
    String migration;

    /**
     * Fail when a statement would hold SHARE or a stronger lock (writes blocked) while scanning or rewriting a table of
     * more than this many estimated rows; 0 only reports (command line {@code plan --max-blocking-rows}).
     */
    @Parameter(property = "pgroll.maxBlockingRows", defaultValue = "0")
    long maxBlockingRows;

    @Override
    void run(PgRoll pgroll) throws MojoFailureException {
        Migration chosen = Messages.chosen(pgroll, migration);
        MigrationPlan plan = pgroll.plan(chosen, startOptions());
        getLog().info("Plan for migration \"" + plan.migration() + "\" on schema \"" + plan.schema() + "\"");
        for (MigrationPlan.Phase phase : plan.phases()) {
            getLog().info(phase.name() + ":");
            for (MigrationPlan.Statement s : phase.statements()) {
                getLog().info("  step " + s.step() + (s.outsideTransaction() ? " (outside a transaction)" : "") + ": "
                        + (s.recognised() ? s.kind() : "unknown: " + s.kind()) + locks(s.locks()));
            }
            for (MigrationPlan.Backfill b : phase.backfills()) {
                getLog().info("  backfill " + b.table() + " (" + String.join(", ", b.columns()) + "): ~" + b.rows()
                        + " rows in ~" + b.batches() + " batches, projected " + b.projectedDuration().toMillis()
                        + " ms");
            }
        }
        if (maxBlockingRows > 0) {
            List<MigrationPlan.Blocking> blocking = plan.blocking(maxBlockingRows);
            if (!blocking.isEmpty()) {
                throw new MojoFailureException(blocking.get(0).describe() + ", above maxBlockingRows " + maxBlockingRows
                        + (blocking.size() > 1 ? " (and " + (blocking.size() - 1) + " more)" : ""));
            }
        }
    }

    private static String locks(List<MigrationPlan.RelationLock> locks) {
        if (locks.isEmpty()) {
            return "";
        }
        return locks.stream().map(l -> l.mode().sqlName() + " on " + l.relation() + access(l.access()))
                .collect(Collectors.joining("; ", " - ", ""));
    }

    private static String access(StatementClassifier.Access access) {
        return switch (access) {
            case NONE -> "";
            case SCAN -> ", scans";
            case REWRITE -> ", rewrites";
        };
    }
}
