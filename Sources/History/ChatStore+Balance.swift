import ChatCore
import Foundation

extension ChatStore {
    @discardableResult
    public func recordBalance(_ reading: BalanceReading) throws -> BalanceReading {
        try write { db in
            try db.execute(sql: """
                INSERT INTO balance_reading (time, endpoint_host, currency, total, granted, topped_up, resolution)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [StoredDate.text(reading.time), reading.endpointHost, reading.currency, reading.total, reading.granted,
                                 reading.toppedUp, reading.resolution])
            var recorded = reading
            recorded.id = db.lastInsertedRowID
            return recorded
        }
    }

    public func balanceReadings(endpointHost: String?, limit: Int) throws -> [BalanceReading] {
        try read { db in
            let condition = endpointHost == nil ? "1" : "endpoint_host = ?"
            let arguments: SQLArguments = endpointHost.map { [$0] } ?? []
            let rows = try SQLRow.fetchAll(db, sql: "SELECT * FROM balance_reading WHERE \(condition) ORDER BY time DESC, id DESC LIMIT \(max(0, limit))",
                                        arguments: arguments)
            return try rows.reversed().map { row in
                BalanceReading(id: try row.decode(forColumn: "id"), time: try StoredDate.decode(row, "time"),
                               endpointHost: try row.decode(forColumn: "endpoint_host"), currency: try row.decode(forColumn: "currency"),
                               total: try row.decode(forColumn: "total"), granted: try row.decode(forColumn: "granted"),
                               toppedUp: try row.decode(forColumn: "topped_up"), resolution: try row.decode(forColumn: "resolution"))
            }
        }
    }
}
