/// Small helpers for writing HTML and SVG text by hand.
enum HTML {
    /// `text` with `& < > " '` escaped, safe inside element content and quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Milliseconds for a table cell: one decimal, or an em dash when missing.
    static func ms(_ value: Double?) -> String {
        Fixed.format(value, 1, placeholder: "—")
    }

    /// A percentage for a table cell: two decimals and `%`, or an em dash when missing.
    static func percent(_ value: Double?) -> String {
        value.map { Fixed.format($0, 2) + " %" } ?? "—"
    }

    /// `part` of `whole` as a percentage with one decimal, or an em dash when `whole` is 0.
    static func share(_ part: Int, of whole: Int) -> String {
        whole > 0 ? Fixed.format(Double(part) / Double(whole) * 100, 1) + " %" : "—"
    }
}
