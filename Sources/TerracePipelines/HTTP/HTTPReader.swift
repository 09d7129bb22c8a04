import GoogleCloud
import TerraceHTTP
import TerraceJSON

/// Reads an HTTP JSON API source: every endpoint paginated as declared, with the REST clients'
/// retry policy (429 and 5xx retried with backoff, Retry-After honoured, bounded in time), the
/// auth header from an environment variable, and the incremental cursor's last value sent as a
/// parameter. Endpoints, and the pages of an API that says how many there are, are fetched in
/// parallel; `deliver` gets each page's records and where they came from: as JSON text with each
/// record's range when the records array can be found without parsing the page into a tree
/// (the rest of the page is parsed for its pagination fields), else parsed.
struct HTTPReader: Sendable {
    let source: String
    let spec: HTTPSource
    let transport: Transport
    let policy: RetryPolicy
    let time: TimeSource
    /// The process environment (auth variables).
    let variables: @Sendable (String) -> String?
    /// The incremental cursor's high-water mark from the last successful run.
    let since: String?
    let parallelism: Int

    typealias Deliver = @Sendable (_ records: RecordBatch, _ location: String) async throws -> Void

    func read(_ deliver: @escaping Deliver) async throws {
        let headers = try requestHeaders()
        var parameters = spec.parameters
        if let incremental = spec.incremental, let value = since ?? incremental.initial { parameters.append((incremental.parameter, value)) }
        let fixed = parameters
        try await withThrowingTaskGroup(of: Void.self) { group in
            for url in spec.urls {
                group.addTask { try await paginate(url, parameters: fixed, headers: headers, deliver) }
            }
            try await group.waitForAll()
        }
    }

    func requestHeaders() throws -> [(String, String)] {
        var headers = spec.headers + [("Accept", "application/json")]
        if let auth = spec.auth {
            guard let value = variables(auth.variable), !value.isEmpty else {
                throw PipelineError("source \(source): the environment variable \(auth.variable) is not set; it holds the API's "
                                        + "\(auth.header) credentials (export it before `terrace run`)")
            }
            headers.append((auth.header, auth.prefix + value))
        }
        return headers
    }

    // MARK: Pagination

    private func paginate(_ url: String, parameters: [(String, String)], headers: [(String, String)], _ deliver: @escaping Deliver) async throws {
        switch spec.pagination {
        case .none:
            let page = try await fetch(url, parameters, headers)
            try await deliver(try records(page, url, 1), location(url, 1))
        case .pageNumber(let parameter, let start, let sizeParameter, let size, let totalPages):
            var extra: [(String, String)] = []
            if let sizeParameter, let size { extra.append((sizeParameter, String(size))) }
            var number = start
            var previous: Int?
            while true {
                let page = try await fetch(url, parameters + extra + [(parameter, String(number))], headers)
                let found = try records(page, url, number - start + 1)
                if found.isEmpty { return }
                try checkAdvanced(found, after: &previous, url, number - start + 1, "the page parameter \(parameter)")
                try await deliver(found, location(url, number - start + 1))
                if let totalPages, let total = JSONPath.text(totalPages, in: page.body).flatMap({ Int($0) }) {
                    // The API says how many pages: fetch the rest at once.
                    let rest = (number + 1)..<(start + total)
                    try await fetchAll(rest.map { n in (parameters + extra + [(parameter, String(n))], n - start + 1) }, url, headers, deliver)
                    return
                }
                number += 1
            }
        case .offset(let offsetParameter, let limitParameter, let limit, let totalPath):
            var offset = 0
            var pageNumber = 1
            var previous: Int?
            while true {
                let page = try await fetch(url, parameters + [(limitParameter, String(limit)), (offsetParameter, String(offset))], headers)
                let found = try records(page, url, pageNumber)
                if found.isEmpty { return }
                try checkAdvanced(found, after: &previous, url, pageNumber, "the offset parameter \(offsetParameter)")
                try await deliver(found, location(url, pageNumber))
                offset += limit
                pageNumber += 1
                if let totalPath, let total = JSONPath.text(totalPath, in: page.body).flatMap({ Int($0) }) {
                    let offsets = Array(stride(from: offset, to: total, by: limit))
                    try await fetchAll(offsets.enumerated().map { index, value in
                        (parameters + [(limitParameter, String(limit)), (offsetParameter, String(value))], pageNumber + index)
                    }, url, headers, deliver)
                    return
                }
            }
        case .cursor(let parameter, let next):
            var cursor: String?
            var pageNumber = 1
            var previous: Int?
            while true {
                let page = try await fetch(url, parameters + (cursor.map { [(parameter, $0)] } ?? []), headers)
                let found = try records(page, url, pageNumber)
                if !found.isEmpty { try checkAdvanced(found, after: &previous, url, pageNumber, "the cursor parameter \(parameter)") }
                if !found.isEmpty { try await deliver(found, location(url, pageNumber)) }
                guard !found.isEmpty, let following = JSONPath.text(next, in: page.body), following != cursor else { return }
                cursor = following
                pageNumber += 1
            }
        case .nextURL(let next):
            try await follow(url, parameters: parameters, headers: headers, deliver) { JSONPath.text(next, in: $0.body) }
        case .linkHeader:
            try await follow(url, parameters: parameters, headers: headers, deliver) { Self.nextLink($0.link) }
        }
    }

