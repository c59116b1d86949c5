// swift-tools-version:6.2
// SPDX-License-Identifier: Apache-2.0
import PackageDescription

// A package of its own, so that library users never resolve benchmark-only dependencies (jwt-kit).
let package = Package(
    name: "swift-oidc-benchmarks",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "jwt-bench", targets: ["JWTBench"])],
    dependencies: [
        .package(name: "swift-oidc", path: ".."),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
    ],
    targets: [
        // The limit: libcrypto called directly from C on the same signing input, and a malloc counter.
        .target(
            name: "COpenSSLBaseline",
            linkerSettings: [.linkedLibrary("crypto")]
        ),
        .executableTarget(
            name: "JWTBench",
            dependencies: [
                "COpenSSLBaseline",
                .product(name: "JOSE", package: "swift-oidc"),
                .product(name: "PKCE", package: "swift-oidc"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
