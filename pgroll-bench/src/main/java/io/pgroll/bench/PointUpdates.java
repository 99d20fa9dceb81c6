package io.pgroll.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Single-row updates by primary key from several connections for a fixed time; returns transactions per second. */
final class PointUpdates {
    private final String url;
    private final String table;
    private final long rows;
    private final int connections;
    private final int seconds;

    PointUpdates(String url, String table, long rows, int connections, int seconds) {
        this.url = url;
        this.table = table;
        this.rows = rows;
        this.connections = connections;
        this.seconds = seconds;
    }

    double run() throws InterruptedException {
        AtomicLong done = new AtomicLong();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(url);
                     PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET name = ? WHERE id = ?")) {
                    while (System.nanoTime() < deadline) {
                        long id = ThreadLocalRandom.current().nextLong(1, rows + 1);
                        ps.setString(1, "person_" + id);
                        ps.setLong(2, id);
                        ps.executeUpdate();
                        done.incrementAndGet();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return done.get() / (double) seconds;
    }
}
