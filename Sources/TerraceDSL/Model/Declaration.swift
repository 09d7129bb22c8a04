import GCPNaming
import TerraceJSON

/// A declared resource: a plain value that stores its arguments and can describe itself to the
/// engine (address, attributes in the GCP API's field names, references) and check its own rules.
public protocol Declaration: Sendable {
    /// Which kind of resource this declares.
    var kind: ResourceKind { get }
    /// Its stable address in the stack.
    var address: Address { get }
    /// Where it was declared.
    var sourceLocation: SourceLocation { get }
    /// Extra dependencies beyond the references in its attributes (see ``dependingOn(_:)``).
    var dependsOn: [Reference] { get set }
    /// The declarations its attributes name (a subscription's topic, a grant's target, …).
    var references: [Reference] { get }
    /// Whether destroying it must be refused while it holds data.
    var isProtected: Bool { get }
    /// The name other resources use for it: `projects/P/topics/T`, `projects/_/buckets/B`, ….
    func resourceName(in context: ModelContext) -> String
    /// Its attributes, in the GCP API's field names, with references resolved through `context`.
    func attributes(in context: ModelContext) -> JSON
    /// Appends every rule this declaration breaks on its own (names, ranges, schema).
    func validate(into diagnostics: inout [Diagnostic])
}

extension Declaration {
    public var isProtected: Bool { false }
    public var references: [Reference] { [] }

    /// A copy that also depends on `references` (like Terraform's `depends_on`).
    public func dependingOn(_ references: Reference...) -> Self {
        var copy = self
        copy.dependsOn += references
        return copy
    }

    /// Every address it depends on: its references and explicit dependencies, sorted, unique.
    public var dependencyAddresses: [Address] {
        Array(Set((references + dependsOn).map(\.address))).sorted()
    }

    /// Appends `message` as a diagnostic at this declaration.
    func report(_ message: String, fix: String, into diagnostics: inout [Diagnostic]) {
        diagnostics.append(Diagnostic(sourceLocation, address, message, fix: fix))
    }

    /// Runs a GCPNaming rule and reports its sentence when it fails.
    func checkNaming(
        _ fix: String, into diagnostics: inout [Diagnostic], _ rule: () throws(NamingError) -> Void
    ) {
        do {
            try rule()
        } catch {
            var message = error.message
            if message.hasSuffix(".") { message.removeLast() }
            report(message, fix: fix, into: &diagnostics)
        }
    }

    /// Reports an address key that is not `[a-z][a-z0-9_]*`.
    func checkKey(_ key: String, into diagnostics: inout [Diagnostic]) {
        guard !Address.isValidKey(key) else { return }
        report(
            "the key \"\(key)\" is not a valid address key",
            fix: "use lowercase letters, digits and underscores, starting with a letter", into: &diagnostics)
    }

    /// Reports labels that break GCP's label rules.
    func checkLabels(_ labels: [String: String], into diagnostics: inout [Diagnostic]) {
        checkNaming("fix the label in the declaration or the environment's labels", into: &diagnostics) {
            () throws(NamingError) in try GCPNaming.checkLabels(labels)
        }
    }
}

/// What attributes are resolved against: the project and every declaration by address.
public struct ModelContext: Sendable {
    public let environment: Environment
    let declarations: [Address: any Declaration]

    public init(environment: Environment, declarations: [any Declaration]) {
        self.environment = environment
        var byAddress: [Address: any Declaration] = [:]
        for declaration in declarations where byAddress[declaration.address] == nil {
            byAddress[declaration.address] = declaration
        }
        self.declarations = byAddress
    }

    public var project: String { environment.project }

    /// The declaration `reference` names, when one of a compatible kind is declared.
    public func declaration(_ reference: Reference) -> (any Declaration)? {
        guard let found = declarations[reference.address] else { return nil }
        let compatible = found.kind == reference.kind
            || (reference.kind == .table && found.kind == .view)
        return compatible ? found : nil
    }

    /// The resource name of what `reference` names, or `${ADDRESS}` when nothing is declared
    /// there (validation reports that before anything uses the value).
    public func resourceName(_ reference: Reference) -> String {
        declaration(reference)?.resourceName(in: self) ?? "${\(reference.address)}"
    }
}
