package io.pgroll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

    @Test
    void parsesGoDurations() {
        assertEquals(Duration.ZERO, GoDuration.parse("0"));
        assertEquals(Duration.ZERO, GoDuration.parse("0s"));
        assertEquals(Duration.ofMillis(100), GoDuration.parse("100ms"));
        assertEquals(Duration.ofSeconds(1), GoDuration.parse("1s"));
        assertEquals(Duration.ofSeconds(90), GoDuration.parse("1m30s"));
        assertEquals(Duration.ofMillis(1500), GoDuration.parse("1.5s"));
        assertEquals(Duration.ofMillis(500), GoDuration.parse(".5s"));
        assertEquals(Duration.ofMinutes(150), GoDuration.parse("2h30m"));
        assertEquals(Duration.ofNanos(1_000_250), GoDuration.parse("1ms250ns"));
        assertEquals(Duration.ofNanos(3_000), GoDuration.parse("3us"));
        assertEquals(Duration.ofNanos(3_000), GoDuration.parse("3\u00b5s"));
        assertEquals(Duration.ofSeconds(-2), GoDuration.parse("-2s"));
        assertEquals(Duration.ofSeconds(2), GoDuration.parse("+2s"));
        assertEquals(Duration.ofMillis(10), GoDuration.parse(" 10ms "));
    }

    @Test
    void rejectsOtherText() {
        for (String bad : new String[] {"", "s", "10", "1x", "1.2.3s", "ms", "1 s", "-", "1s2", "one second"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(bad),
                    bad);
            assertEquals(-1, e.getMessage().indexOf('\n'));
        }
    }

    @Test
    void formatsLikeGo() {
        assertEquals("0s", GoDuration.format(Duration.ZERO));
        assertEquals("100ms", GoDuration.format(Duration.ofMillis(100)));
        assertEquals("1s", GoDuration.format(Duration.ofSeconds(1)));
        assertEquals("1m30s", GoDuration.format(Duration.ofSeconds(90)));
        assertEquals("1.5s", GoDuration.format(Duration.ofMillis(1500)));
        assertEquals("2h0m0s", GoDuration.format(Duration.ofHours(2)));
        assertEquals("-2s", GoDuration.format(Duration.ofSeconds(-2)));
    }
}
