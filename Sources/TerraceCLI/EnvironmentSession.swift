import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import GoogleCloud
import LocalCloud
import TerraceDSL
import TerraceEngine

/// The options every command that touches an environment's cloud or state takes.
struct EnvironmentOptions: ParsableArguments {
    @Option(help: "The environment: environments/<name>.json.")
    var env: String

    @Option(help: "How many API operations run at once.")
    var parallelism: Int = 10

    @Option(help: ArgumentHelp("How long to wait for a state lock held elsewhere (e.g. 30s, 2m).", valueName: "duration"))
    var lockTimeout: String = "0s"

    func validate() throws {
        guard parallelism >= 1 else { throw ValidationError("--parallelism must be at least 1, got \(parallelism)") }
        guard LockTimeout.seconds(lockTimeout) != nil else {
            throw ValidationError("--lock-timeout must be a duration such as 30s, 2m or 0, got \"\(lockTimeout)\"")
        }
    }
}

enum LockTimeout {
    /// `30s`, `2m`, `1h`, `0`, `1.5s` as seconds.
    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        if let unit = text.last, let scale = units[unit], let value = Double(text.dropLast()), value >= 0 { return value * scale }
        if let value = Double(text), value >= 0 { return value }
        return nil
    }
}

/// One environment opened for work: its configuration, validated declarations, cloud (the
/// embedded local cloud started in-process when the environment says `embedded`) and engine.
struct EnvironmentSession {
    let configuration: EnvironmentConfiguration
    let engine: Engine
    let cloud: GoogleCloud
    private let embedded: LocalCloud?

    /// Opens `options.env` in `projectDirectory`; every problem is one `EngineError` sentence.
    /// `modelsOptional`: models that do not load leave the views out instead of failing (the
    /// command reports them itself when it needs the models: `run` of bronze sources does not).
    static func open(_ options: EnvironmentOptions, projectDirectory: String = ".", modelsOptional: Bool = false,
                     declare: (Environment) -> Stack = Declarations.stack) async throws -> EnvironmentSession {
        let configuration: EnvironmentConfiguration
        do {
            configuration = try EnvironmentLoader(projectDirectory: projectDirectory).load(options.env)
        } catch {
            throw EngineError(error.description)
        }
        var stack: ValidatedStack
        do {
            stack = try ValidatedStack(configuration: configuration, declare: declare)
            // The models' views are declarations too: they join the graph that plan and apply cover.
            let views: [View]
            do {
                views = try PipelineProject.load(environment: configuration.environment, resources: stack.resources,
                                                 projectDirectory: projectDirectory).views
            } catch let error as EngineError {
                guard modelsOptional else { throw error }
                views = []
            }
            if !views.isEmpty {
                stack = try ValidatedStack(configuration: configuration) { env in Stack(declarations: declare(env).declarations + views) }
            }
        } catch let error as TerraceDSL.ValidationError {
            let lines = error.diagnostics.sorted().map(\.description)
            throw EngineError(lines.joined(separator: "\n") + "\n\(lines.count) problem\(lines.count == 1 ? "" : "s") in the declarations "
                                  + "for environment \(options.env); nothing was changed (see `terrace validate --env \(options.env)`)")
        }
        let environment = configuration.environment
        var embedded: LocalCloud?
        let cloud: GoogleCloud
        switch configuration.endpoint {
        case .embedded:
            embedded = try await startEmbedded(options, projectDirectory: projectDirectory)
            cloud = GoogleCloud(endpoints: .localCloud(embedded!.baseURL), credentials: nil, project: environment.project)
        case .url(let base):
            try await checkReachable(base, file: configuration.file)
            cloud = GoogleCloud(endpoints: .localCloud(base), credentials: nil, project: environment.project)
        case .google:
            do {
                cloud = try GoogleCloud.fromEnvironment(impersonate: configuration.impersonate)
            } catch {
                throw EngineError("\(configuration.file): cannot find Google credentials: \(error)")
            }
        }
        let backend: any StateBackend
        switch configuration.state {
        case .file(let path):
            let full = path.hasPrefix("/") ? path : "\(projectDirectory)/\(path)"
            backend = LocalStateBackend(path: full, location: path)
        case .gcs(let bucket, let prefix):
            backend = GCSStateBackend(bucket: bucket, prefix: prefix, cloud: cloud)
        }
        let context = ProviderContext(cloud: cloud, project: environment.project, stackName: options.env,
                                      consistencyTimeout: configuration.endpoint == .google ? 300 : 30)
        let engine = Engine(environment: options.env, resources: stack.resources, context: context, backend: backend,
                            parallelism: options.parallelism, lockTimeout: LockTimeout.seconds(options.lockTimeout) ?? 0)
        return EnvironmentSession(configuration: configuration, engine: engine, cloud: cloud, embedded: embedded)
    }

