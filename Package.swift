// swift-tools-version:6.2
// Nashra — an Arabic news aggregation pipeline: fetcher → parser → classifier → store over RabbitMQ.
// Linux only (Debian/Ubuntu): the AMQP consumer and the test helpers call Glibc directly.
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "Nashra",
    products: [
        .executable(name: "nashra-fetcher", targets: ["FetcherService"]),
        .executable(name: "nashra-parser", targets: ["ParserService"]),
        .executable(name: "nashra-classifier", targets: ["ClassifierService"]),
        .executable(name: "nashra-store", targets: ["StoreService"]),
        .executable(name: "nashra", targets: ["NashraCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // C libraries: one system-library module each, imported by one Swift wrapper (CZlib also by the tests'
        // PNG reader, which inflates screenshots).
        .systemLibrary(
            name: "CRabbitMQ",
            path: "Shared/CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            path: "Shared/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(name: "CZlib", path: "Shared/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CLibXML2",
            path: "Shared/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),

        // Shared modules.
        .target(name: "NashraHashing", path: "Shared/Hashing", swiftSettings: strict),
        .target(name: "NashraModel", dependencies: ["NashraHashing"], path: "Shared/Model", swiftSettings: strict),
        .target(name: "NashraArchive", dependencies: ["CZlib"], path: "Shared/Archive", swiftSettings: strict),
        .target(name: "ArabicText", dependencies: ["NashraHashing"], path: "Shared/ArabicText", swiftSettings: strict),
        .target(
            name: "NashraAMQP",
            dependencies: ["CRabbitMQ", .product(name: "Logging", package: "swift-log")],
            path: "Shared/AMQP",
            swiftSettings: strict
        ),
        .target(
            name: "NashraHTTP",
            dependencies: ["CCurl"],
            path: "Shared/HTTPFetch",
            swiftSettings: strict
        ),
        .target(name: "NashraHTML", dependencies: ["CLibXML2"], path: "Shared/HTML", swiftSettings: strict),
        .target(
            name: "DemoSite",
            dependencies: [
                "NashraHTTP", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/DemoSite",
            swiftSettings: strict
        ),
        .target(
            name: "ReplaySite",
            dependencies: [
                "NashraArchive", "NashraHTML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/ReplaySite",
            swiftSettings: strict
        ),
        .target(
            name: "NashraRuntime",
            dependencies: [
                "NashraAMQP", "NashraModel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Shared/Runtime",
            swiftSettings: strict
        ),
        // What operators use beside the services: queue inspection (management API, or AMQP) and dead letters.
        .target(
            name: "NashraOperations",
            dependencies: [
                "NashraAMQP", "NashraHTTP", "NashraRuntime", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/Operations",
            swiftSettings: strict
        ),

        // Stage libraries (logic testable without a broker) and their thin executables.
        // The fetcher: stateless workers (HTTP, robots.txt, feeds) and the one frontier (sources, schedule, seen
        // URLs in SQLite, the catalog in YAML), in one executable with two roles.
        .target(
            name: "Fetcher",
            dependencies: ["NashraModel", "NashraHTTP", "NashraHTML", "NashraRuntime", "NashraAMQP", "ArabicText"],
            path: "Services/Fetcher/Worker",
            swiftSettings: strict
        ),
        .target(
            name: "FetchFrontier",
            dependencies: [
                "NashraModel", "NashraRuntime", "NashraAMQP", "NashraHTML", "NashraHTTP", "Fetcher",
                .product(name: "GRDB", package: "GRDB.swift"), "Yams",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Services/Fetcher/Frontier",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "FetcherService",
            dependencies: ["Fetcher", "FetchFrontier"],
            path: "Services/Fetcher/Main"
        ),
        .target(
            name: "Parser",
            dependencies: ["NashraModel", "NashraHTML", "ArabicText", "NashraRuntime", "NashraHashing"],
            path: "Services/Parser/Sources",
            swiftSettings: strict
        ),
        .executableTarget(name: "ParserService", dependencies: ["Parser"], path: "Services/Parser/Main"),
        .target(
            name: "Classifier",
            dependencies: ["NashraModel", "ArabicText", "NashraRuntime", "NashraArchive", "NashraHashing"],
            path: "Services/Classifier/Sources",
            exclude: ["Resources/ant-label-map.json", "Resources/README.md"],
            resources: [.copy("Resources/topic-ant.nmodel")],
            swiftSettings: strict
        ),
        .executableTarget(name: "ClassifierService", dependencies: ["Classifier"], path: "Services/Classifier/Main"),
        // The store: persistence (SQLite through GRDB, the store stage, retention, the importer) and, apart from it,
        // the reader web site that reads it, in one executable with two roles.
        .target(
            name: "Store",
            dependencies: [
                "NashraModel", "ArabicText", "NashraRuntime", "NashraArchive", "NashraHashing",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/Store/Sources",
            swiftSettings: strict
        ),
        .target(
            name: "ReaderWeb",
            dependencies: [
                "Store", "NashraModel", "ArabicText", "NashraHTML", "NashraRuntime", "NashraOperations",
                "NashraHashing", "NashraHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Services/Store/Web",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "StoreService",
            dependencies: ["Store", "ReaderWeb"],
            path: "Services/Store/Main"
        ),
        .executableTarget(
            name: "NashraCLI",
            dependencies: [
                "Fetcher", "FetchFrontier", "Parser", "Classifier", "Store", "ReaderWeb", "NashraAMQP", "NashraHTTP",
                "NashraOperations", "DemoSite", "ReplaySite", "ArabicText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Services/CLI",
            swiftSettings: strict
        ),

        // Tests.
        .target(
            name: "TestSupport",
            dependencies: [
                "CZlib", "NashraAMQP", "NashraRuntime", "NashraModel", "DemoSite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "UnitTests",
            dependencies: [
                "NashraModel", "NashraHashing", "ArabicText", "NashraAMQP", "NashraRuntime", "NashraHTTP",
                "NashraOperations", "Parser",
                "Classifier", "Fetcher", "FetchFrontier", "Store", "ReaderWeb", "ReplaySite", "TestSupport", "Yams",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/UnitTests"
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "TestSupport", "Fetcher", "FetchFrontier", "Parser", "Classifier", "Store", "ReaderWeb", "NashraAMQP",
                "NashraRuntime", "NashraHTTP",
                "NashraModel", "NashraOperations", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/IntegrationTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
