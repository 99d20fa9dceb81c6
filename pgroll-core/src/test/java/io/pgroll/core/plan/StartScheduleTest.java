package io.pgroll.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.plan.StartSchedule.Planned;
import io.pgroll.core.plan.StartSchedule.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartScheduleTest {

    private static Planned step(String sql, Role role) {
        return new Planned(Step.sql(sql), role);
    }

    private static List<String> order(StartSchedule s) {
        return s.plainSteps().stream().map(st -> st.statements().get(0)).toList();
    }

    @Test
    void columnsOfLaterOperationsAreAddedBeforeTheBackfillAndTriggersAfterIt() {
        StartSchedule s = StartSchedule.of(List.of(
                List.of(step("create t2", Role.OTHER)),
                List.of(step("add a", Role.COPY), step("trigger a", Role.TRIGGER), step("check a", Role.FILLED)),
                List.of(step("add b", Role.COPY), step("trigger b", Role.TRIGGER), step("index b", Role.FILLED)),
                List.of(step("index on a", Role.OTHER))));
        assertTrue(s.triggersAfterBackfill());
        assertEquals(List.of("create t2", "add a", "add b", "trigger a", "trigger b", "check a", "index b",
                "index on a"), order(s));
        assertEquals(3, s.backfillAt());
        assertEquals(5, s.catchUpAt());
        assertEquals(List.of(0, 1, 2, 1, 2, 1, 2, 3), s.steps().stream().map(StartSchedule.Scheduled::operation).toList());
    }

    @Test
    void anotherStepBetweenTheFirstTriggerAndALaterColumnKeepsTheWrittenOrder() {
        StartSchedule s = StartSchedule.of(List.of(
                List.of(step("add a", Role.COPY), step("trigger a", Role.TRIGGER)),
                List.of(step("create type", Role.OTHER)),
                List.of(step("add b of that type", Role.COPY), step("trigger b", Role.TRIGGER))));
        assertFalse(s.triggersAfterBackfill());
        assertEquals(List.of("add a", "trigger a", "create type", "add b of that type", "trigger b"), order(s));
        assertEquals(5, s.backfillAt());
        assertEquals(5, s.catchUpAt());
    }

    @Test
    void theSameColumnChangedTwiceKeepsTheWrittenOrder() {
        StartSchedule s = StartSchedule.of(List.of(
                List.of(step("add a", Role.COPY), step("trigger a", Role.TRIGGER), step("not null a", Role.FILLED)),
                List.of(step("retype a", Role.CHANGE_COPY), step("trigger a again", Role.TRIGGER))));
        assertFalse(s.triggersAfterBackfill());
        assertEquals(List.of("add a", "trigger a", "not null a", "retype a", "trigger a again"), order(s));
    }

    @Test
    void withoutTriggersNothingMoves() {
        StartSchedule s = StartSchedule.of(List.of(
                List.of(step("add a", Role.COPY), step("check a", Role.OTHER)),
                List.of(step("create index", Role.OTHER))));
        assertFalse(s.triggersAfterBackfill());
        assertEquals(List.of("add a", "check a", "create index"), order(s));
    }
}
