import CPostgres
import Foundation
import TerraceProcess

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A throwaway PostgreSQL server for tests and benchmarks: a fresh cluster in a temporary
/// directory, listening on a free port of 127.0.0.1 only, stopped and deleted by ``stop()``.
///
/// It runs the installed server binaries: `$TERRACE_POSTGRES_BIN` if set, else the newest
/// `/usr/lib/postgresql/<version>/bin` (Debian and Ubuntu keep them off `PATH`; `scripts/deps.sh`
/// installs the `postgresql` package), else `initdb` and `postgres` found on `PATH` (Homebrew).
/// PostgreSQL refuses to run as root, so as root both run as `nobody` (through `setpriv`, or
/// `runuser` where `setpriv` is missing) in a directory that user owns.
///
/// The cluster: superuser `postgres` with `trust` authentication on 127.0.0.1 and the socket in
/// the directory; roles made with ``createLoginRole(_:password:)`` authenticate with their
/// password (SCRAM) instead, so wrong credentials can be tested. `fsync`, `synchronous_commit`
/// and `full_page_writes` are off: fast, and worthless after a crash — it is a throwaway.
///
/// **Blocking.** ``start(parentDirectory:startupTimeout:)`` blocks for the seconds `initdb` and
/// startup take. From async code call ``startOffPool(parentDirectory:startupTimeout:)``, which
/// runs it on a dedicated thread (see ``runOffCooperativePool(_:)``; `Task.detached` would still
/// block a thread of the cooperative pool).
///
/// A server outlives a crashed test process (nothing kills it); ``stopAtExit()`` covers normal
/// exits.
public final class PostgresTestServer: @unchecked Sendable {
    /// The port on 127.0.0.1.
    public let port: Int
    /// The temporary directory: `data/` (the cluster), the socket, `initdb.log`, `server.log`.
    public let directory: String
    /// Where `initdb` and `postgres` were found.
    public let binDirectory: String

    /// The group role whose members log in with a password rather than `trust`.
    public static let passwordGroup = "terrace_password_login"

    private let process: ChildProcess
    private let lock = NSLock()
    private var stopped = false

    /// A libpq connection string for the superuser `postgres` and database `postgres`.
    public var connectionString: String { connectionString(user: "postgres") }

    /// The same as a URL: `postgres://postgres@127.0.0.1:<port>/postgres`.
    public var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

    /// A libpq connection string for `user` (with `password`, if given) and `database`.
    public func connectionString(user: String, password: String? = nil, database: String = "postgres") -> String {
        var text = "host=127.0.0.1 port=\(port) user=\(quoted(user)) dbname=\(quoted(database))"
        if let password { text += " password=\(quoted(password))" }
        return text
    }

    private init(port: Int, directory: String, binDirectory: String, process: ChildProcess) {
        self.port = port
        self.directory = directory
        self.binDirectory = binDirectory
        self.process = process
    }

    deinit { stop() }

    // MARK: - Starting

    /// Makes a cluster and starts it, waiting until it accepts connections (at most
    /// `startupTimeout` seconds); blocks the calling thread throughout.
    ///
    /// `parentDirectory` holds the temporary directory: by default `$TMPDIR` (or `/tmp`), and
    /// always `/tmp` as root unless given, since `nobody` must be able to reach it.
    public static func start(parentDirectory: String? = nil, startupTimeout: Double = 20) throws(PostgresTestServerError)
        -> PostgresTestServer
    {
        let binDirectory = try findBinDirectory()
        let user = try unprivilegedUser()
        let parent = parentDirectory ?? (user == nil ? NSTemporaryDirectory() : "/tmp")
        let directory = try makeDirectory(in: parent, owner: user)
        do throws(PostgresTestServerError) {
            try initializeCluster(binDirectory: binDirectory, directory: directory, user: user)
            var lastError: PostgresTestServerError?
            // A free port can be taken between finding it and the server binding it: retry.
            for _ in 0..<3 {
                let port = try freeLoopbackPort()
                let process = try launch(binDirectory: binDirectory, directory: directory, port: port, user: user)
                let server = PostgresTestServer(port: port, directory: directory, binDirectory: binDirectory, process: process)
                do {
                    try server.waitUntilReady(timeout: startupTimeout)
                    try server.createPasswordGroup()
                    return server
                } catch {
                    server.abandon()
                    lastError = error
                    guard server.logTail().contains("could not bind") else { break }
                }
            }
            throw lastError ?? PostgresTestServerError(message: "the server did not start")
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// ``start(parentDirectory:startupTimeout:)`` on a dedicated thread, for async callers.
    public static func startOffPool(parentDirectory: String? = nil, startupTimeout: Double = 20) async throws
        -> PostgresTestServer
    {
        try await runOffCooperativePool { try start(parentDirectory: parentDirectory, startupTimeout: startupTimeout) }
    }

    // MARK: - Using

    /// Creates a role that logs in with `password` (SCRAM), not `trust`.
    public func createLoginRole(_ name: String, password: String) throws(PostgresError) {
        let connection = try PostgresConnection(connectionString: connectionString)
        try connection.execute(
            "CREATE ROLE \(quotedIdentifier(name)) LOGIN PASSWORD \(quotedLiteral(password)) IN ROLE \(Self.passwordGroup)")
    }

    /// The last `lines` lines of the server's log (`initdb`'s before the server has started).
    public func logTail(lines: Int = 30) -> String {
        Self.tail(of: directory + "/server.log", lines: lines)
    }

    // MARK: - Stopping

    /// Stops the server (immediate shutdown: nothing here needs to survive) and deletes its
    /// directory. Safe to call more than once; blocks for at most about 10 seconds.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        shutDownProcess()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops a server that failed to start, leaving the directory for the next attempt.
    private func abandon() {
        lock.lock()
        defer { lock.unlock() }
        stopped = true
        shutDownProcess()
    }

    /// Stops this server when the process exits normally (`exit`, or returning from `main`).
    public func stopAtExit() {
        ExitRegistry.shared.add(self)
    }

    private func shutDownProcess() {
        // The postmaster's own pid: the same as the process's with `setpriv` (it execs), a
        // child of it with `runuser` (which forks).
        let postmaster = (try? String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8))
            .flatMap { $0.split(separator: "\n").first }.flatMap { pid_t($0) }
        if let postmaster, postmaster > 0, postmaster != process.pid { kill(postmaster, SIGQUIT) }
        process.send(SIGQUIT)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            if let postmaster { kill(postmaster, SIGKILL) }
            process.send(SIGKILL)
            process.waitForExit()
        }
    }

