import GCPNaming
import TerraceJSON

/// A Pub/Sub topic (`topic.KEY`).
public struct Topic: Declaration {
    public let key: String
    /// The topic id (the last part of `projects/P/topics/ID`).
    public var name: String
    public var labels: [String: String]
    /// How long the topic keeps messages, 10 minutes to 31 days; unset keeps none.
    public var messageRetentionDuration: Duration?
    public var dependsOn: [Reference] = []
    public let sourceLocation: SourceLocation

    public init(
        _ key: String, name: String? = nil, labels: [String: String] = [:], messageRetentionDuration: Duration? = nil,
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line
    ) {
        self.key = key
        self.name = name ?? key.replacingAll("_", with: "-")
        self.labels = labels
        self.messageRetentionDuration = messageRetentionDuration
        self.sourceLocation = SourceLocation(fileID: fileID, filePath: filePath, line: line)
    }

    public var kind: ResourceKind { .topic }
    public var address: Address { Address("topic.\(key)") }
    /// A reference to this topic.
    public var reference: Reference { Reference(kind: .topic, address: address) }

    public func resourceName(in context: ModelContext) -> String { "projects/\(context.project)/topics/\(name)" }

    public func attributes(in context: ModelContext) -> JSON {
        var body: [String: JSON] = [
            "name": .string(resourceName(in: context)),
            "labels": .object(labels.mapValues { .string($0) }),
        ]
        if let messageRetentionDuration { body["messageRetentionDuration"] = .string(messageRetentionDuration.googleDuration) }
        return .object(body)
    }

    public func validate(into diagnostics: inout [Diagnostic]) {
        checkKey(key, into: &diagnostics)
        checkNaming("choose another topic name", into: &diagnostics) {
            () throws(NamingError) in try GCPNaming.checkPubSubID(name, kind: "topic")
        }
        checkLabels(labels, into: &diagnostics)
        if let messageRetentionDuration, !(600...2_678_400).contains(messageRetentionDuration.wholeSeconds) {
            report(
                "messageRetentionDuration \(messageRetentionDuration.humanDescription) is out of range",
                fix: "use 10 minutes to 31 days", into: &diagnostics)
        }
    }
}
