import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import GoogleCloud
import TerraceEngine
import TerraceJSON

/// `terrace import --env E ADDRESS ID`: manage a resource that already exists.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bring an existing cloud resource under management at a declared address.",
        discussion: """
            ID is the resource's name: a bucket name; a dataset as PROJECT:DATASET or DATASET; a table as DATASET.TABLE; \
            a topic, subscription or service account by short name or full resource name; an API by service name.
            """
    )

    @OptionGroup var options: EnvironmentOptions

    @Argument(help: "The declared address, e.g. bucket.raw.")
    var address: String

    @Argument(help: "The resource's id in the cloud.")
    var id: String

    func run() async throws {
        let console = Console.standard
        let record = try await EnvironmentSession.run(options) { session in
            try await session.engine.withLock("import") { snapshot in
                try await session.engine.importResource(address, id: id, snapshot: snapshot)
            }
        }
        console.line("\(console.styled("Imported", .green)) \(record.type) \(record.id) as \(record.address).")
        console.line("Run `terrace plan --env \(options.env)` to see how it differs from its declaration.")
    }
}

/// `terrace state list|show|rm|mv --env E`: read and edit the state without touching the cloud.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Inspect and edit the state (never the cloud).",
        subcommands: [List.self, Show.self, Remove.self, Move.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List every resource in the state.")
        @OptionGroup var options: EnvironmentOptions
        @Flag(help: "Print JSON: address, type and id of each.") var json = false

        func run() async throws {
            let console = Console.standard
            let snapshot = try await StateAccess.read(options)
            let resources = snapshot?.state.resources.sorted { $0.address < $1.address } ?? []
            if json {
                console.line(JSON.array(resources.map { ["address": .string($0.address), "type": .string($0.type), "id": .string($0.id)] })
                    .encoded(.pretty))
                return
            }
            guard !resources.isEmpty else {
                Console.write("The state of environment \(options.env) records no resources.\n", to: STDERR_FILENO)
                return
            }
            // One address per line, as scripts expect; `--json` has types and ids.
            for resource in resources { console.line(resource.address) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print one resource's recorded attributes.")
        @OptionGroup var options: EnvironmentOptions
        @Argument(help: "The address.") var address: String

        func run() async throws {
            let console = Console.standard
            let snapshot = try await StateAccess.read(options)
            guard let resource = snapshot?.state[address] else {
                console.error("\(address) is not in the state of environment \(options.env) (see `terrace state list --env \(options.env)`)")
                throw ExitCode.failure
            }
            let body: JSON = [
                "address": .string(resource.address), "type": .string(resource.type), "id": .string(resource.id),
                "attributes": resource.attributes, "dependencies": .array(resource.dependencies.map { .string($0) }),
            ]
            console.line(body.encoded(.pretty))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Stop managing a resource: remove it from the state, leaving it in the cloud.")
        @OptionGroup var options: EnvironmentOptions
        @Argument(help: "The address.") var address: String

        func run() async throws {
            let console = Console.standard
            let removed = try await StateAccess.edit(options, "state rm") { state in
                guard let resource = state[address] else {
                    throw EngineError("\(address) is not in the state of environment \(options.env) (see `terrace state list --env \(options.env)`)")
                }
                state.resources.removeAll { $0.address == address }
                return resource
            }
            console.line("Removed \(address) (\(removed.type) \(removed.id)) from the state; it is still in the cloud.")
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mv", abstract: "Record a resource under a new address (after renaming its declaration).")
        @OptionGroup var options: EnvironmentOptions
        @Argument(help: "The current address.") var from: String
        @Argument(help: "The new address.") var to: String

        func run() async throws {
            let console = Console.standard
            let declared = try await StateAccess.declaredAddresses(options)
            guard declared.contains(to) else {
                console.error("\(to) is not declared for environment \(options.env); moving \(from) there would make the next plan delete it. "
                                  + "Declare it first (see `terrace graph --env \(options.env)`)")
                throw ExitCode.failure
            }
            try await StateAccess.edit(options, "state mv") { state in
                guard let index = state.resources.firstIndex(where: { $0.address == from }) else {
                    throw EngineError("\(from) is not in the state of environment \(options.env) (see `terrace state list --env \(options.env)`)")
                }
                if state[to] != nil { throw EngineError("\(to) is already in the state; remove it first with `terrace state rm \(to)`") }
                guard Self.kind(of: from) == Self.kind(of: to) else {
                    throw EngineError("cannot move \(from) to \(to): they are different kinds of resource")
                }
                state.resources[index].address = to
                for i in state.resources.indices {
                    state.resources[i].dependencies = state.resources[i].dependencies.map { $0 == from ? to : $0 }
                }
            }
            console.line("Moved \(from) to \(to).")
        }

        /// `bucket`, `table`, `service`, `iam.grant`, …: what an address's first components say it is.
        static func kind(of address: String) -> String {
            let head = address.split(separator: "[", maxSplits: 1).first.map(String.init) ?? address
            let parts = head.split(separator: ".")
            return parts.first == "iam" ? parts.prefix(2).joined(separator: ".") : String(parts.first ?? "")
        }
    }
}

/// Locked reads and edits of an environment's state.
enum StateAccess {
    /// Every address the declarations have for the environment.
    static func declaredAddresses(_ options: EnvironmentOptions) async throws -> Set<String> {
        try await EnvironmentSession.run(options) { session in Set(session.engine.resources.map(\.address.rawValue)) }
    }

    static func read(_ options: EnvironmentOptions) async throws -> StateSnapshot? {
        try await EnvironmentSession.run(options) { session in
            try await session.engine.withLock("state") { $0 }
        }
    }

    @discardableResult
    static func edit<T: Sendable>(_ options: EnvironmentOptions, _ operation: String,
                                  _ change: @escaping @Sendable (inout StateFile) throws -> T) async throws -> T {
        try await EnvironmentSession.run(options) { session in
            try await session.engine.withLock(operation) { snapshot in
                guard let snapshot else { throw EngineError("environment \(options.env) has no state yet") }
                var state = snapshot.state
                let result = try change(&state)
                _ = try await session.engine.backend.write(state, basedOn: snapshot)
                return result
            }
        }
    }
}

/// `terrace force-unlock --env E LOCK_ID`: remove a lock left by a process that died.
struct ForceUnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "force-unlock", abstract: "Remove a stale state lock, given its id (as the lock error printed it).")

    @OptionGroup var options: EnvironmentOptions

    @Argument(help: "The lock id.")
    var lockID: String

    func run() async throws {
        try await EnvironmentSession.run(options) { session in
            try await session.engine.backend.forceUnlock(lockID)
        }
        Console.standard.line("Removed lock \(lockID) from the state of environment \(options.env).")
    }
}

/// `terrace init --env E`: create what the state needs (the versioned bucket of a gs:// state).
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Prepare the environment's state: create its versioned Cloud Storage bucket when it lives in gs://.")

    @OptionGroup var options: EnvironmentOptions

    func run() async throws {
        let console = Console.standard
        let message = try await EnvironmentSession.run(options) { session -> String in
            switch session.configuration.state {
            case .file(let path):
                return "The state of environment \(options.env) is the local file \(path); nothing to create."
            case .gcs(let bucket, _):
                let storage = session.cloud.storage
                let environment = session.configuration.environment
                do {
                    let existing = try await storage.get("b/\(URLEncoding.component(bucket))")
                    if existing["versioning"]?["enabled"]?.boolValue != true {
                        _ = try await storage.patch("b/\(URLEncoding.component(bucket))", body: ["versioning": ["enabled": true]])
                        return "The state bucket gs://\(bucket) exists; turned on object versioning so every previous state is kept."
                    }
                    return "The state bucket gs://\(bucket) exists and keeps every previous state (versioning on)."
                } catch let error as GoogleAPIError where error.isNotFound {
                    _ = try await storage.post("b", query: [("project", environment.project)], body: [
                        "name": .string(bucket), "location": .string(environment.region),
                        "versioning": ["enabled": true], "iamConfiguration": ["uniformBucketLevelAccess": ["enabled": true]],
                        "labels": ["terrace-state": .string(ProviderContext.labelValue(options.env))],
                    ])
                    return "Created the state bucket gs://\(bucket) in \(environment.region), versioned, with uniform access."
                }
            }
        }
        console.line(message)
    }
}
