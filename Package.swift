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
        .executable(name: "oidc", targets: ["OIDCCommandLine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .target(name: "JOSE", dependencies: ["COpenSSL"], swiftSettings: strictSettings),
        .target(name: "PKCE", dependencies: ["COpenSSL"], swiftSettings: strictSettings),
        .executableTarget(
            name: "OIDCCommandLine",
            dependencies: [
                "JOSE", "PKCE",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "JOSETests",
            dependencies: ["JOSE"],
            resources: [.copy("Vectors")],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "PKCETests", dependencies: ["PKCE"], swiftSettings: strictSettings),
        .testTarget(
            name: "OIDCCommandLineTests",
            dependencies: ["JOSE", "OIDCCommandLine"],
            swiftSettings: strictSettings
        ),
    ]
)
