package io.pgroll.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Tells stalls of the machine from stalls of the database. bench/run starts one probe per CPU, pinned to it at the
 * highest real-time priority: a thread that sleeps 1 ms in a loop, which nothing in the guest can keep from running,
 * so a late wake-up is time the CPU itself was not there (on a virtual machine, the host held it). Each wake-up later
 * than {@link #REPORTED_MS} is appended to the file named by the argument as "epoch-ms-at-wake-up gap-ms".
 */
public final class FreezeProbe {

    static final long REPORTED_MS = 10;

    public static void main(String[] args) throws Exception {
        try (Writer out = Files.newBufferedWriter(Path.of(args[0]), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            long last = System.nanoTime();
            while (true) {
                Thread.sleep(1);
                long now = System.nanoTime();
                long gapMs = (now - last) / 1_000_000;
                if (gapMs > REPORTED_MS) {
                    out.write(System.currentTimeMillis() + " " + gapMs + "\n");
                    out.flush();
                }
                last = now;
            }
        }
    }

    /**
     * The longest gap any probe saw that overlaps [fromMs, untilMs] (epoch ms), or -1 when no probe runs: the files
     * are those under the directory the system property {@code bench.freezes} names.
     */
    static long longestFreeze(long fromMs, long untilMs) throws IOException {
        String dir = System.getProperty("bench.freezes");
        if (dir == null || !Files.isDirectory(Path.of(dir))) {
            return -1;
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of(dir))) {
            files = listing.toList();
        }
        if (files.isEmpty()) {
            return -1;
        }
        long longest = 0;
        for (Path file : files) {
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.trim().split(" ");
                if (fields.length != 2) {
                    continue;
                }
                long end = Long.parseLong(fields[0]);
                long gap = Long.parseLong(fields[1]);
                if (end >= fromMs && end - gap <= untilMs) {
                    longest = Math.max(longest, gap);
                }
            }
        }
        return longest;
    }
}
