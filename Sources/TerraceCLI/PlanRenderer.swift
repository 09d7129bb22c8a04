import TerraceEngine
import TerraceJSON

/// A plan as people read it, in Terraform's shape: drift first, then one block per resource
/// that changes with its attribute diffs, then the summary line.
public struct PlanRenderer: Sendable {
    let console: Console

    public init(useColor: Bool = false) { self.console = Console(useColor: useColor) }

    public func lines(_ plan: Plan) -> [String] {
        var lines: [String] = []
        if !plan.targets.isEmpty {
            let what = plan.destroy ? "what depends on them" : "what they depend on"
            lines.append(console.styled("Targeting only \(plan.targets.joined(separator: ", ")) and \(what): "
                                        + "the rest of the stack is not planned.", .yellow))
            lines.append("")
        }
        if !plan.drift.isEmpty {
            lines.append(console.styled("Changes outside Terrace since the last apply:", .bold))
            for drift in plan.drift {
                if drift.deleted {
                    lines.append("  \(console.styled("-", .red)) \(drift.address): deleted")
                } else {
                    lines.append("  \(console.styled("~", .yellow)) \(drift.address):")
                    lines += attributeLines(drift.changes, symbol: "~", indent: 6)
                }
            }
            lines.append("")
        }
        let changing = plan.changes.filter { $0.action.isChange }
        guard !changing.isEmpty else {
            let count = plan.changes.count
            lines.append(console.styled("No changes.", .green)
                + " The cloud matches the declarations (\(count) resource\(count == 1 ? "" : "s") checked).")
            if plan.refreshesState {
                lines.append("The state is behind the cloud; `terrace apply --env \(plan.environment)` records what the refresh found.")
            }
            return lines
        }
        lines.append("Terrace will perform the following actions:")
        for change in changing {
            lines.append("")
            lines += block(change)
        }
        lines.append("")
        lines.append("\(console.styled("Plan:", .bold)) \(plan.summary).")
        return lines
    }

    private func block(_ change: PlannedChange) -> [String] {
        let (symbol, style, verb): (String, Console.Style, String) = switch change.action {
        case .create: ("+", .green, "will be created")
        case .adopt: ("⇐", .cyan, change.changes.isEmpty ? "will be adopted into the state" : "will be adopted and updated in place")
        case .update: ("~", .yellow, "will be updated in place")
        case .replace: ("-/+", .red, "must be replaced")
        case .delete: ("-", .red, change.type == "serviceusage.service" ? "will be forgotten" : "will be deleted")
        case .noop: (" ", .dim, "")
        }
        var why: [String] = []
        if let reason = change.reason { why.append(reason) }
        why += change.replaceReasons
        let header = "  \(console.styled("# \(change.address)", .bold)) \(verb)" + (why.isEmpty ? "" : " (\(why.joined(separator: "; ")))")
        var lines = [header, "  \(console.styled(symbol, style)) \(change.type) \"\(change.previousID ?? change.id)\""]
        switch change.action {
        case .create: lines += attributeLines(change.changes, symbol: "+", indent: 6)
        case .delete: break
        default: lines += attributeLines(change.changes, symbol: "~", indent: 6)
        }
        return lines
    }

    /// `~ labels.layer = "raw" → "lake"`, aligned on the `=`. Multi-line text (a view's SQL)
    /// is shown as its lines, changed text as a line diff.
    private func attributeLines(_ changes: [AttributeChange], symbol: String, indent: Int) -> [String] {
        let width = changes.map(\.path.count).max() ?? 0
        let pad = String(repeating: " ", count: indent)
        return changes.flatMap { change -> [String] in
            if let text = textLines(change) { return text(pad) }
            let path = change.path + String(repeating: " ", count: width - change.path.count)
            return [line(change, path: path, pad: pad, symbol: symbol)]
        }
    }

    /// The lines of a change whose before or after is text of several lines; `nil` otherwise.
    private func textLines(_ change: AttributeChange) -> ((String) -> [String])? {
        let before = change.before?.stringValue, after = change.after?.stringValue
        guard (before ?? "").contains("\n") || (after ?? "").contains("\n"),
              before != nil || change.before == nil, after != nil || change.after == nil else { return nil }
        let old = before.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) } ?? []
        let new = after.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) } ?? []
        return { pad in
            let mark = before == nil ? console.styled("+", .green) : after == nil ? console.styled("-", .red) : console.styled("~", .yellow)
            var lines = ["\(pad)\(mark) \(change.path):"]
            for (kind, text) in LineDiff.lines(old, new) {
                switch kind {
                case .same: lines.append("\(pad)      \(text)")
                case .removed: lines.append("\(pad)    \(console.styled("- " + text, .red))")
                case .added: lines.append("\(pad)    \(console.styled("+ " + text, .green))")
                }
            }
            return lines
        }
    }

    private func line(_ change: AttributeChange, path: String, pad: String, symbol: String) -> String {
        switch (change.before, change.after) {
        case (nil, let after?):
            return "\(pad)\(console.styled("+", .green)) \(path) = \(Self.value(after))"
        case (let before?, nil):
            return "\(pad)\(console.styled("-", .red)) \(path) = \(Self.value(before))"
        case (let before?, let after?):
            let mark = symbol == "+" ? console.styled("+", .green) : console.styled("~", .yellow)
            return "\(pad)\(mark) \(path) = \(Self.value(before)) → \(Self.value(after))"
        case (nil, nil):
            return "\(pad)  \(path)"
        }
    }

    static func value(_ json: JSON) -> String { json.encoded() }
}

/// A line diff by longest common subsequence (view SQL is a few hundred lines at most).
enum LineDiff {
    enum Kind: Equatable { case same, removed, added }

    static func lines(_ old: [String], _ new: [String]) -> [(Kind, String)] {
        let n = old.count, m = new.count
        // common[i][j]: the longest common subsequence of old[i...] and new[j...].
        var common = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                common[i][j] = old[i] == new[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var result: [(Kind, String)] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, old[i] == new[j] {
                result.append((.same, old[i])); i += 1; j += 1
            } else if i < n, j == m || common[i + 1][j] >= common[i][j + 1] {
                result.append((.removed, old[i])); i += 1  // removals first, as git shows them
            } else {
                result.append((.added, new[j])); j += 1
            }
        }
        return result
    }
}