    /// Pages that name the next page's URL (in the body or a header), until one has no records
    /// or names none.
    private func follow(_ url: String, parameters: [(String, String)], headers: [(String, String)], _ deliver: @escaping Deliver,
                        next: (Page) -> String?) async throws {
        var current = url
        var query = parameters
        var pageNumber = 1
        var previous: Int?
        while true {
            let page = try await fetch(current, query, headers)
            let found = try records(page, current, pageNumber)
            if !found.isEmpty { try checkAdvanced(found, after: &previous, current, pageNumber, "the next page's URL") }
            if !found.isEmpty { try await deliver(found, location(current, pageNumber)) }
            guard !found.isEmpty, let following = next(page) else { return }
            current = Self.resolve(following, against: current)
            query = []  // the next URL carries its own parameters
            pageNumber += 1
        }
    }

    /// Stops a read that would never end: page `number` holding exactly the records of the page
    /// before means the API ignores `what` (or the declaration names the wrong parameter).
    private func checkAdvanced(_ found: RecordBatch, after previous: inout Int?, _ url: String, _ number: Int, _ what: String) throws {
        var hasher = Hasher()
        switch found {
        case .parsed(let records): hasher.combine(records)
        case .raw(let records):
            hasher.combine(records.ranges.count)
            for range in records.ranges { records.bytes[range].withUnsafeBytes { hasher.combine(bytes: $0) } }
        }
        let fingerprint = hasher.finalize()
        defer { previous = fingerprint }
        guard fingerprint == previous else { return }
        throw PipelineError("source \(source): page \(number) of \(Self.withoutQuery(url)) holds the same records as page \(number - 1), so the API "
                                + "seems to ignore \(what) and the read would never end; check the source's pagination against the API's")
    }

