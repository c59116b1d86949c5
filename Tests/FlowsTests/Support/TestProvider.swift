// SPDX-License-Identifier: Apache-2.0
import Discovery
import Flows
import HTTPTypes
import JOSE
import PKCE
import Synchronization
import Transport

/// Builds tokens as a provider would, for unit tests of the checks.
struct TokenFactory {
    static let issuer = "https://op.example.com"
    static let clientID = "merchant-app"
    static let now = 1_767_225_600.0
    static let rsa = try! SigningKey.generate(.rsa(bits: 2048), keyID: "rsa-1")
    static let ed = try! SigningKey.generate(.ed25519, keyID: "ed-1")

    static func keys() throws -> StaticKeyProvider {
        try StaticKeyProvider(keys: [rsa.verificationKey, ed.verificationKey])
    }

    static func validator(now: Double = TokenFactory.now) throws -> IDTokenValidator {
        IDTokenValidator(issuer: issuer, clientID: clientID, keys: try keys(), now: { now })
    }

    /// Standard ID token claims, with `changes` applied (`.null` removes a claim).
    static func claims(_ changes: JSONObject = [:]) -> JSONObject {
        var claims: JSONObject = [
            "iss": .string(issuer), "sub": "alice", "aud": .string(clientID), "exp": .number(now + 300),
            "iat": .number(now - 5), "auth_time": .number(now - 30), "nonce": "n-0S6_WzA2Mj",
        ]
        for member in changes { claims[member.key] = member.value == .null ? nil : member.value }
        return claims
    }

    static func idToken(_ changes: JSONObject = [:], key: SigningKey = rsa, algorithm: JWSAlgorithm? = nil) throws -> String {
        try JWSSigner(key: key, algorithm: algorithm).sign(claims: claims(changes))
    }

    static func hash(_ value: String, _ algorithm: JWSAlgorithm = .rs256) -> JSONValue {
        .string(try! TokenHash.compute(for: value, algorithm: algorithm))
    }
}

/// An HTTPTransport test double: answers with a closure and records every request.
final class RecordingTransport: HTTPTransport, Sendable {
    typealias Responder = @Sendable (HTTPRequest, [UInt8]?) async throws -> (HTTPResponse, [UInt8])
    private let responder: Responder
    private let log = Mutex<[(HTTPRequest, [UInt8]?)]>([])

    init(_ responder: @escaping Responder) { self.responder = responder }

    var requests: [(HTTPRequest, [UInt8]?)] { self.log.withLock { $0 } }

    func send(_ request: HTTPRequest, body: [UInt8]?, deadline: ContinuousClock.Instant) async throws -> (HTTPResponse, [UInt8]) {
        self.log.withLock { $0.append((request, body)) }
        return try await self.responder(request, body)
    }

    static func json(_ object: JSONObject, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> (HTTPResponse, [UInt8]) {
        var fields = headers
        fields[.contentType] = "application/json"
        return (HTTPResponse(status: status, headerFields: fields), object.serialized())
    }
}

/// Decodes a form body for assertions.
func formParameters(_ body: [UInt8]?) throws -> [String: String] {
    let pairs = try FormEncoding.decode(Substring(String(decoding: body ?? [], as: UTF8.self)))
    return Dictionary(uniqueKeysWithValues: pairs)
}
