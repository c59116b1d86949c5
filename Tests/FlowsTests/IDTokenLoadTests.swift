// SPDX-License-Identifier: Apache-2.0
import Discovery
import Flows
import HTTPTypes
import JOSE
import Synchronization
import Testing
import Transport

/// ID-token validation under load against one JWKSource over real HTTP, with a key rotation in the
/// middle (issue 6): every valid token is accepted, every forged one rejected, and the provider sees a
/// bounded number of key-set requests however many validations run.
@Suite struct IDTokenLoadTests {
    typealias F = TokenFactory

    /// A provider on 127.0.0.1 whose key set the test replaces, counting the requests for it.
    final class KeyServer: Sendable {
        let keySet: SharedValue<[UInt8]>
        let fetches = SharedValue(0)
        let server: LoopbackHTTPServer

        init(_ keys: [SigningKey]) throws {
            let keySet = SharedValue(JWKSet(keys: keys.map(\.publicJWK)).jsonObject.serialized())
            let fetches = self.fetches
            self.keySet = keySet
            self.server = try LoopbackHTTPServer.start { request, _ in
                guard request.path == "/jwks" else { return (HTTPResponse(status: .notFound), []) }
                fetches.update { $0 += 1 }
                var fields = HTTPFields()
                fields[.contentType] = "application/jwk-set+json"
                fields[.cacheControl] = "max-age=300"
                return (HTTPResponse(status: .ok, headerFields: fields), keySet.value)
            }
        }

        func publish(_ keys: [SigningKey]) {
            self.keySet.set(JWKSet(keys: keys.map(\.publicJWK)).jsonObject.serialized())
        }
    }

    /// What the validating tasks share.
    final class Tally: Sendable {
        let started = Atomic<Int>(0)
        let isRotated = Atomic<Bool>(false)
        let accepted = Atomic<Int>(0)
        let acceptedB = Atomic<Int>(0)
        let rejected = Atomic<Int>(0)
        let wrongVerdicts = Mutex<[String]>([])
    }

    /// A token the test knows the verdict for.
    struct Case: Sendable {
        let compact: String
        let nonce: String
        let subject: String?  // nil: forged, must be rejected
    }

    static func claims(subject: String, nonce: String, audience: String = F.clientID) -> JSONObject {
        [
            "iss": .string(F.issuer), "sub": .string(subject), "aud": .string(audience),
            "exp": .number(F.now + 3600), "iat": .number(F.now - 5), "nonce": .string(nonce),
        ]
    }

    static func sign(_ key: SigningKey, subject: String, nonce: String) throws -> Case {
        Case(
            compact: try JWSSigner(key: key).sign(claims: self.claims(subject: subject, nonce: nonce)), nonce: nonce,
            subject: subject)
    }

