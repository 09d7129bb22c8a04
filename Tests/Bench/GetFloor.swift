#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GoogleCloud
import TerraceJSON

/// The plan benchmark's floor: exactly the GET requests `terrace plan` makes to refresh a
/// state's resources, through the same clients and transport, `--concurrency` at a time, and
/// nothing else (no declarations, no comparison, no lock).
///
///     terrace-get-floor --base URL --project P --state state/bench.json --concurrency 10
///
/// The requests come from the state file an apply wrote, one per resource, as the providers read
/// them: a bucket `GET storage/v1/b/NAME`, a dataset `GET bigquery/v2/ID`, a topic or
/// subscription `GET v1/ID`, a service account `GET v1/ID`, and for IAM grants one
/// `GET v1/RESOURCE:getIamPolicy?options.requestedPolicyVersion=3` per target resource (the plan's
/// refresh shares one policy read among the grants on a target). `--list` prints them instead.
///
/// Prints one line: `requests=N concurrency=C seconds=S` (S covers the requests only; the
/// benchmark times the whole process from outside, as it does the plan).
@main
enum GetFloor {
    struct Request: Sendable {
        let api: GoogleAPI
        let path: String
        let query: [(String, String)]
    }

    static func main() async {
        var base: String?, project: String?, statePath: String?, concurrency = 10, list = false
        var arguments = CommandLine.arguments.dropFirst()
        func value(_ flag: String) -> String {
            guard let next = arguments.popFirst() else { fail("\(flag) needs a value") }
            return next
        }
        while let argument = arguments.popFirst() {
            switch argument {
            case "--base": base = value(argument)
            case "--project": project = value(argument)
            case "--state": statePath = value(argument)
            case "--concurrency":
                guard let n = Int(value(argument)), n >= 1 else { fail("--concurrency must be a positive integer") }
                concurrency = n
            case "--list": list = true
            case "-h", "--help":
                print("usage: terrace-get-floor --base URL --project P --state FILE [--concurrency N] [--list]")
                return
            default: fail("unknown argument \(argument)")
            }
        }
        guard let statePath else { fail("--state FILE is required") }
        guard let project else { fail("--project P is required") }
        let requests = self.requests(fromState: statePath)
        if list {
            let cloud = GoogleCloud(endpoints: .localCloud(base ?? "http://127.0.0.1:9023"), credentials: nil, project: project)
            for request in requests { print("GET " + cloud.client(request.api).url(request.path, query: request.query)) }
            return
        }
        guard let base else { fail("--base URL is required") }
        let cloud = GoogleCloud(endpoints: .localCloud(base), credentials: nil, project: project)

        let clock = ContinuousClock()
        let started = clock.now
        do {
            try await run(requests, on: cloud, concurrency: concurrency)
        } catch {
            fail("\(error)")
        }
        let elapsed = started.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("requests=\(requests.count) concurrency=\(concurrency) seconds=\(seconds)")
    }

    /// Sends every request, `concurrency` at a time, as the planner's refresh does; any failure
    /// (a 404 included) is an error: the floor only counts requests that found their resource.
    static func run(_ requests: [Request], on cloud: GoogleCloud, concurrency: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func start() {
                let request = requests[next]
                next += 1
                group.addTask { _ = try await cloud.client(request.api).get(request.path, query: request.query) }
            }
            while next < min(concurrency, requests.count) { start() }
            while try await group.next() != nil {
                if next < requests.count { start() }
            }
        }
    }

    /// The refresh's requests for the resources `path` records, in address order.
    static func requests(fromState path: String) -> [Request] {
        let state: JSON
        do {
            state = try JSON.parse(readFile(path))
        } catch {
            fail("cannot parse \(path): \(error)")
        }
        var requests: [Request] = []
        var policiesRead: Set<String> = []
        let resources = (state["resources"]?.arrayValue ?? []).sorted {
            ($0["address"]?.stringValue ?? "") < ($1["address"]?.stringValue ?? "")
        }
        for resource in resources {
            let type = resource["type"]?.stringValue ?? "", id = resource["id"]?.stringValue ?? ""
            switch type {
            case "storage.bucket": requests.append(Request(api: .storage, path: "b/" + URLEncoding.component(id), query: []))
            case "bigquery.dataset", "bigquery.table", "bigquery.view": requests.append(Request(api: .bigquery, path: id, query: []))
            case "pubsub.topic", "pubsub.subscription": requests.append(Request(api: .pubsub, path: id, query: []))
            case "iam.serviceAccount": requests.append(Request(api: .iam, path: id, query: []))
            case "iam.grant", "iam.binding":
                let attributes = resource["attributes"]
                let targetType = attributes?["resourceType"]?.stringValue ?? "", target = attributes?["resource"]?.stringValue ?? ""
                guard targetType == "pubsub.topic" || targetType == "pubsub.subscription" else {
                    fail("\(resource["address"]?.stringValue ?? id): IAM on \(targetType) is not part of the floor")
                }
                // One policy read per target, however many grants share it.
                if policiesRead.insert(target).inserted {
                    requests.append(Request(api: .pubsub, path: target + ":getIamPolicy", query: [("options.requestedPolicyVersion", "3")]))
                }
            default:
                fail("\(resource["address"]?.stringValue ?? id): resource type \(type) is not part of the floor")
            }
        }
        if requests.isEmpty { fail("\(path) records no resources") }
        return requests
    }

    static func readFile(_ path: String) -> [UInt8] {
        guard let file = fopen(path, "rb") else { fail("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }

    static func fail(_ message: String) -> Never {
        let bytes = Array("terrace-get-floor: \(message)\n".utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(1)
    }
}
