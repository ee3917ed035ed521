/// One SQLite value as stored, for callers that look at raw rows (schema checks, ad-hoc queries).
public enum StoredValue: Sendable, Hashable, CustomStringConvertible {
    /// SQL NULL.
    case null
    /// An INTEGER.
    case integer(Int64)
    /// A REAL.
    case real(Double)
    /// TEXT.
    case text(String)
    /// A BLOB's bytes.
    case blob([UInt8])

    /// Whether the value is SQL NULL.
    public var isNull: Bool { self == .null }

    /// The value as SQLite would print it; `NULL` for null.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let v): return v
        case .blob(let v): return "<\(v.count) bytes>"
        }
    }
}
