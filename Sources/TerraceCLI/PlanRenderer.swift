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

    /// `~ labels.layer = "raw" → "lake"`, aligned on the `=`.
    private func attributeLines(_ changes: [AttributeChange], symbol: String, indent: Int) -> [String] {
        let width = changes.map(\.path.count).max() ?? 0
        let pad = String(repeating: " ", count: indent)
        return changes.map { change in
            let path = change.path + String(repeating: " ", count: width - change.path.count)
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
    }

    static func value(_ json: JSON) -> String { json.encoded() }
}
