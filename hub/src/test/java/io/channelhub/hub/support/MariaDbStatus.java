package io.channelhub.hub.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * MariaDB's own counters, for tests that hold a query to the rows it reads: what the server did, whatever plan the
 * optimizer chose, so a lookup that scans a history fails however it is written.
 */
public final class MariaDbStatus {

    private MariaDbStatus() {
    }

    /** Rows the server read from tables, server-wide (tests run one at a time; the hub's pollers read a few). */
    public static long rowsRead(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Rows_read'")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
