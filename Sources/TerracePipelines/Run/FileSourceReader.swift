#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import GoogleCloud
import TerraceHTTP
import TerraceJSON

/// Reads a file source: a local path is read in place; an HTTP(S) URL or a `gs://` object is
/// first streamed to a temporary file (constant memory), since a zip's directory is at its end.
/// The reader runs on its own thread and hands batches over one at a time (backpressure).
struct FileSourceReader: Sendable {
    let source: String
    let spec: FileSource
    let cloud: GoogleCloud
    let projectDirectory: String

    typealias Deliver = @Sendable (_ records: RecordBatch, _ location: String) async throws -> Void
    typealias Reject = @Sendable (_ message: String, _ location: String) async throws -> Void

    /// Reads the file: records to `deliver`, unreadable ones (a malformed line, a CSV row of the
    /// wrong width) to `reject`, both named by the file and where in it.
    func read(_ deliver: @escaping Deliver, reject: @escaping Reject) async throws {
        var path = spec.location
        var temporary: String?
        if path.hasPrefix("http://") || path.hasPrefix("https://") || path.hasPrefix("gs://") {
            let file = try Self.temporaryPath()
            temporary = file
            try await download(spec.location, to: file)
            path = file
        } else if !path.hasPrefix("/") {
            path = projectDirectory + "/" + path
        }
        defer { if let temporary { unlink(temporary) } }
        let reader = FileRecordReader(format: spec.format, compression: spec.compression, zipMember: spec.zipMember)
        let handoff = Handoff<Item>()
        let shown = spec.location
        let local = path
        DispatchQueue.global().async {
            do {
                // JSON records go on as their text: the sink lands the ones the schema settles as they are.
                try reader.read(path: local, takesText: true, batches: { records in
                    guard handoff.send(.records(records)) else { throw HandoffCancelled() }
                }, bad: { bad in
                    guard handoff.send(.bad(bad)) else { throw HandoffCancelled() }
                })
                handoff.finish(nil)
            } catch is HandoffCancelled {
                handoff.finish(nil)
            } catch let error as FileReadError {
                handoff.finish(PipelineError("source \(source): \(error.description.replacingPath(local, with: shown))"))
            } catch {
                handoff.finish(error)
            }
        }
        var batch = 0
        try await handoff.drain { item in
            switch item {
            case .records(let records):
                batch += 1
                try await deliver(records, "\(shown) (batch \(batch))")
            case .bad(let bad):
                try await reject(bad.message, "\(shown), line \(bad.line)")
            }
        }
    }

    enum Item: Sendable {
        case records(RecordBatch)
        case bad(BadRecord)
    }

    private func download(_ location: String, to file: String) async throws {
        var url = location
        var headers: [(String, String)] = []
        if location.hasPrefix("gs://") {
            let rest = location.dropFirst("gs://".count)
            guard let slash = rest.firstIndex(of: "/") else {
                throw PipelineError("source \(source): \(location) names no object (write gs://bucket/path/to/file)")
            }
            let bucket = String(rest[..<slash]), object = String(rest[rest.index(after: slash)...])
            url = cloud.storage.url("b/\(URLEncoding.component(bucket))/o/\(URLEncoding.component(object))", query: [("alt", "media")])
            if let credentials = cloud.storage.credentials, cloud.storage.endpoint.usesCredentials {
                headers.append(("Authorization", "Bearer " + (try await credentials.accessToken()).value))
            }
        }
        let status: Int
        do {
            status = try await HTTPClient(timeoutSeconds: 0).fetchToFile(url, headers: headers, to: file)
        } catch {
            throw PipelineError("source \(source): cannot download \(location) (\(error)); check the location and the network")
        }
        guard (200..<300).contains(status) else {
            throw PipelineError("source \(source): downloading \(location) answered \(status)\(status == 404 ? " (not found)" : ""); check the location")
        }
    }

    static func temporaryPath() throws -> String {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(directory)/terrace-source-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw PipelineError("cannot create a temporary file in \(directory)") }
        close(descriptor)
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension String {
    func replacingPath(_ path: String, with shown: String) -> String {
        guard path != shown, let range = firstRange(of: path) else { return self }
        return String(self[..<range.lowerBound]) + shown + String(self[range.upperBound...])
    }
}

/// What a producer feeding a ``Handoff`` throws to stop once the consumer has gone.
struct HandoffCancelled: Error {}

/// A one-slot handoff from a producing thread to an async consumer: `send` blocks the producer
/// while the slot is full, `next` suspends the consumer while it is empty.
final class Handoff<T: Sendable>: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var slot: T?
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private var waiting: CheckedContinuation<T?, any Error>?

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    /// Hands `value` over; false when the consumer has gone.
    func send(_ value: T) -> Bool {
        pthread_mutex_lock(&mutex)
        while slot != nil && !cancelled { pthread_cond_wait(&condition, &mutex) }
        if cancelled {
            pthread_mutex_unlock(&mutex)
            return false
        }
        if let consumer = waiting {
            waiting = nil
            pthread_mutex_unlock(&mutex)
            consumer.resume(returning: value)
            return true
        }
        slot = value
        pthread_mutex_unlock(&mutex)
        return true
    }

    /// The producer is done (with `error` when it failed).
    func finish(_ error: (any Error)?) {
        pthread_mutex_lock(&mutex)
        finished = true
        failure = error
        let consumer = waiting
        waiting = nil
        pthread_mutex_unlock(&mutex)
        if let consumer {
            if let error { consumer.resume(throwing: error) } else { consumer.resume(returning: nil) }
        }
    }

    /// The consumer stops: a blocked `send` returns false.
    func cancel() {
        pthread_mutex_lock(&mutex)
        cancelled = true
        slot = nil
        pthread_cond_broadcast(&condition)
        pthread_mutex_unlock(&mutex)
    }

    /// Hands every value to `body` until the producer finishes (rethrowing its failure); when
    /// `body` throws, the producer is told to stop.
    func drain(_ body: (T) async throws -> Void) async throws {
        do {
            while let value = try await next() { try await body(value) }
        } catch {
            cancel()
            throw error
        }
    }

    /// The next value, or nil once the producer finished.
    func next() async throws -> T? {
        try await withCheckedThrowingContinuation { continuation in
            pthread_mutex_lock(&mutex)
            if let value = slot {
                slot = nil
                pthread_cond_signal(&condition)
                pthread_mutex_unlock(&mutex)
                continuation.resume(returning: value)
            } else if finished {
                let error = failure
                pthread_mutex_unlock(&mutex)
                if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: nil) }
            } else {
                waiting = continuation
                pthread_mutex_unlock(&mutex)
            }
        }
    }
}
