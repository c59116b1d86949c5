// swift-tools-version:6.2
// SPDX-License-Identifier: Apache-2.0
import PackageDescription

// libFuzzer targets, one per parser that reads bytes from outside. A package of its own (like
// Benchmarks/), so that the library's build never sees them. Build and run with ./fuzz.sh, which passes
// `--sanitize fuzzer -Xswiftc -sanitize=fuzzer,address` (see there why both).

/// A fuzz target: an executable over `FuzzSupport` and the library products it needs.
func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport", .product(name: "HTTPTypes", package: "swift-http-types")]
            + products.map { .product(name: $0, package: "swift-oidc") },
        swiftSettings: [.enableUpcomingFeature("ExistentialAny"), .treatAllWarnings(as: .error)]
    )
}

let package = Package(
    name: "swift-oidc-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-oidc", path: "../.."),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [
                .product(name: "JOSE", package: "swift-oidc"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny"), .treatAllWarnings(as: .error)]
        ),
        fuzzTarget("FuzzBase64URL", ["JOSE"]),
        fuzzTarget("FuzzJSON", ["JOSE"]),
        fuzzTarget("FuzzCompactJWS", ["JOSE"]),
        fuzzTarget("FuzzJWKSet", ["JOSE"]),
        fuzzTarget("FuzzProviderMetadata", ["Discovery", "JOSE"]),
        fuzzTarget("FuzzCallback", ["Flows", "Discovery", "JOSE", "PKCE"]),
        fuzzTarget("FuzzTokenResponse", ["Flows", "Transport", "JOSE"]),
        fuzzTarget("FuzzHTTPResponse", ["Transport"]),
        fuzzTarget("FuzzHTTPRequest", ["Transport"]),
    ]
)
