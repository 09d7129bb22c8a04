// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "terrace",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "terrace", targets: ["terrace"]),
        .library(name: "LocalCloud", targets: ["LocalCloud"]),
        .library(name: "TerraceJSON", targets: ["TerraceJSON"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CJansson", pkgConfig: "jansson", providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        .target(name: "TerraceJSON", dependencies: ["CJansson"], exclude: ["README.md"]),
        .target(name: "GCPNaming", exclude: ["README.md"]),
        .target(name: "TerraceTime", exclude: ["README.md"]),
        .target(name: "TerraceSQLite", dependencies: ["CSQLite"], exclude: ["README.md"]),
        .target(name: "TerraceCrypto", dependencies: ["COpenSSL"], exclude: ["README.md"]),
        .target(name: "TerraceCompression", dependencies: ["CZlib"], exclude: ["README.md"]),
        .target(name: "TerraceHTTP", dependencies: ["CCurl", "TerraceJSON"], exclude: ["README.md"]),
        .target(name: "GoogleCloud", dependencies: ["TerraceHTTP", "TerraceJSON", "TerraceCrypto", "TerraceTime"], exclude: ["README.md"]),
        .target(name: "TerraceDSL", dependencies: ["GCPNaming", "TerraceJSON"], exclude: ["README.md"]),
        // GoogleSQL: lexer, parser and syntax tree of BigQuery's SQL (pure Swift).
        .target(name: "GoogleSQL", exclude: ["README.md"]),
        // RE2 behind a small C shim, so BigQuery's regular expressions are the real dialect.
        .target(name: "CRE2", linkerSettings: [.linkedLibrary("re2")]),
        // BigQuery's scalar functions with its exact semantics (regexes, FarmHash, dates).
        .target(name: "BigQueryFunctions", dependencies: ["CRE2", "TerraceCrypto", "TerraceTime"], exclude: ["README.md"]),
        // The local BigQuery's query engine: GoogleSQL type-checked and translated to SQLite.
        // UNNEST of STRUCT arrays as an SQLite table-valued function in C: each element scanned once.
        .target(name: "CSQLiteUnnest"),
        .target(name: "BigQueryEngine", dependencies: ["GoogleSQL", "BigQueryFunctions", "TerraceSQLite", "TerraceJSON", "CSQLiteUnnest"], exclude: ["README.md"]),
        // PostgreSQL over libpq: connections and streamed query results (a bronze source).
        .target(name: "TerracePostgres", dependencies: ["CPostgres", "TerraceJSON", "TerraceProcess"], exclude: ["README.md"]),
        // Child processes started with posix_spawn (Foundation's Process.run reads past a buffer on Linux).
        .target(name: "CSpawn"),
        .target(name: "TerraceProcess", dependencies: ["CSpawn"], exclude: ["README.md"]),
        // Pipelines: bronze sources, readers, landing in the lake, loading into BigQuery; running models and data tests.
        .target(
            name: "TerracePipelines",
            dependencies: [
                "TerraceJSON", "TerraceHTTP", "GoogleCloud", "TerraceCompression", "TerraceCrypto", "TerracePostgres", "TerraceTime", "TerraceDSL",
                "TerraceModels",
            ],
            exclude: ["README.md"]),
        // Silver and gold: SQL model files, references, the DAG, selection, materializations and data tests.
        .target(name: "TerraceModels", dependencies: ["GoogleSQL", "TerraceJSON"], exclude: ["README.md"]),
        .target(name: "TerraceEngine", dependencies: ["TerraceDSL", "GoogleCloud", "TerraceJSON", "GCPNaming", "TerraceCrypto"], exclude: ["README.md"]),
        .target(
            name: "LocalCloud",
            dependencies: [
                "TerraceJSON", "TerraceSQLite", "TerraceCrypto", "GCPNaming", "TerraceTime", "TerraceCompression", "BigQueryFunctions",
                "BigQueryEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            exclude: ["README.md"]
        ),
        // This platform's declarations, compiled into the binary (like a CDK app).
        .target(name: "Infra", dependencies: ["TerraceDSL"], path: "infra", exclude: ["README.md"]),
        // This platform's pipelines: bronze sources in Swift; the SQL models (silver/, gold/, tests/) are read at run time.
        .target(name: "Pipelines", dependencies: ["TerraceDSL", "TerracePipelines"], path: "pipelines",
                exclude: ["README.md", "silver", "gold", "tests"]),
        .target(
            name: "TerraceCLI",
            dependencies: [
                "LocalCloud", "TerraceJSON", "TerraceDSL", "TerraceEngine", "GoogleCloud", "TerracePipelines", "TerraceTime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "terrace",
            dependencies: [
                "TerraceCLI", "Infra", "Pipelines", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Stacks the failure tests and the plan benchmark use, and `terrace` built with them.
        .target(name: "TestStacks", dependencies: ["TerraceDSL", "TerracePipelines"], path: "Tests/TestStacks"),
        .executableTarget(
            name: "terrace-fixture",
            dependencies: [
                "TerraceCLI", "TestStacks", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/Fixture"
        ),
        // The plan benchmark's floor: N GETs at a given concurrency through the same transport.
        .executableTarget(name: "terrace-get-floor", dependencies: ["GoogleCloud", "TerraceJSON"], path: "Tests/Bench"),
        .testTarget(
            name: "TerraceTests",
            dependencies: [
                "TestStacks", "GoogleSQL", "BigQueryFunctions", "BigQueryEngine",
                "LocalCloud", "TerraceJSON", "TerraceSQLite", "TerraceCrypto", "TerraceCompression", "TerraceHTTP", "TerraceCLI",
                "GoogleCloud", "TerraceDSL", "TerraceEngine", "GCPNaming", "Infra", "TerraceTime", "TerracePostgres", "TerracePipelines", "Pipelines", "TerraceModels", "TerraceProcess",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
    ]
)
