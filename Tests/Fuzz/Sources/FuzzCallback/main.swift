// SPDX-License-Identifier: Apache-2.0
import Discovery
import Flows
import FuzzSupport
import JOSE
import PKCE

let now = 1_767_225_600.0
let keys = try! StaticKeyProvider(keySet: Fuzz.publicKeys)
let validator = IDTokenValidator(issuer: "https://op.example.com", clientID: "merchant-app", keys: keys, now: { now })
let responseTypes: [ResponseType] = [.code, .codeIDToken, .codeToken, .codeIDTokenToken]
let verifier = try! PKCECodeVerifier()

/// Authorization callbacks: the first byte picks query, fragment or form_post, and the response type;
/// the rest is the redirect URL or the form body. Parsing, then the whole front-channel validation.
/// A callback that validates must carry our state, and what its response type promises.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCallback(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = Fuzz.bytes(start, count)
    guard let selector = input.first else { return 0 }
    let body = Array(input.dropFirst())
    let mode = ResponseMode.allCases[Int(selector % 3)]
    let responseType = responseTypes[Int(selector / 3 % 4)]
    let response: AuthorizationResponse
    do {
        switch mode {
        case .formPost: response = try AuthorizationResponse(formBody: body)
        case .query, .fragment:
            response = try AuthorizationResponse(redirectURL: String(decoding: body, as: UTF8.self), mode: mode)
        }
    } catch {
        Fuzz.check(error is FlowsError, "a callback failed with \(type(of: error))")
        return 0
    }
    Fuzz.check(Set(response.parameters.map(\.name)).count == response.parameters.count, "a repeated parameter")
    let session = AuthorizationSession(
        state: "state-123", nonce: "n-0S6_WzA2Mj", codeVerifier: verifier, redirectURI: "https://a.example/cb",
        clientID: "merchant-app", issuer: "https://op.example.com", responseType: responseType, responseMode: mode,
        maxAge: selector & 0x80 == 0 ? nil : 300, acrValues: nil, createdAt: now - 10, expiresAt: now + 600)
    let requireIssuer = selector & 0x40 != 0
    let outcome = Fuzz.run { () -> ValidatedCallback? in
        try? await CallbackValidator(idTokens: validator, requireIssuerParameter: requireIssuer)
            .validate(response, session: session)
    }
    if let outcome {
        Fuzz.check(response.state == "state-123", "validated without our state")
        Fuzz.check(response.error == nil, "validated an error response")
        Fuzz.check(!responseType.includesCode || !(outcome.code ?? "").isEmpty, "validated without a code")
        Fuzz.check(!responseType.includesIDToken || outcome.idToken != nil, "validated without an ID token")
        Fuzz.check(!requireIssuer || response.issuer == "https://op.example.com", "validated without iss")
    }
    return 0
}
