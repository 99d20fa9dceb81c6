package io.pgroll.core.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.ThreadMXBean;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Reading costs time and memory in proportion to the input, however long its lines, and the YAML reader that makes
 * it so ({@link LinearStreamReader}) is indistinguishable from SnakeYAML's own otherwise.
 */
class MigrationReaderLinearityTest {
    private static final int CHUNK = 1023;

    /**
     * Allocation, unlike time, is not disturbed by other processes: twice the input must cost about twice as much,
     * where SnakeYAML's StreamReader, copying its window at every 1023 characters of a line, costs four times as much.
     */
    @ParameterizedTest
    @ValueSource(strings = {"block", "plain", "double-quoted", "single-quoted", "json"})
    void allocationGrowsLinearlyWithTheLengthOfALine(String style) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        allocatedBy(threads, style, 1 << 12);
        long half = allocatedBy(threads, style, 1 << 19);
        long full = allocatedBy(threads, style, 1 << 20);
        assertTrue(full < 3 * half, style + ": " + half + " bytes for 512 KiB, " + full + " bytes for 1 MiB");
    }

    private static long allocatedBy(ThreadMXBean threads, String style, int length) {
        String content = migrationWithLongLine(style, length);
        String file = style.equals("json") ? "01_long.json" : "01_long.yaml";
        long before = threads.getCurrentThreadAllocatedBytes();
        RawSql sql = (RawSql) MigrationReader.parse(file, content).operations().get(0);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(length, sql.up().strip().length());
        return allocated;
    }

    /** A migration whose SQL is one line of {@code length} characters without blanks. */
    private static String migrationWithLongLine(String style, int length) {
        String sql = "x".repeat(length);
        return switch (style) {
            case "block" -> "operations:\n  - sql:\n      up: |\n        " + sql + "\n";
            case "plain" -> "operations:\n  - sql:\n      up: " + sql + "\n";
            case "double-quoted" -> "operations:\n  - sql:\n      up: \"" + sql + "\"\n";
            case "single-quoted" -> "operations:\n  - sql:\n      up: '" + sql + "'\n";
            case "json" -> "{\"operations\": [{\"sql\": {\"up\": \"" + sql + "\"}}]}";
            default -> throw new IllegalArgumentException(style);
        };
    }

    @Test
    void overridesEveryPublicMethodOfStreamReader() {
        // a method added to StreamReader by a SnakeYAML upgrade would otherwise read the superclass's empty input
        for (Method m : StreamReader.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) {
                try {
                    LinearStreamReader.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
                } catch (NoSuchMethodException e) {
                    throw new AssertionError("LinearStreamReader does not override " + m);
                }
            }
        }
    }

    @Test
    void sameEventsMarksAndErrorsAsStreamReader() {
        String line = "insert into t values (1, 'x');";
        String longRun = "x".repeat(5 * CHUNK + 7);
        String emoji = "\uD83D\uDE00";
        List<String> inputs = new ArrayList<>(List.of(
                "",
                "# only a comment",
                "operations:\n  - sql:\n      up: select 1\n      down: select 2\n",
                "{operations: [{drop_table: {name: t}}]}",
                "a: &x [1, 2]\nb: *x\nc: {<<: {d: e}}\n",
                "---\na: 1\n...\n---\nb: 2\n",
                "a: |\n  " + longRun + "\n  " + line + "\nb: c\n",
                "a: " + longRun + "\n",
                "a: \"" + longRun + "\\n" + longRun + "\"\n",
                "a: '" + longRun + "''" + longRun + "'\n",
                "# " + longRun + "\na: b\n",
                "a: " + (line + " ").repeat(200) + "\n",
                "a:\r\n  b: c\r\n  d: \"e\r\n    f\"\r\n",
                "a: b\r",
                "a: b\rc: d\n",
                "\uFEFFa: b\u0085c: d\u2028e\u2029\n",
                "a: b\uFEFFc\n",
                "a: 'never closed\n" + longRun,
                "a:\n  b: c\n d: e\n",
                "a: [1, 2\n",
                "a: b\u0001c\n",
                // an unprintable character is found when the chunk holding it is read, before or after this error
                "a: b: c\n" + "x".repeat(CHUNK / 2) + "\u0001",
                "a: b: c\n" + "x".repeat(CHUNK * 3 / 2) + "\u0001",
                "a: " + longRun + "\u0007\n",
                "a: b\uD800",
                "a: b\uDC00c\n",
                "a: " + emoji + "\n"));
        for (int at = CHUNK - 3; at <= CHUNK + 2; at++) {
            // a surrogate pair on every position around the end of the first chunk, in a plain scalar and a comment
            inputs.add("a: " + "y".repeat(at - 3) + emoji + "z\nb: c\n");
            inputs.add("#" + "y".repeat(at - 1) + emoji + emoji + "\nb: " + emoji + "\n");
            inputs.add("a: " + "y".repeat(at - 3) + "\r\n b\n");
        }
        LoaderOptions options = new LoaderOptions();
        for (String input : inputs) {
            assertEquals(events(new ParserImpl(new StreamReader(new StringReader(input)), options)),
                    events(new ParserImpl(new LinearStreamReader(input), options)), input);
        }
    }

    @Test
    void sameCodePointLimit() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(4 * CHUNK);
        for (String input : List.of("a: " + "x".repeat(5 * CHUNK) + "\n", "- x\n".repeat(2 * CHUNK))) {
            List<String> expected = events(new ParserImpl(new StreamReader(new StringReader(input)), options));
            assertTrue(expected.get(expected.size() - 1).contains("exceeds the limit"), expected.toString());
            assertEquals(expected, events(new ParserImpl(new LinearStreamReader(input), options)));
        }
    }

    /** Every event with its marks, ending with the error if parsing fails. */
    private static List<String> events(ParserImpl parser) {
        List<String> events = new ArrayList<>();
        Function<Mark, String> at = m -> m == null ? "-" : m.getIndex() + "@" + m.getLine() + ":" + m.getColumn();
        try {
            while (parser.peekEvent() != null) {
                Event event = parser.getEvent();
                events.add(event + " " + at.apply(event.getStartMark()) + "-" + at.apply(event.getEndMark()));
            }
        } catch (MarkedYAMLException e) {
            // the message would add the snippets, which LinearStreamReader leaves out
            events.add(e.getClass().getSimpleName() + ": " + e.getContext() + " " + at.apply(e.getContextMark())
                    + " / " + e.getProblem() + " " + at.apply(e.getProblemMark()));
        } catch (RuntimeException e) {
            events.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return events;
    }
}
