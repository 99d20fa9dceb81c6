package io.pgroll.cli;

import io.pgroll.core.StartOptions;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The backfill flags shared by {@code start} and {@code migrate}. */
final class BackfillOptions {

    @Option(names = "--backfill-batch-size", paramLabel = "N", defaultValue = "" + StartOptions.DEFAULT_BATCH_SIZE,
            description = "Rows backfilled per batch; " + StartOptions.AUTO_BATCH_SIZE + " sizes batches adaptively "
                    + "(default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--backfill-batch-delay", paramLabel = "DURATION", defaultValue = "0s",
            converter = Converters.GoDurationConverter.class,
            description = "Pause between backfill batches, e.g. 100ms, 1s, 1m30s (default: ${DEFAULT-VALUE})")
    Duration batchDelay;

    @Option(names = "--backfill-batch-target", paramLabel = "DURATION", defaultValue = "50ms",
            converter = Converters.GoDurationConverter.class,
            description = "How long an adaptively sized batch should take; a client writing a row of the running "
                    + "batch waits up to this long (default: ${DEFAULT-VALUE})")
    Duration batchTarget;

    @Option(names = "--max-replica-lag", paramLabel = "DURATION", converter = Converters.GoDurationConverter.class,
            description = "Between backfill batches, wait while a streaming standby's replay lag exceeds this, e.g. "
                    + "500ms, 5s; seeing the standbys takes a superuser or pg_monitor (default: off)")
    Duration maxReplicaLag;

    @Option(names = "--max-wal-rate", paramLabel = "RATE", defaultValue = "0",
            converter = Converters.ByteSizeConverter.class,
            description = "WAL the backfill writes per second at most on average: bytes, or with a unit B, kB, MB, "
                    + "GB, TB as in postgresql.conf, e.g. 16MB; 0 for no limit (default: ${DEFAULT-VALUE})")
    long maxWalRate;
}