    /// Starts the environment's embedded local cloud, waiting up to `--lock-timeout` while
    /// another terrace command has it open.
    private static func startEmbedded(_ options: EnvironmentOptions, projectDirectory: String) async throws -> LocalCloud {
        let timeout = LockTimeout.seconds(options.lockTimeout) ?? 0
        let start = TimeSource.live.now()
        while true {
            do {
                return try await LocalCloud.startEmbedded(projectDirectory: projectDirectory, environment: options.env)
            } catch let error as LocalCloudError where error.dataDirectoryBusy {
                let waited = TimeSource.live.now() - start
                guard waited < timeout else {
                    let directory = ".terrace/local/\(options.env)"
                    throw EngineError("the embedded local cloud of environment \(options.env) (\(directory)) is in use by "
                                          + "\(error.holder ?? "another process")\(waited > 0 ? " after waiting \(options.lockTimeout)" : ""); "
                                          + "wait for it, or pass --lock-timeout 30s to wait; to use it from several commands at once, "
                                          + "run `terrace local serve --data \(directory)` and set the environment's endpoint to its URL")
                }
                try await Task.sleep(nanoseconds: 100_000_000)
            } catch {
                throw EngineError("cannot start the embedded local cloud of environment \(options.env): \(error)")
            }
        }
    }

    /// One quick request to a local cloud endpoint, so a server that is not running is one
    /// clear sentence at once rather than a minute of retries.
    private static func checkReachable(_ base: String, file: String) async throws {
        let transport = Transport(timeouts: .init(connectSeconds: 3, totalSeconds: 10), maxIdle: 1)
        do {
            _ = try await transport.send("GET", base.hasSuffix("/") ? base : base + "/")
        } catch {
            let port = base.split(separator: ":").last.flatMap { Int($0.filter(\.isNumber)) }
            let start = port.map { "`terrace local serve --port \($0)`" } ?? "`terrace local serve`"
            throw EngineError("nothing answers at \(base), the endpoint in \(file) (\(error)); start the local cloud with \(start), "
                                  + "or fix `endpoint`")
        }
    }

    /// The base URL of the environment's local cloud (embedded or at `endpoint`); nil on Google.
    var localCloudURL: String? {
        if let embedded { return embedded.baseURL }
        if case .url(let base) = configuration.endpoint { return base.hasSuffix("/") ? String(base.dropLast()) : base }
        return nil
    }

    /// On a terminal, says what the refresh is about to read (it can take a while on a large stack).
    func announceRefresh(destroy: Bool = false) {
        guard isatty(STDERR_FILENO) == 1 else { return }
        let console = Console(useColor: Console.colorAllowed(on: STDERR_FILENO))
        let what = destroy ? "every resource in the state" : "\(engine.resources.count) declared resources and the state"
        Console.write(console.styled("Refreshing \(what) of environment \(engine.environment) "
                                         + "(project \(configuration.environment.project))…", .dim) + "\n", to: STDERR_FILENO)
    }

    /// Stops the embedded local cloud, if one was started.
    func close() async {
        if let embedded { await embedded.shutdown() }
    }

    /// Opens the session, runs `body`, closes it; prints any error as one sentence and exits 1.
    static func run<T>(_ options: EnvironmentOptions, modelsOptional: Bool = false, _ body: (EnvironmentSession) async throws -> T) async throws -> T {
        let console = Console.standard
        let session: EnvironmentSession
        do {
            session = try await open(options, modelsOptional: modelsOptional)
        } catch {
            console.error(describe(error))
            throw ExitCode.failure
        }
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch let exit as ExitCode {
            await session.close()
            throw exit
        } catch let usage as ArgumentParser.ValidationError {
            // A usage error found once the project is read (an unknown --select): exit 64.
            await session.close()
            console.error(usage.message)
            throw ExitCode.validationFailure
        } catch {
            await session.close()
            console.error(describe(error))
            throw ExitCode.failure
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? EngineError { return error.description }
        if let error = error as? StateError { return error.description }
        if let error = error as? GoogleAPIError { return error.description }
        return String(describing: error)
    }
}
