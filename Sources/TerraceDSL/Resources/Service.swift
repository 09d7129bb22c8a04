import TerraceJSON

/// An API enabled in the environment's project (`service[bigquery.googleapis.com]`), through
/// Service Usage. Terrace never disables an API on destroy unless asked to.
public struct Service: Declaration {
    /// The service name, such as `bigquery.googleapis.com`.
    public let name: String
    public var dependsOn: [Reference] = []
    public let sourceLocation: SourceLocation

    public init(_ name: String, fileID: String = #fileID, filePath: String = #filePath, line: Int = #line) {
        self.name = name
        self.sourceLocation = SourceLocation(fileID: fileID, filePath: filePath, line: line)
    }

    public var kind: ResourceKind { .service }
    public var address: Address { Address("service[\(name)]") }

    public func resourceName(in context: ModelContext) -> String { "projects/\(context.project)/services/\(name)" }

    public func attributes(in context: ModelContext) -> JSON {
        ["name": .string(resourceName(in: context)), "config": ["name": .string(name)], "state": "ENABLED"]
    }

    public func validate(into diagnostics: inout [Diagnostic]) {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let wellFormed = name.hasSuffix(".googleapis.com") && labels.count >= 3
            && labels.allSatisfy { label in
                !label.isEmpty && label.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            }
        if !wellFormed {
            report(
                "\"\(name)\" is not a service name", fix: "name the API as Service Usage does, e.g. bigquery.googleapis.com",
                into: &diagnostics)
        }
    }
}