    // MARK: - Steps

    static func findBinDirectory() throws(PostgresTestServerError) -> String {
        let fileManager = FileManager.default
        func hasServer(_ directory: String) -> Bool {
            fileManager.isExecutableFile(atPath: directory + "/initdb") && fileManager.isExecutableFile(atPath: directory + "/postgres")
        }
        if let override = ProcessInfo.processInfo.environment["TERRACE_POSTGRES_BIN"], !override.isEmpty {
            guard hasServer(override) else {
                throw PostgresTestServerError(message: "TERRACE_POSTGRES_BIN=\(override) holds no initdb and postgres")
            }
            return override
        }
        let versions = ((try? fileManager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap { name in Double(name).map { (version: $0, name: name) } }
            .sorted { $0.version > $1.version }
        for version in versions where hasServer("/usr/lib/postgresql/\(version.name)/bin") {
            return "/usr/lib/postgresql/\(version.name)/bin"
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) where hasServer(directory) {
            return directory
        }
        throw PostgresTestServerError(
            message: "no PostgreSQL server binaries (initdb, postgres) in /usr/lib/postgresql/*/bin or on PATH; "
                + "install the postgresql package (scripts/deps.sh) or set TERRACE_POSTGRES_BIN")
    }

    /// Who runs the server: `nil` for the current user, `nobody` when that is root.
    private static func unprivilegedUser() throws(PostgresTestServerError) -> (uid: uid_t, gid: gid_t)? {
        guard geteuid() == 0 else { return nil }
        guard let entry = getpwnam("nobody") else {
            throw PostgresTestServerError(message: "running as root, and there is no user `nobody` to run PostgreSQL as")
        }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    private static func makeDirectory(in parent: String, owner: (uid: uid_t, gid: gid_t)?) throws(PostgresTestServerError)
        -> String
    {
        let parentPath = parent.hasSuffix("/") ? String(parent.dropLast()) : parent
        var template = Array((parentPath + "/terrace-postgres-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        }
        guard let directory = made else {
            throw PostgresTestServerError(message: "cannot make a temporary directory in \(parentPath): \(String(cString: strerror(errno)))")
        }
        if let owner, chown(directory, owner.uid, owner.gid) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: directory)
            throw PostgresTestServerError(message: "cannot hand \(directory) to nobody: \(reason)")
        }
        return directory
    }

    private static func initializeCluster(binDirectory: String, directory: String, user: (uid: uid_t, gid: gid_t)?)
        throws(PostgresTestServerError)
    {
        let log = directory + "/initdb.log"
        let process = try spawn(
            binDirectory + "/initdb",
            ["-D", directory + "/data", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"],
            user: user, log: log, directory: directory)
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.send(SIGTERM)
            process.waitForExit()
            throw PostgresTestServerError(message: "initdb took over 120 seconds", logTail: tail(of: log, lines: 30))
        }
        let ended = process.waitForExit()
        guard ended == .exited(0) else {
            throw PostgresTestServerError(
                message: "initdb failed with status \(ended.status)", logTail: tail(of: log, lines: 30))
        }
        // First match wins: password roles by group, then everyone else on trust; loopback only.
        let hba = """
            local all all trust
            host all +\(passwordGroup) 127.0.0.1/32 scram-sha-256
            host all all 127.0.0.1/32 trust

            """
        let hbaPath = directory + "/data/pg_hba.conf"
        // Rewritten in place (not atomically), so that the file keeps initdb's owner.
        guard let handle = FileHandle(forWritingAtPath: hbaPath) else {
            throw PostgresTestServerError(message: "cannot write \(hbaPath)")
        }
        handle.truncateFile(atOffset: 0)
        handle.write(Data(hba.utf8))
        handle.closeFile()
    }

    private static func launch(binDirectory: String, directory: String, port: Int, user: (uid: uid_t, gid: gid_t)?)
        throws(PostgresTestServerError) -> ChildProcess
    {
        let settings = [
            "listen_addresses=127.0.0.1", "port=\(port)", "unix_socket_directories=\(directory)",
            "fsync=off", "synchronous_commit=off", "full_page_writes=off", "logging_collector=off",
            "max_connections=50", "shared_buffers=32MB", "password_encryption=scram-sha-256",
        ]
        return try spawn(
            binDirectory + "/postgres", ["-D", directory + "/data"] + settings.flatMap { ["-c", $0] },
            user: user, log: directory + "/server.log", directory: directory)
    }

    private func waitUntilReady(timeout: Double) throws(PostgresTestServerError) {
        let ping = "host=127.0.0.1 port=\(port) user=postgres dbname=postgres connect_timeout=2"
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if PQping(ping) == PQPING_OK { return }
            if !process.isRunning {
                throw PostgresTestServerError(
                    message: "the PostgreSQL server exited with status \(process.waitForExit().status) while starting",
                    logTail: logTail())
            }
            if Date() >= deadline {
                throw PostgresTestServerError(
                    message: "the PostgreSQL server did not accept connections on 127.0.0.1:\(port) within \(timeout) seconds",
                    logTail: logTail())
            }
            usleep(50_000)
        }
    }

    private func createPasswordGroup() throws(PostgresTestServerError) {
        do {
            let connection = try PostgresConnection(connectionString: connectionString)
            try connection.execute("CREATE ROLE \(Self.passwordGroup) NOLOGIN")
        } catch {
            throw PostgresTestServerError(message: "cannot prepare the server: \(error)", logTail: logTail())
        }
    }

    /// Starts `executable` (as `user`, when given), its output and errors written to `log`.
    private static func spawn(
        _ executable: String, _ arguments: [String], user: (uid: uid_t, gid: gid_t)?, log: String, directory: String
    ) throws(PostgresTestServerError) -> ChildProcess {
        let command: (executable: String, arguments: [String])
        if let user {
            if let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: FileManager.default.isExecutableFile) {
                command = (setpriv, ["--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--", executable] + arguments)
            } else if let runuser = ["/usr/sbin/runuser", "/sbin/runuser"].first(where: FileManager.default.isExecutableFile) {
                command = (runuser, ["-u", "nobody", "--", executable] + arguments)
            } else {
                throw PostgresTestServerError(message: "running as root, and neither setpriv nor runuser is there to drop to nobody")
            }
        } else {
            command = (executable, arguments)
        }
        do {
            // A plain, predictable environment: the C locale, no PG* variables of the caller's.
            return try ChildProcess(
                command.executable, command.arguments,
                environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C", "LANG": "C", "HOME": directory], directory: directory,
                input: .null, output: .file(log), error: .output)
        } catch {
            throw PostgresTestServerError(message: "cannot run \(executable): \(error)")
        }
    }

    /// A free TCP port on 127.0.0.1: bind port 0, read back what the kernel chose, close.
    public static func freeLoopbackPort() throws(PostgresTestServerError) -> Int {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else {
            throw PostgresTestServerError(message: "socket: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else {
            throw PostgresTestServerError(message: "cannot bind a port on 127.0.0.1: \(String(cString: strerror(errno)))")
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func tail(of path: String, lines: Int) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

/// A test server that could not be started, with the tail of `initdb`'s or the server's log.
public struct PostgresTestServerError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let logTail: String

    public init(message: String, logTail: String = "") {
        self.message = message
        self.logTail = logTail
    }

    public var description: String {
        logTail.isEmpty ? message : "\(message)\n--- log tail ---\n\(logTail)"
    }
}

/// Servers to stop when the process exits.
private final class ExitRegistry: @unchecked Sendable {
    static let shared = ExitRegistry()
    private let lock = NSLock()
    private var servers: [PostgresTestServer] = []
    private var registered = false

    func add(_ server: PostgresTestServer) {
        lock.lock()
        defer { lock.unlock() }
        servers.append(server)
        if !registered {
            registered = true
            atexit { ExitRegistry.shared.stopAll() }
        }
    }

    func stopAll() {
        lock.lock()
        let servers = self.servers
        self.servers = []
        lock.unlock()
        servers.forEach { $0.stop() }
    }
}

/// A connection-string value, single-quoted when it needs to be.
private func quoted(_ value: String) -> String {
    if !value.isEmpty, !value.contains(where: { $0 == " " || $0 == "'" || $0 == "\\" }) { return value }
    return "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
}

private func quotedIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

private func quotedLiteral(_ value: String) -> String {
    "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
}
