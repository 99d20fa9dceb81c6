package io.pgroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgroll.core.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

    @Test
    void theNoteOfAnUnfinishedStartIsAddedAndOtherwiseTheKeysArePgrolls() {
        assertEquals("""
                {
                  "schema": "public",
                  "version": "01_a",
                  "status": "Complete"
                }""", StatusCommand.toJson(new Status("public", "01_a", Status.COMPLETE)));
        assertEquals("""
                {
                  "schema": "public",
                  "version": "01_a",
                  "status": "In progress",
                  "note": "start of \\"02_b\\" was interrupted"
                }""", StatusCommand.toJson(new Status("public", "01_a", Status.IN_PROGRESS,
                "start of \"02_b\" was interrupted")));
        assertEquals("""
                {
                  "schema": "public",
                  "version": "01_a",
                  "status": "Complete",
                  "drift": [
                    "column \\"note\\" added to table \\"items\\"",
                    "table \\"extra\\" added"
                  ]
                }""", StatusCommand.toJson(new Status("public", "01_a", Status.COMPLETE, null,
                List.of("column \"note\" added to table \"items\"", "table \"extra\" added"))));
    }
}