    /// Seven ways to forge an ID token against keys A (RSA, kid "a") and B (P-256, kid "b").
    static func forgeries(a: SigningKey, b: SigningKey) throws -> [Case] {
        let stranger = try SigningKey.generate(.ec(.p256), keyID: "b")  // B's kid, another key
        let unknown = try SigningKey.generate(.ec(.p256), keyID: "unknown")
        let confused = try SigningKey(  // HS256 keyed with A's public key (alg confusion)
            hmacSecret: try #require(a.verificationKey.subjectPublicKeyInfo), keyID: "a", algorithm: .hs256)
        let valid = try JWSSigner(key: a).sign(claims: self.claims(subject: "x", nonce: "n-forged"))
        let parts = valid.split(separator: ".").map(String.init)
        let tampered = Base64URL.encode(
            self.claims(subject: "admin", nonce: "n-forged").serialized())  // A's signature over other claims
        let unsigned = Base64URL.encode(Array(#"{"alg":"none","kid":"a"}"#.utf8))
        let compacts = [
            try JWSSigner(key: stranger).sign(claims: self.claims(subject: "x", nonce: "n-forged")),
            try JWSSigner(key: unknown).sign(claims: self.claims(subject: "x", nonce: "n-forged")),
            try JWSSigner(key: confused, algorithm: .hs256).sign(claims: self.claims(subject: "x", nonce: "n-forged")),
            "\(parts[0]).\(tampered).\(parts[2])",
            "\(unsigned).\(parts[1]).",
            // Validly signed, but for another client (token substitution) or with another nonce (replay).
            try JWSSigner(key: a).sign(claims: self.claims(subject: "x", nonce: "n-forged", audience: "other-app")),
            try JWSSigner(key: b).sign(claims: self.claims(subject: "x", nonce: "n-other")),
        ]
        return compacts.map { Case(compact: $0, nonce: "n-forged", subject: nil) }
    }

    @Test("10,000 validations from 64 tasks with a rotation midway: exact verdicts, two key-set fetches")
    func loadWithRotation() async throws {
        let a = try SigningKey.generate(.rsa(bits: 2048), keyID: "a")
        let b = try SigningKey.generate(.ec(.p256), keyID: "b")
        let validA = try (0..<16).map { try Self.sign(a, subject: "user-a\($0)", nonce: "n-a\($0)") }
        let validB = try (0..<16).map { try Self.sign(b, subject: "user-b\($0)", nonce: "n-b\($0)") }
        let forged = try Self.forgeries(a: a, b: b)
        let provider = try KeyServer([a])
        let http = try SocketHTTPClient()
        let clock = SharedValue(F.now)
        let keys = JWKSource(
            jwksURI: provider.server.baseURL + "/jwks", transport: http,
            configuration: .init(refetchCooldown: .seconds(30), now: { clock.value }))
        let validator = IDTokenValidator(issuer: F.issuer, clientID: F.clientID, keys: keys, now: { clock.value })

        let total = 10_000
        let tasks = 64
        let tally = Tally()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    while true {
                        let index = tally.started.add(1, ordering: .sequentiallyConsistent).newValue - 1
                        guard index < total else { return }
                        if index == total / 2 {
                            // The rollover: B is published next to A, and a minute later (past the refetch
                            // cooldown) tokens signed by B start to arrive.
                            provider.publish([a, b])
                            clock.update { $0 += 60 }
                            tally.isRotated.store(true, ordering: .sequentiallyConsistent)
                        }
                        let isRotated = tally.isRotated.load(ordering: .sequentiallyConsistent)
                        let testCase: Case
                        if index % 10 == 9 {
                            testCase = forged[index / 10 % forged.count]
                        } else if isRotated && index.isMultiple(of: 2) {
                            testCase = validB[index % validB.count]
                        } else {
                            testCase = validA[index % validA.count]
                        }
                        do {
                            let token = try await validator.validate(
                                testCase.compact, expectations: IDTokenExpectations(nonce: testCase.nonce))
                            if let subject = testCase.subject, token.subject == subject {
                                tally.accepted.add(1, ordering: .relaxed)
                                if subject.hasPrefix("user-b") { tally.acceptedB.add(1, ordering: .relaxed) }
                            } else {
                                let forgery = index / 10 % forged.count
                                tally.wrongVerdicts.withLock { $0.append("accepted forgery #\(forgery)") }
                            }
                        } catch {
                            if testCase.subject == nil {
                                tally.rejected.add(1, ordering: .relaxed)
                            } else {
                                tally.wrongVerdicts.withLock { $0.append("rejected valid token \(index): \(error)") }
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let wrong = tally.wrongVerdicts.withLock { $0 }
        #expect(wrong.isEmpty, "\(wrong.count) wrong verdicts, first: \(wrong.prefix(3))")
        #expect(tally.accepted.load(ordering: .relaxed) == total - total / 10)
        #expect(tally.rejected.load(ordering: .relaxed) == total / 10)
        #expect(tally.acceptedB.load(ordering: .relaxed) > 1000, "B's tokens were validated after the rotation")
        // One fetch for the first verification (shared by 64 tasks), one for B's kid after the rotation;
        // forged kids are held off by the cooldown and the memory of unknown kids.
        #expect(provider.fetches.value == 2)
        http.shutdown()
        await provider.server.shutdown()
    }
}
