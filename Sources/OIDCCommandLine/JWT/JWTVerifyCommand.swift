// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Discovery
import JOSE
import Transport

/// `oidc jwt verify`: verifies a JWT's signature against a JWKS, then its time, issuer and audience.
struct JWTVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a JWT's signature and claims against a JWK Set.",
        discussion: """
            Accepted algorithms: --alg when given, else those that fit the selected key (its alg if set, \
            else every algorithm of its kty/curve); never none. With a kid, only that key is tried; without, \
            every fitting key. exp/nbf are checked when present against --now (default: the clock) with --leeway.
            --jwks takes a file or an https URL (http only for loopback hosts), fetched within --timeout.
            Exit 0 when valid, 1 when invalid (one stderr line starting 'error:'), 2 for bad usage or an \
            unreadable JWKS (including a JWKS URL that cannot be fetched).
            """
    )

    @Option(name: .long, help: "A JWK Set (or a single JWK) file, or the https URL of a JWK Set.")
    var jwks: String

    @Option(name: .long, help: "Seconds allowed for fetching a --jwks URL.")
    var timeout: Double = 30

    @Option(name: .long, help: "Comma-separated algorithms to accept (restricts, never widens).")
    var alg: String?

    @Option(name: .long, help: "The expected iss, compared exactly.")
    var issuer: String?

    @Option(name: .long, help: "An audience that aud must contain.")
    var audience: String?

    @Option(name: .long, help: "Allowed clock skew in seconds.")
    var leeway: Double = 60

    @Option(name: .long, help: "The current time as Unix seconds (default: the system clock).")
    var now: Double?

    @Flag(name: .long, help: "Print {\"header\": ..., \"claims\": ...} as JSON on stdout when valid.")
    var json = false

    @Argument(help: "The token, or - to read it from standard input.")
    var token: String

    func validate() throws {
        guard self.leeway >= 0, self.leeway.isFinite else { throw ValidationError("--leeway must be >= 0") }
        guard self.timeout > 0, self.timeout <= 3600 else { throw ValidationError("--timeout must be in (0, 3600]") }
    }

    func run() async throws {
        let algorithms = try self.parseAlgorithms()
        let keySet = try await self.readKeySet()
        let token = try InputReader.token(self.token)
        let signatures: JWSVerifier
        do {
            signatures = try JWSVerifier(keySet: keySet, algorithms: algorithms)
        } catch let error as JOSEError {
            throw CommandFailure.usage("unusable JWKS: \(error.reason)")
        }
        let fixedNow = self.now
        let claims = JWTClaimsValidator(
            issuer: self.issuer, audience: self.audience, leeway: self.leeway,
            now: { fixedNow ?? WallClock.secondsSinceEpoch() })
        let verified: VerifiedJWT
        do {
            verified = try JWTVerifier(signatures: signatures, claims: claims).verify(token)
        } catch let error as JOSEError {
            throw CommandFailure.invalid(error)
        }
        let output: JSONValue = ["header": .object(verified.header.members), "claims": .object(verified.claims.all)]
        if self.json {
            print(output.jsonText)
        } else {
            let kid = verified.key.keyID.map { "kid \"\($0)\"" } ?? "a key without kid"
            print("valid: \(verified.header.algorithm) signature by \(kid) (\(verified.key.kind))")
            print("header: \(JSONValue.object(verified.header.members).prettyPrinted())")
            print("claims: \(JSONValue.object(verified.claims.all).prettyPrinted())")
        }
    }

    private func parseAlgorithms() throws -> Set<JWSAlgorithm>? {
        guard let list = self.alg else { return nil }
        var algorithms = Set<JWSAlgorithm>()
        for name in list.split(separator: ",").map({ String($0).trimmingSpaces() }) where !name.isEmpty {
            let algorithm = JWSAlgorithm(rawValue: name)
            guard algorithm.rawValue.lowercased() != "none" else {
                throw CommandFailure.usage("--alg none is never accepted")
            }
            guard algorithm.isSupported else {
                let known = JWSAlgorithm.supported.map(\.rawValue).joined(separator: ", ")
                throw CommandFailure.usage("unknown algorithm \"\(name)\" in --alg (known: \(known))")
            }
            algorithms.insert(algorithm)
        }
        guard !algorithms.isEmpty else { throw CommandFailure.usage("--alg names no algorithm") }
        return algorithms
    }

    private func readKeySet() async throws -> JWKSet {
        if self.jwks.hasPrefix("https://") || self.jwks.hasPrefix("http://") {
            return try await self.fetchKeySet()
        }
        let bytes = try InputReader.file(self.jwks, what: "JWKS")
        do {
            let object = try JSONParser(limits: .document).parseObject(bytes, what: "JWKS")
            // A lone JWK is accepted as a set of one.
            let keySet = object["keys"] == nil ? JWKSet(keys: [try JWK(jsonObject: object)]) : try JWKSet(jsonBytes: bytes)
            guard !keySet.keys.isEmpty else {
                throw CommandFailure.usage("JWKS \(self.jwks) holds no readable key")
            }
            return keySet
        } catch let error as JOSEError {
            throw CommandFailure.usage("unreadable JWKS \(self.jwks): \(error.reason)")
        }
    }
}

extension JWTVerifyCommand {
    /// Fetches the `--jwks` URL with the same client and checks the library uses (exit 2 when it fails).
    private func fetchKeySet() async throws -> JWKSet {
        let deadline = ContinuousClock.now + .milliseconds(Int64(self.timeout * 1000))
        let client: SocketHTTPClient
        do {
            client = try SocketHTTPClient()
        } catch {
            throw CommandFailure.usage("cannot create an HTTP client: \(error)")
        }
        defer { client.shutdown() }
        let keySet: JWKSet
        do {
            keySet = try await JWKSource(jwksURI: self.jwks, transport: client).keySet(deadline: deadline)
        } catch let error as DiscoveryError {
            throw CommandFailure.usage("unreadable JWKS: \(error.reason)")
        }
        guard !keySet.keys.isEmpty else { throw CommandFailure.usage("the JWKS at --jwks holds no readable key") }
        return keySet
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
