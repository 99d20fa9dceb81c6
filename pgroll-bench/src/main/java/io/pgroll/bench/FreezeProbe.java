package io.pgroll.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
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

    /** A stretch of time in epoch ms, [from, until]. */
    record Freeze(long from, long until) {
    }

    /**
     * The gaps each probe saw that overlap [fromMs, untilMs] (epoch ms), one list per probe, or null when no probe
     * runs: the files are those under the directory the system property {@code bench.freezes} names.
     */
    static List<List<Freeze>> freezes(long fromMs, long untilMs) throws IOException {
        String dir = System.getProperty("bench.freezes");
        if (dir == null || !Files.isDirectory(Path.of(dir))) {
            return null;
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of(dir))) {
            files = listing.toList();
        }
        if (files.isEmpty()) {
            return null;
        }
        List<List<Freeze>> probes = new ArrayList<>();
        for (Path file : files) {
            List<Freeze> gaps = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.trim().split(" ");
                if (fields.length != 2) {
                    continue;
                }
                long end = Long.parseLong(fields[0]);
                long gap = Long.parseLong(fields[1]);
                if (end >= fromMs && end - gap <= untilMs) {
                    gaps.add(new Freeze(end - gap, end));
                }
            }
            probes.add(gaps);
        }
        return probes;
    }

    /** The longest gap of any probe, or -1 when no probe runs. */
    static long longest(List<List<Freeze>> probes) {
        return probes == null ? -1 : probes.stream().flatMap(List::stream).mapToLong(f -> f.until() - f.from())
                .max().orElse(0);
    }

    /**
     * The stretches when every probe was held at once, the whole machine stopped: while one CPU alone is held, a
     * client on the other still runs.
     */
    static List<Freeze> wholeMachine(List<List<Freeze>> probes) {
        if (probes == null) {
            return List.of();
        }
        List<Freeze> common = probes.get(0);
        for (List<Freeze> other : probes.subList(1, probes.size())) {
            List<Freeze> both = new ArrayList<>();
            for (Freeze a : common) {
                for (Freeze b : other) {
                    long from = Math.max(a.from(), b.from());
                    long until = Math.min(a.until(), b.until());
                    if (from < until) {
                        both.add(new Freeze(from, until));
                    }
                }
            }
            common = both;
        }
        return common;
    }

    /** How much of [fromMs, untilMs] the machine spent stopped, given {@link #wholeMachine} stretches. */
    static long stoppedWithin(List<Freeze> stops, long fromMs, long untilMs) {
        long stopped = 0;
        for (Freeze f : stops) {
            stopped += Math.max(0, Math.min(untilMs, f.until()) - Math.max(fromMs, f.from()));
        }
        return stopped;
    }
}
