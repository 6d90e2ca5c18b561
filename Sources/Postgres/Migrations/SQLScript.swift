/// Splits SQL text into statements at top-level semicolons, the way psql does.
///
/// Knows quoted strings (`'…'`, `E'…'` with backslash escapes), quoted
/// identifiers, dollar quoting (`$$…$$`, `$body$…$body$`), line comments and
/// nested block comments, so a semicolon inside any of them does not split.
/// (SQL-standard `BEGIN ATOMIC … END` bodies are not recognised: write
/// function bodies dollar-quoted.)
enum SQLScript {
    /// One statement of a script.
    struct Statement: Equatable {
        /// The statement's text, from just after the previous semicolon to its own.
        let sql: String
        /// Offset of `sql` in the script, in Unicode scalars (PostgreSQL counts characters).
        let offset: Int
        /// Offset of its first character that is not white space or comment.
        let contentOffset: Int
    }

    static func statements(in script: String) -> [Statement] {
        let scalars = Array(script.unicodeScalars)
        var statements: [Statement] = []
        var start = 0
        var contentStart: Int?
        var index = 0

        func isIdentifier(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
        }
        func at(_ offset: Int) -> Unicode.Scalar? { offset < scalars.count ? scalars[offset] : nil }
        func finish(at end: Int) {
            if let contentStart {
                var text = String.UnicodeScalarView()
                text.append(contentsOf: scalars[start..<end])
                statements.append(Statement(sql: String(text), offset: start, contentOffset: contentStart))
            }
            start = end
            contentStart = nil
        }

        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "-", at(index + 1) == "-" {
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
                continue
            }
            if scalar == "/", at(index + 1) == "*" {
                var depth = 1
                index += 2
                while index < scalars.count, depth > 0 {
                    if scalars[index] == "/", at(index + 1) == "*" { depth += 1; index += 2 }
                    else if scalars[index] == "*", at(index + 1) == "/" { depth -= 1; index += 2 }
                    else { index += 1 }
                }
                continue
            }
            if scalar.properties.isWhitespace {
                index += 1
                continue
            }
            if contentStart == nil { contentStart = index }
            switch scalar {
            case ";":
                index += 1
                finish(at: index)
            case "'":
                let escapes = index > 0 && (scalars[index - 1] == "E" || scalars[index - 1] == "e")
                    && (index < 2 || !isIdentifier(scalars[index - 2]))
                index += 1
                while index < scalars.count {
                    if escapes, scalars[index] == "\\" { index += 2; continue }
                    if scalars[index] == "'" {
                        if at(index + 1) == "'" { index += 2; continue }
                        break
                    }
                    index += 1
                }
                index += 1
            case "\"":
                index += 1
                while index < scalars.count {
                    if scalars[index] == "\"" {
                        if at(index + 1) == "\"" { index += 2; continue }
                        break
                    }
                    index += 1
                }
                index += 1
            case "$" where index == 0 || !isIdentifier(scalars[index - 1]):
                // A dollar quote: $tag$ with a tag that does not start with a digit.
                var end = index + 1
                while let next = at(end), isIdentifier(next), !(end == index + 1 && ("0"..."9").contains(next)) { end += 1 }
                guard at(end) == "$" else {
                    index += 1
                    continue
                }
                let tag = Array(scalars[index...end])
                index = end + 1
                while index < scalars.count {
                    if scalars[index] == "$", index + tag.count <= scalars.count, Array(scalars[index..<index + tag.count]) == tag {
                        index += tag.count
                        break
                    }
                    index += 1
                }
            default:
                index += 1
            }
        }
        finish(at: scalars.count)
        return statements
    }
}
