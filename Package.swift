// swift-tools-version:6.2
// SPDX-License-Identifier: Apache-2.0
import PackageDescription

/// Settings every target of ours builds with (see ../shared/STYLE.md §3).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .strictMemorySafety(),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "swift-oidc",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "JOSE", targets: ["JOSE"]),
        .library(name: "PKCE", targets: ["PKCE"]),
        .library(name: "Transport", targets: ["Transport"]),
        .library(name: "Discovery", targets: ["Discovery"]),
        .library(name: "Flows", targets: ["Flows"]),
        .library(name: "OIDCTestProvider", targets: ["OIDCTestProvider"]),
        .library(name: "MobilePayProfile", targets: ["MobilePayProfile"]),
        .executable(name: "oidc", targets: ["OIDCCommandLine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .target(name: "JOSE", dependencies: ["COpenSSL"], swiftSettings: strictSettings),
        .target(name: "PKCE", dependencies: ["COpenSSL"], swiftSettings: strictSettings),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .target(
            name: "Transport",
            dependencies: [
                "COpenSSL", "CZlib",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Discovery",
            dependencies: [
                "JOSE", "Transport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Flows",
            dependencies: [
                "JOSE", "PKCE", "Transport", "Discovery",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "MobilePayProfile",
            dependencies: ["Flows", "JOSE", "Transport", .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "OIDCTestProvider",
            dependencies: [
                "JOSE", "PKCE", "Transport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "OIDCCommandLine",
            dependencies: [
                "JOSE", "PKCE", "Discovery", "Transport", "Flows", "MobilePayProfile", "OIDCTestProvider",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "JOSETests",
            dependencies: ["JOSE"],
            exclude: ["Peers"],
            resources: [.copy("Vectors")],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "PKCETests", dependencies: ["PKCE"], swiftSettings: strictSettings),
        .testTarget(
            name: "TransportTests",
            dependencies: [
                "Transport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Servers"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DiscoveryTests",
            dependencies: [
                "Discovery", "JOSE", "Transport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FlowsTests",
            dependencies: [
                "Flows", "Discovery", "JOSE", "PKCE", "Transport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            exclude: ["Provider"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OIDCTestProviderTests",
            dependencies: [
                "OIDCTestProvider", "JOSE", "PKCE", "Transport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MobilePayProfileTests",
            dependencies: [
                "MobilePayProfile", "Flows", "JOSE", "Transport", .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OIDCCommandLineTests",
            dependencies: [
                "JOSE", "OIDCCommandLine", "Transport", "OIDCTestProvider",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            exclude: ["Browser"],
            swiftSettings: strictSettings
        ),
    ]
)
