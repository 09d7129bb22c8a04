import CSpawn

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A child process started with `posix_spawn`: its pid, its output when piped, and how it ended.
///
/// Foundation's `Process.run()` on Linux scans `/proc/self/fd` by copying a whole `dirent` name
/// field past the end of `readdir`'s buffer, which crashes now and then in a process with many
/// open descriptors (a test run: seen as a SIGSEGV in `memcpy`). This spawns without reading
/// `/proc`, closes every descriptor above 2 in the child, and is safe from any thread.
public final class ChildProcess: @unchecked Sendable {
    /// Where a child's standard input, output or error goes.
    public enum Stream: Sendable {
        /// The parent's own descriptor.
        case inherit
        /// `/dev/null`.
        case null
        /// A file, created if needed; truncated first unless `append`.
        case file(String, append: Bool = false)
        /// A pipe to the parent, read with ``readOutput()``. Standard output and error given
        /// `.pipe` both share the one pipe (interleaved as written).
        case pipe
        /// Standard error only: wherever standard output goes.
        case output
    }

    /// How a child ended.
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)

        /// The exit status, or 128 + the signal number (as a shell reports it).
        public var status: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): 128 + signal
            }
        }

        public var isSignal: Bool {
            if case .signalled = self { return true }
            return false
        }
    }

    public let pid: pid_t
    public let executable: String
    /// The read end of the output pipe, when output or error is `.pipe`; owned by this object.
    private var pipe: Int32?
    private var ended: Termination?
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    /// Starts `executable` with `arguments`, in `directory` (the caller's when `nil`), with
    /// `environment` (the caller's when `nil`). A relative `executable` is taken from the
    /// caller's working directory, not `directory`; `PATH` is never searched.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
        input: Stream = .null, output: Stream = .inherit, error: Stream = .inherit
    ) throws(ChildProcessError) {
        let executable = Self.absolute(executable)
        self.executable = executable
        var opened: [Int32] = []
        defer { for descriptor in opened { close(descriptor) } }
        var pipeRead: Int32?
        var pipeWrite: Int32?

        func descriptor(_ stream: Stream, reading: Bool) throws(ChildProcessError) -> Int32 {
            switch stream {
            case .inherit, .output:
                return -1
            case .null:
                let fd = open("/dev/null", (reading ? O_RDONLY : O_WRONLY) | O_CLOEXEC)
                guard fd >= 0 else { throw ChildProcessError(executable, "cannot open /dev/null", errno) }
                opened.append(fd)
                return fd
            case .file(let path, let append):
                let flags = reading ? O_RDONLY : (O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC))
                let fd = open(path, flags | O_CLOEXEC, 0o644)
                guard fd >= 0 else { throw ChildProcessError(executable, "cannot open \(path)", errno) }
                opened.append(fd)
                return fd
            case .pipe:
                guard !reading else { throw ChildProcessError(executable, "standard input cannot be a pipe here", EINVAL) }
                if let pipeWrite { return pipeWrite }
                var ends: [Int32] = [-1, -1]
                guard terrace_pipe_cloexec(&ends) == 0 else { throw ChildProcessError(executable, "cannot make a pipe", errno) }
                pipeRead = ends[0]
                pipeWrite = ends[1]
                opened.append(ends[1])
                return ends[1]
            }
        }

        do throws(ChildProcessError) {
            let standardOutput = try descriptor(output, reading: false)
            let standardError = if case .output = error { standardOutput } else { try descriptor(error, reading: false) }
            let fds = (try descriptor(input, reading: true), standardOutput, standardError)
            var spawned: pid_t = 0
            let rc = Self.withCStrings([executable] + arguments) { argv in
                if let environment {
                    Self.withCStrings(environment.map { "\($0.key)=\($0.value)" }.sorted()) { envp in
                        terrace_spawn(executable, argv, envp, directory, fds.0, fds.1, fds.2, &spawned)
                    }
                } else {
                    terrace_spawn(executable, argv, nil, directory, fds.0, fds.1, fds.2, &spawned)
                }
            }
            guard rc == 0 else { throw ChildProcessError(executable, "cannot run it", rc) }
            pid = spawned
            pipe = pipeRead
        } catch {
            if let pipeRead { close(pipeRead) }
            throw error
        }
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        if let pipe { close(pipe) }
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `executable` to its end and returns how it ended and everything it wrote to
    /// standard output and error (interleaved). Blocks the calling thread.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil
    ) throws(ChildProcessError) -> (termination: Termination, output: String) {
        let child = try ChildProcess(executable, arguments, environment: environment, directory: directory,
                                     output: .pipe, error: .output)
        let output = child.readOutput()
        return (child.waitForExit(), String(decoding: output, as: UTF8.self))
    }

    /// Everything written to the pipe until the child (and any child of its holding the pipe)
    /// closes it. Blocks; call once.
    public func readOutput() -> [UInt8] {
        guard let fd = locked({ () -> Int32? in
            defer { pipe = nil }
            return pipe
        }) else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
            } else if count == 0 || errno != EINTR {
                return bytes
            }
        }
    }

    /// Waits for the child to end. Blocks the calling thread.
    @discardableResult
    public func waitForExit() -> Termination {
        while true {
            if let ended = locked({ ended }) { return ended }
            if let termination = reap(blocking: true) { return termination }
            // Another thread reaped it between our look and our wait: read what it recorded.
            usleep(1000)
        }
    }

    /// Whether the child is still running (it is reaped when it has ended).
    public var isRunning: Bool {
        if locked({ ended }) != nil { return false }
        return reap(blocking: false) == nil && locked({ ended }) == nil
    }

    /// How the child ended; `nil` while it runs.
    public var termination: Termination? {
        isRunning ? nil : locked { ended }
    }

    /// Sends `signal` to the child, unless it has already been reaped.
    public func send(_ signal: Int32) {
        if locked({ ended }) == nil { kill(pid, signal) }
    }

    private func reap(blocking: Bool) -> Termination? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == pid {
                let termination = Self.termination(status)
                locked { ended = termination }
                return termination
            }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            // ECHILD: another thread reaped it.
            return locked { ended }
        }
    }

    /// `path` from the working directory, when it is relative.
    static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/"), let directory = getcwd(nil, 0) else { return path }
        defer { free(directory) }
        return String(cString: directory) + "/" + path
    }

    /// Decodes a `waitpid` status (the macros `WIFEXITED` and friends are not visible to Swift).
    static func termination(_ status: Int32) -> Termination {
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// A NULL-terminated array of C strings for the duration of `body`.
    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// A child process that could not be started: which executable, what failed, and the system's reason.
public struct ChildProcessError: Error, Sendable, CustomStringConvertible {
    public let executable: String
    public let message: String
    public let code: Int32

    init(_ executable: String, _ message: String, _ code: Int32) {
        self.executable = executable
        self.message = message
        self.code = code
    }

    public var description: String { "\(executable): \(message): \(String(cString: strerror(code)))" }
}
