// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "tprm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tprm", targets: ["tprm"]),
        .library(name: "Postgres", targets: ["Postgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "CivilTime",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CatalogFiles",
            dependencies: ["SupplierRisk"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SupplierRisk",
            dependencies: ["CivilTime", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                "CivilTime",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Storage",
            dependencies: [
                "CivilTime",
                "Postgres",
                "SupplierRisk",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ScoringPipeline",
            dependencies: [
                "CatalogFiles",
                "Storage",
                "SupplierRisk",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Outreach",
            dependencies: [
                "CivilTime",
                "Storage",
                "SupplierRisk",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Reports",
            dependencies: ["CivilTime", "Storage", "SupplierRisk", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Resources/tprm.css")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WebService",
            dependencies: [
                "CivilTime",
                "Storage",
                "Outreach",
                "Reports",
                "SupplierRisk",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/Templates"), .copy("Resources/Static")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tprm",
            dependencies: [
                "CatalogFiles",
                "CivilTime",
                "Postgres",
                "Storage",
                "ScoringPipeline",
                "Outreach",
                "Reports",
                "WebService",
                "SupplierRisk",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tprm-bench",
            dependencies: [
                "CatalogFiles",
                "Postgres",
                "Storage",
                "SupplierRisk",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Postgres",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CivilTimeTests",
            dependencies: ["CivilTime", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SupplierRiskTests",
            dependencies: ["CatalogFiles", "SupplierRisk", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "CatalogFiles",
                "Storage", "Postgres", "SupplierRisk", "TestSupport",
                .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScoringPipelineTests",
            dependencies: ["CatalogFiles", "ScoringPipeline", "Storage", "Postgres", "SupplierRisk", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutreachTests",
            dependencies: ["CatalogFiles", "CivilTime", "Outreach", "Storage", "Postgres", "SupplierRisk", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["CatalogFiles", "Reports", "ScoringPipeline", "Storage", "Postgres", "SupplierRisk", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WebServiceTests",
            dependencies: [
                "CatalogFiles",
                "CivilTime", "WebService", "Outreach", "ScoringPipeline", "Reports", "Storage", "Postgres", "SupplierRisk", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "tprmTests",
            dependencies: ["CatalogFiles", "tprm", "Postgres", "Storage", "SupplierRisk", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
