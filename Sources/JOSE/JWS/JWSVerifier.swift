// SPDX-License-Identifier: Apache-2.0

/// Verifies compact JWS against keys the caller trusts.
///
/// The accepted algorithm is decided by the caller and the keys, never by the token: a token's `alg`
/// must be in the caller's allow-list (when given) and must fit the selected key. `none` is always
/// rejected. With a `kid`, only keys with that `kid` are tried; without one, every fitting key is.
/// Unknown `crit` extensions are rejected.
public struct JWSVerifier: Sendable {
    /// The keys tried, in order.
    public let keys: [VerificationKey]
    /// Keys that were left out of the set given at init, with the reason.
    public let skippedKeys: [JWKSet.SkippedKey]
    /// The caller's allow-list; `nil` means "whatever fits the key".
    public let allowedAlgorithms: Set<JWSAlgorithm>?
    /// `crit` extension names the caller processes itself.
    public let understoodCriticalHeaders: Set<String>
    /// ``allowedAlgorithms`` as a bit per ``JWSAlgorithm`` identifier (bit 0, unsupported names, is never tested).
    private let allowedIdentifiers: UInt32?

    /// Creates a verifier over explicit keys.
    /// - Parameters:
    ///   - keys: the trusted keys.
    ///   - algorithms: when given, the only algorithms accepted (each must still fit the key).
    ///   - understoodCriticalHeaders: `crit` names the caller understands and will check itself.
    /// - Throws: ``JOSEError/Code/invalidKey`` when the keys mix HMAC secrets with public keys.
    public init(
        keys: [VerificationKey], algorithms: Set<JWSAlgorithm>? = nil, understoodCriticalHeaders: Set<String> = []
    ) throws {
        try self.init(keys: keys, skipped: [], algorithms: algorithms, understood: understoodCriticalHeaders)
    }

    /// Creates a verifier over a JWK Set; keys that cannot verify are skipped and listed in ``skippedKeys``.
    /// - Throws: ``JOSEError/Code/invalidKey`` when the set mixes HMAC secrets with public keys.
    public init(
        keySet: JWKSet, algorithms: Set<JWSAlgorithm>? = nil, understoodCriticalHeaders: Set<String> = []
    ) throws {
        let (keys, skipped) = keySet.verificationKeys()
        try self.init(keys: keys, skipped: skipped, algorithms: algorithms, understood: understoodCriticalHeaders)
    }

    private init(
        keys: [VerificationKey], skipped: [JWKSet.SkippedKey], algorithms: Set<JWSAlgorithm>?,
        understood: Set<String>
    ) throws {
        let symmetric = keys.filter { if case .symmetric = $0.kind { true } else { false } }.count
        guard symmetric == 0 || symmetric == keys.count else {
            throw JOSEError.invalidKey(reason: "key set mixes HMAC secrets with public keys")
        }
        self.keys = keys
        self.skippedKeys = skipped
        self.allowedAlgorithms = algorithms.map { $0.filter { $0 != .none } }
        self.allowedIdentifiers = algorithms.map { $0.reduce(0) { $0 | 1 << $1.identifier } }
        self.understoodCriticalHeaders = understood
    }

    /// Parses and verifies a compact JWS.
    /// - Returns: the verified header and payload, and the key that verified it.
    /// - Throws: ``JOSEError`` with ``JOSEError/Code/algorithmNotAllowed``, ``JOSEError/Code/keyNotFound``,
    ///   ``JOSEError/Code/invalidSignature``, ``JOSEError/Code/unsupportedCriticalHeader``,
    ///   ``JOSEError/Code/invalidKey`` (an ambiguous `kid`), or a parsing code.
    public func verify(_ compact: String) throws -> VerifiedJWS {
        try self.verify(try CompactJWS(compact))
    }

    /// Verifies an already parsed compact JWS.
    public func verify(_ jws: CompactJWS) throws -> VerifiedJWS {
        VerifiedJWS(header: jws.header, payload: jws.payload, key: try self.verifyingKey(jws))
    }

