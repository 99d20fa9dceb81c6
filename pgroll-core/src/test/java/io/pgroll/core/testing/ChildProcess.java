package io.pgroll.core.testing;

import io.pgroll.core.PgRoll;
import io.pgroll.core.PgRollConfig;
import io.pgroll.core.StartOptions;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs start or complete in a separate JVM, so that a test can kill it dead at a fault point
 * ({@code -Dpgroll.fault.halt=<point>:<n>}) as a crash or kill -9 would.
 * Arguments: {@code start <url> <schema> <name> <json> <batchSize>} or {@code complete <url> <schema>}.
 */
public final class ChildProcess {

    public static void main(String[] args) {
        PgRoll roll = PgRoll.open(PgRollConfig.of(args[1]).withSchema(args[2]));
        if (args[0].equals("start")) {
            roll.start(Harness.migration(args[3], args[4]),
                    new StartOptions(false, Integer.parseInt(args[5]), Duration.ZERO));
        } else {
            roll.complete();
        }

        System.exit(0);
    }

    /** Runs the child to its end and returns its exit code (137 when halted at the fault point). */
    public static int run(String haltAt, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-cp", System.getProperty("java.class.path")));
        if (haltAt != null) {
            command.add("-Dpgroll.fault.halt=" + haltAt);
        }
        command.add(ChildProcess.class.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("child process did not finish");
        }
        return p.exitValue();
    }
}
