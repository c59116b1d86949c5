// SPDX-License-Identifier: Apache-2.0
import JOSE
import PKCE
import Synchronization

extension ProviderEngine {
    /// Signs an ID token (OIDC Core §2, §3.3.2.11) and applies the faults in `misbehaviour`.
    /// - Throws: `JOSEError` or `PKCEError` when key generation, signing or randomness fails.
    func makeIDToken(_ content: IDTokenContent, misbehaviour: OIDCTestProvider.Misbehaviour) throws -> String {
        let algorithm = content.client.client.idTokenSigningAlgorithm
        let key = try self.signingKey(for: algorithm, unpublished: misbehaviour.unpublishedSigningKey)
        let now = self.now().rounded(.down)
        let lifetime = self.idTokenLifetime.rounded(.down)
        let issuedAt = misbehaviour.expiredIDToken ? now - 300 - lifetime : now
        let wrongSubject = content.isFromTokenEndpoint && misbehaviour.wrongSubjectAtTokenEndpoint
        var claims: JSONObject = [
            "iss": .string(misbehaviour.wrongIssuer ? self.issuer + "/not-the-issuer" : self.issuer),
            "sub": .string(wrongSubject ? content.subject + "-someone-else" : content.subject),
            "aud": .string(misbehaviour.wrongAudience ? content.client.id + "-another-client" : content.client.id),
            "exp": .number(issuedAt + lifetime),
            "iat": .number(issuedAt),
            "auth_time": .number(content.authTime.rounded(.down)),
        ]
        if let nonce = content.nonce, !misbehaviour.missingNonce {
            claims["nonce"] = .string(misbehaviour.wrongNonce ? try RandomString.makeNonce() : nonce)
        }
        if let code = content.code {
            let hashed = misbehaviour.wrongCodeHash ? code + "-not-this-code" : code
            claims["c_hash"] = .string(try TokenHash.compute(for: hashed, algorithm: algorithm))
        }
        if let accessToken = content.accessToken {
            let hashed = misbehaviour.wrongAccessTokenHash ? accessToken + "-not-this-token" : accessToken
            claims["at_hash"] = .string(try TokenHash.compute(for: hashed, algorithm: algorithm))
        }
        let token = try JWSSigner(key: key, algorithm: algorithm).sign(claims: claims)
        return misbehaviour.badSignature ? try Self.corruptingSignature(of: token) : token
    }

    /// The current signing key for `algorithm`, or one that is not in the JWKS.
    private func signingKey(for algorithm: JWSAlgorithm, unpublished: Bool) throws -> SigningKey {
        let found = self.state.withLock {
            unpublished ? $0.keys.unpublished(for: algorithm) : $0.keys.current(for: algorithm)
        }
        if let found { return found }
        guard unpublished else { throw JOSEError.invalidKey(reason: "no signing key for \(algorithm)") }
        let fresh = try KeyRing.generate(algorithm)  // outside the lock: RSA generation is slow
        return self.state.withLock { state in
            state.keys.addNeverPublished(fresh, for: algorithm)
            return state.keys.unpublished(for: algorithm) ?? fresh
        }
    }

    /// The same JWS with one bit of its signature flipped.
    private static func corruptingSignature(of token: String) throws -> String {
        guard let dot = token.lastIndex(of: ".") else { return token }
        var signature = try Base64URL.decode(token[token.index(after: dot)...])
        if !signature.isEmpty { signature[signature.count / 2] ^= 0x01 }
        return token[...dot] + Base64URL.encode(signature)
    }
}
