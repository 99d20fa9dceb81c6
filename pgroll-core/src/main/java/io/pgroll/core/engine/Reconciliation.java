package io.pgroll.core.engine;

import io.pgroll.core.MigrationStateException;
import io.pgroll.core.baseline.Baseline;
import io.pgroll.core.migration.Migration;
import io.pgroll.core.migration.MigrationFileException;
import io.pgroll.core.migration.MigrationWriter;
import io.pgroll.core.migration.Operation;
import io.pgroll.core.state.MigrationRecord;
import io.pgroll.core.state.StateStore.SinceBaseline;
import java.util.List;
import java.util.Objects;

/**
 * Matches a directory's migrations with the history a database has recorded, without touching either: which files are
 * already applied, which are pending, and whether the two disagree.
 */
final class Reconciliation {

    private Reconciliation() {
    }

    /**
     * The local migrations still to apply, in order. Files named up to the newest baseline are skipped; the rest must
     * match the history after it name by name (as pgroll checks), and each applied file must still hold what was
     * applied: the same operations and version schema, whatever the formatting, key order or file format. A database
     * with no history at all starts from the newest baseline file: it re-creates what the files before it built.
     */
    static List<Migration> pending(SinceBaseline history, List<Migration> local) {
        String baseline = history.baseline();
        List<MigrationRecord> applied = history.migrations();
        List<Migration> candidates;
        if (baseline != null) {
            candidates = local.stream().filter(m -> m.name().compareTo(baseline) > 0).toList();
        } else if (applied.isEmpty()) {
            int newestBaseline = local.size() - 1;
            while (newestBaseline >= 0 && !Baseline.isBaselineFile(local.get(newestBaseline))) {
                newestBaseline--;
            }
            candidates = local.subList(Math.max(newestBaseline, 0), local.size());
        } else {
            candidates = local;
        }
        for (int i = 0; i < applied.size(); i++) {
            String remote = applied.get(i).name();
            String mine = i < candidates.size() ? candidates.get(i).name() : "";
            if (!remote.equals(mine)) {
                throw new MigrationStateException("remote migration does not match local migration: remote=\"" + remote
                        + "\", local=\"" + mine + "\"");
            }
            requireUnchanged(applied.get(i), candidates.get(i));
        }
        return candidates.subList(Math.min(applied.size(), candidates.size()), candidates.size());
    }

    private static void requireUnchanged(MigrationRecord applied, Migration file) {
        Migration recorded;
        try {
            recorded = MigrationWriter.fromJson(applied.name(), applied.migrationJson());
        } catch (MigrationFileException unreadable) {
            return; // written by another tool in a form we do not read: there is nothing to compare with
        }
        String difference = difference(recorded, file);
        if (difference != null) {
            throw new MigrationStateException("migration \"" + file.name() + "\" was changed after it was applied: "
                    + difference + "; restore the applied version of the file (pgroll pull writes it) and put the "
                    + "change in a new migration");
        }
    }

    /** What differs between the applied migration and the file, or null when nothing does. */
    static String difference(Migration applied, Migration file) {
        if (!Objects.equals(blankToNull(applied.versionSchema()), blankToNull(file.versionSchema()))) {
            return "version_schema is " + quoted(file.versionSchema()) + " in the file, " + quoted(applied.versionSchema())
                    + " when applied";
        }
        List<Operation> was = applied.operations();
        List<Operation> is = file.operations();
        for (int i = 0; i < Math.min(was.size(), is.size()); i++) {
            if (!was.get(i).key().equals(is.get(i).key())) {
                return "operations[" + i + "] is " + is.get(i).key() + " in the file, " + was.get(i).key()
                        + " when applied";
            }
            if (!was.get(i).equals(is.get(i))) {
                return "operations[" + i + "] (" + is.get(i).key() + ") differs from what was applied";
            }
        }
        if (was.size() != is.size()) {
            return "the file has " + is.size() + " operations, " + was.size() + " were applied";
        }
        return null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String quoted(String s) {
        return blankToNull(s) == null ? "not set" : "\"" + s + "\"";
    }
}