    /// Fetches `pages` (query, page number) at most `parallelism` at a time.
    private func fetchAll(_ pages: [([(String, String)], Int)], _ url: String, _ headers: [(String, String)], _ deliver: @escaping Deliver) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                guard next < pages.count else { return }
                let (query, number) = pages[next]
                next += 1
                group.addTask {
                    let page = try await fetch(url, query, headers)
                    let found = try records(page, url, number)
                    if !found.isEmpty { try await deliver(found, location(url, number)) }
                }
            }
            for _ in 0..<max(1, parallelism) { add() }
            while try await group.next() != nil { add() }
        }
    }

    // MARK: Requests

    struct Page {
        /// The page, or with its records array emptied when `raw` holds the records.
        var body: JSON
        var link: String?
        var raw: RawRecords?
    }

    /// The records path's keys when pages can be split without parsing their records.
    private var rawKeys: [String]? {
        let others: [String] = switch spec.pagination {
        case .pageNumber(_, _, _, _, let totalPages): totalPages.map { [$0] } ?? []
        case .offset(_, _, _, let totalPath): totalPath.map { [$0] } ?? []
        case .cursor(_, let next), .nextURL(let next): [next]
        case .none, .linkHeader: []
        }
        return RawPage.keys(spec.records, others: others)
    }

    private func fetch(_ url: String, _ parameters: [(String, String)], _ headers: [(String, String)]) async throws -> Page {
        var full = url
        if !parameters.isEmpty {
            full += (url.contains("?") ? "&" : "?") + parameters.map { URLEncoding.component($0.0) + "=" + URLEncoding.component($0.1) }.joined(separator: "&")
        }
        let retried = try await transport.sendRetrying("GET", full, headers: { headers }, body: nil, policy: policy, time: time)
        let shown = Self.shown(url, parameters)
        switch retried.outcome {
        case .failure(let failure):
            throw PipelineError("source \(source): cannot reach \(shown) (\(failure.message)) after \(retried.attempts) attempt\(retried.attempts == 1 ? "" : "s"); "
                                    + "check the URL and the network")
        case .success(let result) where result.status == 401 || result.status == 403:
            let hint = spec.auth.map { "check the credentials in $\($0.variable)" } ?? "the API needs credentials: declare auth: .bearer(variable: …)"
            throw PipelineError("source \(source): GET \(shown) answered \(result.status) (\(Self.excerpt(result.body))); \(hint)")
        case .success(let result) where result.status >= 300:
            throw PipelineError("source \(source): GET \(shown) answered \(result.status) (\(Self.excerpt(result.body))) after \(retried.attempts) "
                                    + "attempt\(retried.attempts == 1 ? "" : "s"); check the API, or run again later")
        case .success(let result):
            if let keys = rawKeys, let page = RawPage(result.body, path: keys) {
                return Page(body: page.rest, link: result.header("link"), raw: page.records)
            }
            do {
                return Page(body: try JSON.parse(result.body), link: result.header("link"))
            } catch {
                let text = "\(error)"
                if text.contains("too big integer") || text.contains("real number overflow") {
                    throw PipelineError("source \(source): GET \(shown) answered a number beyond what Terrace reads (\(text)): integers must fit "
                                            + "in 64 bits and other numbers in a double; the page was not loaded")
                }
                throw PipelineError("source \(source): GET \(shown) did not answer JSON (\(text)): \(Self.excerpt(result.body))")
            }
        }
    }

    private func records(_ fetched: Page, _ url: String, _ number: Int) throws -> RecordBatch {
        if let raw = fetched.raw { return .raw(raw) }
        let page = fetched.body
        let found = spec.records.map { JSONPath.find($0, in: page) } ?? page
        // Many APIs answer null rather than [] past the last page.
        if case .null? = found, spec.records != nil { return .parsed([]) }
        guard case .array(let elements)? = found else {
            let keys = page.objectValue.map { " (its keys: \($0.keys.sorted().joined(separator: ", ")))" } ?? ""
            throw PipelineError("source \(source): page \(number) of \(Self.withoutQuery(url)) has no array of records at "
                                    + "\"\(spec.records ?? "$")\"\(keys); fix `records:` in the source's declaration")
        }
        return .parsed(elements)
    }

    private func location(_ url: String, _ page: Int) -> String { "page \(page) of \(Self.withoutQuery(url))" }

    /// `url` with the page's own parameters (pagination, incremental cursor) as it was asked
    /// for, for an error message: the URL's own query, which may carry a key, shown as `…`;
    /// long values cut.
    static func shown(_ url: String, _ parameters: [(String, String)]) -> String {
        var query = url.contains("?") ? ["…"] : []
        for (name, value) in parameters { query.append(name + "=" + (value.count > 40 ? value.prefix(40) + "…" : value)) }
        return query.isEmpty ? url : withoutQuery(url) + "?" + query.joined(separator: "&")
    }

    static func withoutQuery(_ url: String) -> String {
        url.firstIndex(of: "?").map { String(url[..<$0]) } ?? url
    }

    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return text.isEmpty ? "no body" : text
    }

    /// The `rel="next"` target of a Link header.
    static func nextLink(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingSpaces }
            guard let target = pieces.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
            let isNext = pieces.dropFirst().contains { piece in
                let lower = piece.lowercased().replacingSpaces
                return lower == "rel=\"next\"" || lower == "rel=next" || (lower.hasPrefix("rel=\"") && lower.split(separator: " ").contains("next"))
            }
            if isNext { return String(target.dropFirst().dropLast()) }
        }
        return nil
    }

    /// `reference` (absolute, or a path) resolved against `base`.
    static func resolve(_ reference: String, against base: String) -> String {
        if reference.hasPrefix("http://") || reference.hasPrefix("https://") { return reference }
        guard let scheme = base.firstRange(of: "://") else { return reference }
        let afterScheme = base[scheme.upperBound...]
        let hostEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        let origin = String(base[..<hostEnd])
        if reference.hasPrefix("/") { return origin + reference }
        if reference.hasPrefix("?") { return withoutQuery(base) + reference }
        let path = withoutQuery(base)
        let directory = path.lastIndex(of: "/").map { String(path[...$0]) } ?? origin + "/"
        return directory + reference
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    var replacingSpaces: String { String(filter { $0 != " " }) }
}
