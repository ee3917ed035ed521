/// Small text helpers the SDP parser and writer share. SDP is ASCII line by line; nothing here needs Foundation.
enum SDPSyntax {
    /// The characters RFC 8839 §5.4 allows in ice-ufrag, ice-pwd and candidate foundations: `ice-char`.
    static func isICEChar(_ c: Character) -> Bool {
        guard c.isASCII else { return false }
        return c.isLetter || c.isNumber || c == "+" || c == "/"
    }

    /// True when `text` can sit inside one SDP line as a single token: printable ASCII without spaces.
    static func isToken(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// `text` without leading and trailing whitespace.
    static func trimmed(_ text: Substring) -> Substring {
        var result = text.drop(while: \.isWhitespace)
        while let last = result.last, last.isWhitespace { result = result.dropLast() }
        return result
    }

    /// The whitespace-separated words of `text` (runs of spaces or tabs count as one).
    static func words(_ text: Substring) -> [Substring] {
        text.split(whereSeparator: \.isWhitespace)
    }

    /// Splits `text` once at the first `separator`; the second half is nil when there is none.
    static func splitOnce(_ text: Substring, at separator: Character) -> (Substring, Substring?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (text[..<index], text[text.index(after: index)...])
    }

    /// The first `limit` characters of `text`, for quoting a bad line in an error without quoting a whole body.
    static func excerpt(_ text: some StringProtocol, limit: Int = 80) -> String {
        text.count <= limit ? String(text) : String(text.prefix(limit)) + "…"
    }
}
