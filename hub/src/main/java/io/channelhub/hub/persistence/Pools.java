package io.channelhub.hub.persistence;

import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.db.PooledDataSourceFactory;

/**
 * The connection pool the hub's Jdbi uses. Dropwizard's (tomcat-jdbc) wraps every statement and result set a pooled
 * connection hands out in a reflective proxy, so that a statement's {@code equals} and {@code hashCode} keep working
 * after it is closed; nothing in the hub compares statements, and the proxies cost a reflective call for every
 * {@code setString}, {@code next} and {@code getString}: 6% of a chat turn's CPU on MariaDB, most of it reading
 * result sets. The connection itself stays proxied (closing it returns it to the pool, and a closed one refuses
 * use).
 */
public final class Pools {

    private Pools() {
    }

    /** Builds the pool as Dropwizard does, without the statement facade. */
    public static ManagedDataSource build(PooledDataSourceFactory factory, com.codahale.metrics.MetricRegistry metrics,
                                          String name) {
        ManagedDataSource ds = factory.build(metrics, name);
        withoutStatementFacade(ds);
        return ds;
    }

    /** Before the pool's first connection: tomcat-jdbc reads its properties when it creates the pool. */
    static void withoutStatementFacade(ManagedDataSource ds) {
        if (ds instanceof org.apache.tomcat.jdbc.pool.DataSourceProxy pool) {
            pool.getPoolProperties().setUseStatementFacade(false);
        }
    }
}
