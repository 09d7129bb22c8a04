import ArgumentParser
import LocalCloud
import TerraceJSON

/// `terrace local serve`: the local cloud in the foreground until Ctrl-C.
struct LocalServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the local cloud on one port until interrupted.",
        discussion: """
            Every API is served on Google's own paths under one base URL: /storage/v1 and \
            /upload/storage/v1 (Cloud Storage), /bigquery/v2 (BigQuery), and /v1/projects/… (Pub/Sub, IAM, \
            Resource Manager, Service Usage, IAM Credentials). The OAuth2 token endpoint is /token. Data \
            lives under --data and survives restarts.

            --faults takes ';'-separated settings: seed=N, consistency=SECONDS (new resources answer 404 for \
            that long), stall=SECONDS, and rules SELECTOR=RATE:KIND. SELECTOR is *, an API (storage, \
            bigquery, pubsub, iam, cloudresourcemanager, serviceusage, iamcredentials, oauth2) or \
            API.METHOD (storage.PUT); KIND is 429, 500, 502, 503 or 504 (optionally +retry-after=SECONDS), \
            stall or reset. For example: 'seed=7;storage.GET=0.2:503+retry-after=1;consistency=2'.
            """
    )

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 9023

    @Option(help: "Address to listen on. Loopback unless you mean to share it.")
    var host: String = "127.0.0.1"

    @Option(help: "Data directory (created if missing; locked while serving).")
    var data: String = ".terrace/local/local"

    @Option(help: "Inject faults: see the discussion above.")
    var faults: String?

    @Flag(help: "Answer 401 to any API request without a valid bearer token from the /token endpoint.")
    var requireAuth = false

    @Option(help: "Directory of service-account key files and authorized_user files the token endpoint trusts.")
    var keys: String?

    @Option(help: "Cart line items in the sample shop served at /sample/shop (1 to 10000000; requests may pass ?scale=N).")
    var sampleScale: Int = SampleShop.defaultScale

    @Flag(help: "Print the listening address as one JSON line instead of the banner.")
    var json = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535, got \(port)") }
        guard SampleShop.scales.contains(sampleScale) else {
            throw ValidationError("--sample-scale must be 1 to 10000000 cart line items, got \(sampleScale)")
        }
        if requireAuth && keys == nil {
            throw ValidationError("--require-auth needs --keys DIR: the key files whose tokens the server will accept")
        }
    }

    func run() async throws {
        let console = Console.standard
        var configuration = LocalCloud.Configuration(dataDirectory: data)
        configuration.host = host
        configuration.port = port
        configuration.requireAuth = requireAuth
        configuration.keysDirectory = keys
        configuration.handleSignals = true
        configuration.sampleScale = sampleScale
        do {
            if let faults { configuration.faults = try FaultPlan(spec: faults) }
        } catch {
            console.error(String(describing: error))
            throw ExitCode.failure
        }
        let cloud: LocalCloud
        do {
            cloud = try await LocalCloud.start(configuration)
        } catch {
            console.error(String(describing: error))
            throw ExitCode.failure
        }
        if json {
            let line: JSON = ["baseURL": .string(cloud.baseURL), "port": .int(Int64(cloud.port)), "data": .string(data)]
            console.line(line.encoded())
        } else {
            printBanner(cloud, console)
        }
        try await cloud.wait()
    }

    private func printBanner(_ cloud: LocalCloud, _ console: Console) {
        let base = cloud.baseURL
        let titles: [String: (String, String)] = [
            "storage": ("Cloud Storage JSON v1", "/storage/v1  /upload/storage/v1"),
            "bigquery": ("BigQuery v2", "/bigquery/v2"),
            "pubsub": ("Pub/Sub v1", "/v1/projects/P/topics  …/subscriptions"),
            "iam": ("IAM v1", "/v1/projects/P/serviceAccounts"),
            "cloudresourcemanager": ("Resource Manager v1", "/v1/projects/P:getIamPolicy"),
            "serviceusage": ("Service Usage v1", "/v1/projects/P/services"),
            "iamcredentials": ("IAM Credentials v1", "…/serviceAccounts/SA:generateAccessToken"),
            "oauth2": ("OAuth2 token endpoint", "/token"),
        ]
        console.line("\(console.styled("terrace local cloud", .bold))  \(console.styled(base, .cyan))")
        console.line(console.styled("  data \(data)\(requireAuth ? "   auth required" : "")\(faults.map { "   faults \($0)" } ?? "")", .dim))
        console.line()
        var rows = [["API", "paths", "methods"].map { console.styled($0, .dim) }]
        for (api, count) in cloud.apiSummary {
            let (title, paths) = titles[api] ?? (api, "")
            rows.append([title, paths, String(count)])
        }
        for row in console.table(rows) { console.line(row) }
        console.line()
        console.line("Point Google's clients at it:")
        for line in console.table([
            ["STORAGE_EMULATOR_HOST", base],
            ["google-cloud-* clients", "client_options={\"api_endpoint\": \"\(base)\"}"],
            ["google-api-python-client", "client_options={\"api_endpoint\": \"\(base)/\"}  (Storage: \(base)/storage/v1/)"],
        ]) { console.line(line) }
        console.line(console.styled("  Pub/Sub is served over REST (JSON), not gRPC, so PUBSUB_EMULATOR_HOST does not apply.", .dim))
        console.line()
        console.line(console.styled("Ctrl-C to stop.", .dim))
    }
}

extension String {
    func replacingPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }
}
