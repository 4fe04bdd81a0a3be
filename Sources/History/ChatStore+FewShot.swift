import ChatCore

extension ChatStore {
    /// How many conversations use the few-shot set `name`, per content version (nil: no
    /// version recorded). Archived conversations count: they can be reopened.
    public func fewShotUsage(name: String) throws -> [String?: Int] {
        try read { db in
            let rows = try SQLRow.fetchAll(db, sql: """
                SELECT few_shot_version, COUNT(*) AS n FROM conversation
                WHERE few_shot_set = ? GROUP BY few_shot_version
                """, arguments: [name])
            var usage: [String?: Int] = [:]
            for row in rows { usage[try row.decode(String?.self, forColumn: "few_shot_version")] = try row.decode(forColumn: "n") }
            return usage
        }
    }
}
