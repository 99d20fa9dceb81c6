package io.pgroll.spring;

import io.pgroll.core.PgRoll;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The application's DataSource as the application sees it: each connection it hands out is pinned to the version
 * schema of the application's last migration ({@link PgRoll#versionedDataSource}); pgroll itself uses {@link #raw()}.
 * The version is looked up at the first {@code getConnection}, not when the DataSource bean is created, because it
 * comes from the {@link PgRoll} bean, which needs the DataSource first.
 */
public final class PgRollPinnedDataSource extends DelegatingDataSource {

    private final Supplier<PgRollApplicationVersion> version;
    private volatile DataSource pinned;

    PgRollPinnedDataSource(DataSource raw, Supplier<PgRollApplicationVersion> version) {
        super(raw);
        this.version = version;
    }

    /** The DataSource as configured, without pinning. */
    public DataSource raw() {
        return obtainTargetDataSource();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pinned().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return pinned().getConnection(username, password);
    }

    private DataSource pinned() {
        DataSource p = pinned;
        if (p == null) {
            String schema = version.get().versionSchema();
            p = schema == null ? raw() : PgRoll.versionedDataSource(raw(), schema);
            pinned = p;
        }
        return p;
    }
}
