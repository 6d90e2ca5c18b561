import Foundation
import Yams

/// Reads one YAML file node by node, collecting every problem with its position.
///
/// Accessors return `nil` after recording a problem, so a loader can go on and
/// report the rest of the file.
final class YAMLReader {
    let file: String
    private(set) var problems: [CatalogProblem] = []

    init(file: String) { self.file = file }

    /// Parses `text`; a syntax error is recorded and gives `nil`.
    func parse(_ text: String) -> Node? {
        do {
            guard let root = try Yams.compose(yaml: text) else {
                problems.append(CatalogProblem(file: file, line: 1, column: 1, message: "the file is empty"))
                return nil
            }
            return root
        } catch let error as YamlError {
            problems.append(position(of: error))
            return nil
        } catch {
            problems.append(CatalogProblem(file: file, line: 1, column: 1, message: "cannot be read as YAML: \(error)"))
            return nil
        }
    }

    func problem(_ node: Node?, _ message: String) {
        let mark = node?.mark
        problems.append(CatalogProblem(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    /// The key/value pairs of a mapping, refusing duplicate keys and keys outside `allowed`.
    func mapping(_ node: Node?, _ what: String, allowed: Set<String>? = nil, required: [String] = []) -> [(key: String, keyNode: Node, value: Node)]? {
        guard let node else { return nil }
        guard let mapping = node.mapping else {
            problem(node, "\(what) must be a mapping of keys to values")
            return nil
        }
        var seen: Set<String> = []
        var pairs: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                problem(keyNode, "\(what): keys must be plain words")
                continue
            }
            guard seen.insert(key).inserted else {
                problem(keyNode, "\(what): duplicate key \"\(key)\"")
                continue
            }
            if let allowed, !allowed.contains(key) {
                problem(keyNode, "\(what): unknown key \"\(key)\" (expected \(allowed.sorted().joined(separator: ", ")))")
                continue
            }
            pairs.append((key, keyNode, value))
        }
        for key in required where !seen.contains(key) {
            problem(node, "\(what): missing \"\(key)\"")
        }
        return pairs
    }

    func sequence(_ node: Node?, _ what: String) -> [Node]? {
        guard let node else { return nil }
        guard let sequence = node.sequence else {
            problem(node, "\(what) must be a list")
            return nil
        }
        return Array(sequence)
    }

    func string(_ node: Node?, _ what: String) -> String? {
        guard let node else { return nil }
        guard let scalar = node.scalar, !scalar.string.isEmpty else {
            problem(node, "\(what) must be text")
            return nil
        }
        return scalar.string
    }

    func positiveInt(_ node: Node?, _ what: String) -> Int? {
        guard let node else { return nil }
        guard let text = node.scalar?.string, let value = Int(text), value > 0 else {
            problem(node, "\(what) must be a whole number above 0, not \"\(node.scalar?.string ?? "a structure")\"")
            return nil
        }
        return value
    }

    /// The value of an enum written at `node`; `kind` names it in the problem (`unknown tier "x"`).
    func value<Value: RawRepresentable<String> & CaseIterable>(
        _ node: Node?, _ type: Value.Type, _ what: String, expected: String, kind: String = "value"
    ) -> Value? {
        guard let text = string(node, what) else { return nil }
        guard let value = Value(rawValue: text) else {
            problem(node, "\(what): unknown \(kind) \"\(text)\" (expected \(expected))")
            return nil
        }
        return value
    }

    func rating(_ node: Node?, _ what: String) -> Rating? {
        value(node, Rating.self, what, expected: Rating.expected, kind: "rating")
    }

    func tier(_ node: Node?, _ what: String) -> Tier? {
        value(node, Tier.self, what, expected: Tier.expected, kind: "tier")
    }

    private func position(of error: YamlError) -> CatalogProblem {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let reason = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return CatalogProblem(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(reason)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return CatalogProblem(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate key \(duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")) in this mapping")
        default:
            return CatalogProblem(file: file, line: 1, column: 1, message: "invalid YAML: \(error)")
        }
    }
}
