/// Checks a stack against an environment and collects every error before failing once.
///
/// Per-declaration rules (GCP naming, ranges, schemas, roles and members) come from each
/// ``Declaration/validate(into:)``; the rules that need the whole stack live here: duplicate
/// addresses and names, references to undeclared resources, additive and authoritative IAM on
/// the same role and resource, and dependency cycles.
public struct Validator: Sendable {
    public let stack: Stack
    public let context: ModelContext

    public init(stack: Stack, environment: Environment) {
        self.stack = stack
        self.context = ModelContext(environment: environment, declarations: stack.declarations)
    }

    /// Every problem, sorted by file and line; empty when the stack is valid.
    public func diagnostics() -> [Diagnostic] {
        var found: [Diagnostic] = []
        for declaration in stack.declarations { declaration.validate(into: &found) }
        checkDuplicates(into: &found)
        checkReferences(into: &found)
        checkIAMConflicts(into: &found)
        found += CycleFinder(declarations: stack.declarations).diagnostics()
        return Array(Set(found)).sorted()
    }

    private func checkDuplicates(into found: inout [Diagnostic]) {
        var first: [Address: any Declaration] = [:]
        var names: [String: any Declaration] = [:]
        for declaration in stack.declarations {
            if let earlier = first[declaration.address] {
                declaration.report(
                    "is declared twice; first at \(earlier.sourceLocation)",
                    fix: "remove one, or give it another key", into: &found)
                continue
            }
            first[declaration.address] = declaration
            guard ![.grant, .binding].contains(declaration.kind) else { continue }
            let family = declaration.kind == .view ? ResourceKind.table : declaration.kind
            let name = "\(family.typeName) \(declaration.resourceName(in: context))"
            if let earlier = names[name] {
                declaration.report(
                    "has the same GCP name \(declaration.resourceName(in: context)) as \(earlier.address) at \(earlier.sourceLocation)",
                    fix: "give one of them another name", into: &found)
            } else {
                names[name] = declaration
            }
        }
    }

    private func checkReferences(into found: inout [Diagnostic]) {
        for declaration in stack.declarations {
            for reference in Set(declaration.references + declaration.dependsOn).sorted(by: { $0.address < $1.address }) {
                guard context.declaration(reference) == nil else { continue }
                if let other = context.declarations[reference.address] {
                    declaration.report(
                        "references \(reference.address) as a \(reference.kind.displayName), but it is a \(other.kind.displayName)",
                        fix: "reference a declared \(reference.kind.displayName)", into: &found)
                } else {
                    declaration.report(
                        "references \(reference.address), which is not declared",
                        fix: "declare it, or fix the reference", into: &found)
                }
            }
        }
    }

    private func checkIAMConflicts(into found: inout [Diagnostic]) {
        var bindings: [String: RoleBinding] = [:]
        for case let binding as RoleBinding in stack.declarations {
            bindings["\(binding.target)|\(binding.role)"] = bindings["\(binding.target)|\(binding.role)"] ?? binding
        }
        for case let grant as Grant in stack.declarations {
            guard let binding = bindings["\(grant.target)|\(grant.role)"] else { continue }
            grant.report(
                "grants \(grant.role) on \(grant.target), which \(binding.address) at \(binding.sourceLocation) sets authoritatively",
                fix: "add \(grant.member) to the binding's members and remove this grant", into: &found)
        }
    }
}

extension Stack {
    /// Every validation problem of this stack in `environment`, sorted by file and line.
    public func validate(in environment: Environment) -> [Diagnostic] {
        Validator(stack: self, environment: environment).diagnostics()
    }

    /// The resources this stack declares in `environment`, sorted by address, once it validates.
    public func model(in environment: Environment) throws(ValidationError) -> [Resource] {
        let validator = Validator(stack: self, environment: environment)
        let diagnostics = validator.diagnostics()
        guard diagnostics.isEmpty else { throw ValidationError(diagnostics: diagnostics) }
        let services = Set(declarations.filter { $0.kind == .service }.map(\.address))
        return declarations.map { declaration in
            // A resource needs its API enabled first, when the stack enables it.
            var dependencies = declaration.dependencyAddresses
            if let api = Self.api(of: declaration), services.contains(Address("service[\(api)]")),
               !dependencies.contains(Address("service[\(api)]")) {
                dependencies = (dependencies + [Address("service[\(api)]")]).sorted()
            }
            return Resource(
                address: declaration.address, kind: declaration.kind, name: declaration.resourceName(in: validator.context),
                attributes: declaration.attributes(in: validator.context),
                dependencies: dependencies, protected: declaration.isProtected,
                sourceLocation: declaration.sourceLocation)
        }.sorted { $0.address < $1.address }
    }

    /// The API a declaration is created through (an IAM declaration: its target's).
    static func api(of declaration: any Declaration) -> String? {
        func api(_ kind: ResourceKind) -> String? {
            switch kind {
            case .bucket: "storage.googleapis.com"
            case .dataset, .table, .view: "bigquery.googleapis.com"
            case .topic, .subscription: "pubsub.googleapis.com"
            case .serviceAccount: "iam.googleapis.com"
            case .service, .grant, .binding: nil
            }
        }
        if let grant = declaration as? Grant { return grant.target.reference.flatMap { api($0.kind) } }
        if let binding = declaration as? RoleBinding { return binding.target.reference.flatMap { api($0.kind) } }
        return api(declaration.kind)
    }
}
