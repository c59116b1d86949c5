// SPDX-License-Identifier: Apache-2.0
import Discovery
import FuzzSupport
import JOSE

/// Provider metadata: parse, validate against its own issuer and a fixed one, and round-trip. A
/// document that validates must have only https (or loopback http) endpoints and the exact issuer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProviderMetadata(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = Fuzz.bytes(start, count)
    guard let metadata = try? ProviderMetadata(json: input) else { return 0 }
    let reparsed = try? ProviderMetadata(json: metadata.serialized())
    Fuzz.check(reparsed == metadata, "metadata changed through serialized()")
    _ = metadata.idTokenSigningAlgorithms
    let cases = [(metadata.issuer, true), (metadata.issuer, false), ("https://op.example.com", true)]
    for (expected, allowLoopback) in cases {
        guard let valid = try? metadata.validated(expectedIssuer: expected, allowInsecureLoopback: allowLoopback) else {
            continue
        }
        Fuzz.check(valid.issuer.unicodeScalars.elementsEqual(expected.unicodeScalars), "validated another issuer")
        for endpoint in [valid.tokenEndpoint, valid.jwksURI, valid.authorizationEndpoint, valid.userinfoEndpoint] {
            guard let endpoint else { continue }
            let lowered = endpoint.lowercased()
            Fuzz.check(
                lowered.hasPrefix("https://") || (allowLoopback && lowered.hasPrefix("http://")),
                "validated a non-https endpoint")
        }
    }
    return 0
}
