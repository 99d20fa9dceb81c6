package io.pgroll.core.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The order in which a start runs its operations' steps, and where the backfill goes.
 *
 * <p>A table with a BEFORE UPDATE row trigger costs every updated row an extra tuple lock, even when the trigger's
 * WHEN clause skips it: a backfill running alongside the sync triggers is about a fifth slower than a bulk UPDATE.
 * So, when the plan allows, the new columns are added first, backfilled with no trigger on the table, and only then
 * are the triggers installed; a catch-up pass then rewrites the rows that clients wrote in the meantime (found by
 * their transaction ids), and the steps that constrain or index the filled columns run last. No client of the new
 * version exists before the version schema is created, at the very end, so until then every write is an old-version
 * write and recomputing the new columns from it is exactly what the triggers would have done.
 *
 * <p>Moving the column additions forward is only safe over steps they cannot depend on (triggers, and an
 * operation's own constraints on what its triggers fill). When some other step (raw SQL, a new table, a rename) lies
 * between the first trigger and the last column addition, or an operation changes a column an earlier one added (a
 * later type change would empty it after the backfill), the plan runs in its written order and the backfill runs
 * last, with the triggers in place and standing aside for it.
 *
 * @param steps                 the steps in running order, each with the index of the operation that planned it
 * @param backfillAt            how many steps run before the backfill
 * @param catchUpAt             how many steps run before the catch-up pass (after the triggers are installed)
 * @param triggersAfterBackfill whether the backfill runs before the triggers exist, so that a catch-up is needed
 */
public record StartSchedule(List<Scheduled> steps, int backfillAt, int catchUpAt, boolean triggersAfterBackfill) {

    /** What a planned step does, which decides how far it may move. */
    public enum Role {
        /** Adds a column that triggers and the backfill fill, with nothing a write without triggers could break. */
        COPY,
        /** Changes a column that an earlier COPY step added: the written order is kept. */
        CHANGE_COPY,
        /** Installs a sync trigger. */
        TRIGGER,
        /** A step an operation plans after its first trigger: it constrains or indexes what the triggers fill. */
        FILLED,
        /** Anything else; it keeps its place. */
        OTHER,
        /** Checks what the backfill wrote: runs after the backfill and its catch-up, last. */
        AFTER_BACKFILL
    }

    public record Planned(Step step, Role role) {
    }

    public record Scheduled(int operation, Step step) {
    }

    public StartSchedule {
        steps = List.copyOf(steps);
    }

    /** Schedules the steps each operation planned, given in operation order. */
    public static StartSchedule of(List<List<Planned>> byOperation) {
        List<Scheduled> written = new ArrayList<>();
        List<Role> roles = new ArrayList<>();
        for (int op = 0; op < byOperation.size(); op++) {
            for (Planned p : byOperation.get(op)) {
                written.add(new Scheduled(op, p.step()));
                roles.add(p.role());
            }
        }
        int firstTrigger = roles.indexOf(Role.TRIGGER);
        int lastCopy = roles.lastIndexOf(Role.COPY);
        boolean movable = firstTrigger >= 0 && !roles.contains(Role.CHANGE_COPY)
                && roles.subList(firstTrigger, Math.max(firstTrigger, lastCopy)).stream().noneMatch(r -> r == Role.OTHER);
        List<Role> beforeChecks = List.of(Role.values()).stream().filter(r -> r != Role.AFTER_BACKFILL).toList();
        if (!movable) {
            List<Scheduled> ordered = new ArrayList<>();
            addAll(ordered, written, 0, roles, beforeChecks);
            int backfillAt = ordered.size();
            addAll(ordered, written, 0, roles, List.of(Role.AFTER_BACKFILL));
            return new StartSchedule(ordered, backfillAt, backfillAt, false);
        }
        List<Scheduled> ordered = new ArrayList<>(written.subList(0, firstTrigger));
        List<Role> later = roles.subList(firstTrigger, roles.size());
        addAll(ordered, written, firstTrigger, later, List.of(Role.COPY));
        int backfillAt = ordered.size();
        addAll(ordered, written, firstTrigger, later, List.of(Role.TRIGGER));
        int catchUpAt = ordered.size();
        addAll(ordered, written, firstTrigger, later, List.of(Role.FILLED, Role.OTHER));
        addAll(ordered, written, firstTrigger, later, List.of(Role.AFTER_BACKFILL));
        return new StartSchedule(ordered, backfillAt, catchUpAt, true);
    }

    /** Appends, in written order, the steps from {@code from} on whose role is one of {@code wanted}. */
    private static void addAll(List<Scheduled> into, List<Scheduled> written, int from, List<Role> roles,
                               List<Role> wanted) {
        for (int i = 0; i < roles.size(); i++) {
            if (wanted.contains(roles.get(i))) {
                into.add(written.get(from + i));
            }
        }
    }

    /** The steps alone, in running order. */
    public List<Step> plainSteps() {
        return steps.stream().map(Scheduled::step).toList();
    }
}
