import Foundation
internal import GRDB

// MARK: - Raw access, for schema checks and ad-hoc queries

extension ResultStore {
    /// Runs a read-only SQL query and returns its rows as column name → stored value.
    ///
    /// For tests, diagnostics and ad-hoc inspection; reports use the typed reads.
    public func rawRows(sql: String, arguments: [StoredValue] = []) throws -> [[String: StoredValue]] {
        try self.read("run the query \(sql)") { db in
            let args = StatementArguments(arguments.map(Self.databaseValue))
            return try Row.fetchAll(db, sql: sql, arguments: args).map { row in
                var values: [String: StoredValue] = [:]
                for (column, value) in row { values[column] = Self.storedValue(value) }
                return values
            }
        }
    }

    /// The column names of `table`, in schema order (`PRAGMA table_info`); empty when there is no such table.
    public func columns(ofTable table: String) throws -> [String] {
        try self.rawRows(sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [.text(table)])
            .compactMap { if case .text(let name)? = $0["name"] { name } else { nil } }
    }

    /// The names of the user tables, sorted.
    public func tableNames() throws -> [String] {
        try self.rawRows(
            sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).compactMap { if case .text(let name)? = $0["name"] { name } else { nil } }
    }

    private static func storedValue(_ value: DatabaseValue) -> StoredValue {
        switch value.storage {
        case .null: return .null
        case .int64(let v): return .integer(v)
        case .double(let v): return .real(v)
        case .string(let v): return .text(v)
        case .blob(let v): return .blob([UInt8](v))
        }
    }

    private static func databaseValue(_ value: StoredValue) -> DatabaseValue {
        switch value {
        case .null: return .null
        case .integer(let v): return v.databaseValue
        case .real(let v): return v.databaseValue
        case .text(let v): return v.databaseValue
        case .blob(let v): return Data(v).databaseValue
        }
    }
}