    /// Checks the algorithm, `crit` and the signature of a parsed JWS, and returns the key that verified it.
    func verifyingKey(_ jws: CompactJWS) throws -> VerificationKey {
        let algorithm = jws.header.algorithm
        try self.checkAlgorithm(algorithm)
        try self.checkCritical(jws.header)
        let signingInput = jws.compact.utf8.span.extracting(0..<jws.signingInputLength)
        let signature = jws.decoded.span.extracting(jws.signatureRange)
        guard jws.header.hasKeyID else {
            // No kid: every key that fits the algorithm is tried.
            var tried = 0
            for key in self.keys where key.fits(algorithm) {
                tried += 1
                if key.backing.isValidSignature(signature, for: signingInput, algorithm: algorithm) { return key }
            }
            guard tried > 0 else { throw JOSEError.keyNotFound(reason: "no key fits alg \(algorithm)") }
            throw JOSEError.invalidSignature(reason: "\(algorithm) signature does not verify with any of \(tried) keys")
        }
        // A kid: only keys with that kid, and exactly one of them must fit. Never "any key".
        let key = try self.key(for: jws.header, algorithm: algorithm)
        guard key.backing.isValidSignature(signature, for: signingInput, algorithm: algorithm) else {
            throw JOSEError.invalidSignature(
                reason: "\(algorithm) signature does not verify with kid \(VerificationKey.name(jws.header.keyID))")
        }
        return key
    }

    private func checkAlgorithm(_ algorithm: JWSAlgorithm) throws {
        guard algorithm.isSupported else {
            if algorithm.rawValue.lowercased() == "none" {
                throw JOSEError.algorithmNotAllowed(reason: "alg \"none\" is never accepted")
            }
            throw JOSEError.algorithmNotAllowed(reason: "unsupported alg \"\(Reader.printable(algorithm.rawValue))\"")
        }
        if let allowed = self.allowedAlgorithms, let bits = self.allowedIdentifiers, bits & 1 << algorithm.identifier == 0 {
            let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            throw JOSEError.algorithmNotAllowed(reason: "alg \(algorithm) is not allowed (allowed: \(list))")
        }
    }

    /// The header names RFC 7515/7516 register, which `crit` must not list (RFC 7515 §4.1.11), as UTF-8.
    private static let registeredHeaderNames: Set<[UInt8]> = Set(
        ["alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc", "zip"].map {
            Array($0.utf8)
        })

    /// Every `crit` name must be an understood extension present in the header, compared exactly.
    ///
    /// The header's member names are collected once: `crit` comes from an unverified token and may list
    /// thousands of names, so a lookup per name over the whole header would be quadratic.
    private func checkCritical(_ header: JWSHeader) throws {
        guard let critical = header.critical else { return }
        let registered = Self.registeredHeaderNames
        let understood = Set(self.understoodCriticalHeaders.map { Array($0.utf8) })
        let present = Set(header.members.keys.map { Array($0.utf8) })
        for name in critical {
            let shown = Reader.printable(name)  // unverified: 32 ASCII characters at most, controls as "?"
            let bytes = Array(name.utf8)
            if registered.contains(bytes) {
                throw JOSEError.unsupportedCriticalHeader(reason: "crit lists registered header \"\(shown)\"")
            }
            guard understood.contains(bytes) else {
                throw JOSEError.unsupportedCriticalHeader(reason: "crit extension \"\(shown)\" is not understood")
            }
            guard present.contains(bytes) else {
                throw JOSEError.unsupportedCriticalHeader(reason: "crit extension \"\(shown)\" is absent from the header")
            }
        }
    }

    private func key(for header: JWSHeader, algorithm: JWSAlgorithm) throws -> VerificationKey {
        var named = 0
        var fitting: VerificationKey? = nil
        for key in self.keys where header.hasKeyID(key.keyID) {
            named += 1
            guard key.fits(algorithm) else { continue }
            guard fitting == nil else {
                throw JOSEError.invalidKey(reason: "kid \(VerificationKey.name(header.keyID)) is ambiguous: several keys fit \(algorithm)")
            }
            fitting = key
        }
        if let fitting { return fitting }
        let keyID = header.keyID
        guard named > 0 else {
            if let skipped = self.skippedKeys.first(where: { header.hasKeyID($0.keyID) }) {
                throw JOSEError.keyNotFound(reason: "kid \(VerificationKey.name(keyID)) is unusable: \(skipped.reason)")
            }
            throw JOSEError.keyNotFound(reason: "kid \(VerificationKey.name(keyID)) not in JWKS")
        }
        let kinds = self.keys.filter { header.hasKeyID($0.keyID) }.map(\.kind.description).joined(separator: ", ")
        throw JOSEError.algorithmNotAllowed(reason: "alg \(algorithm) does not fit key \(VerificationKey.name(keyID)) (\(kinds))")
    }
}

/// A JWS whose signature has been verified.
public struct VerifiedJWS: Sendable {
    /// The protected header.
    public let header: JWSHeader
    /// The payload bytes.
    public let payload: [UInt8]
    /// The key that verified the signature.
    public let key: VerificationKey
}
