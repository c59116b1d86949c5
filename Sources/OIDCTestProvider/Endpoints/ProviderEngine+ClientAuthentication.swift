// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import Synchronization

extension ProviderEngine {
    /// RFC 7523 §2.2's `client_assertion_type`.
    static let jwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    /// The algorithms accepted for `private_key_jwt` assertions (asymmetric only).
    static let assertionAlgorithms: Set<JWSAlgorithm> = [
        .rs256, .rs384, .rs512, .ps256, .ps384, .ps512, .es256, .es384, .es512, .edDSA, .ed25519,
    ]

    /// Authenticates the client of a token or revocation request with exactly one method, which must
    /// be the one it registered (RFC 6749 §2.3, OIDC Core §9, RFC 7523 §3).
    /// - Parameter endpoint: the endpoint's URL, accepted as an assertion `aud` besides the issuer.
    func authenticateClient(
        _ request: HTTPRequest, form: [String: String], endpoint: String
    ) throws(OAuthFailure) -> RegisteredClient {
        var basic: BasicCredentials? = nil
        if let authorization = request.headerFields[.authorization] {
            do {
                basic = try BasicCredentials(authorization: authorization)
            } catch {
                throw .invalidClient("malformed Basic credentials: \(error.reason)", basic: true)
            }
            guard basic != nil else {
                throw .invalidClient("only the Basic authorization scheme is accepted", basic: true)
            }
        }
        let usesAssertion = form["client_assertion"] != nil || form["client_assertion_type"] != nil
        let usesPostedSecret = form["client_secret"] != nil
        guard [basic != nil, usesAssertion, usesPostedSecret].filter({ $0 }).count <= 1 else {
            throw .invalidRequest("more than one client authentication method was used")
        }
        if let basic {
            if let id = form["client_id"], id != basic.clientID {
                throw .invalidClient("client_id in the body differs from the Basic credentials", basic: true)
            }
            let client = try self.registeredClient(basic.clientID, method: .clientSecretBasic, triedBasic: true)
            guard ConstantTime.isEqual(basic.secret, client.client.secret ?? "") else {
                throw .invalidClient("wrong client secret", basic: true)
            }
            return client
        }
        if usesAssertion { return try self.authenticateAssertion(form: form, endpoint: endpoint) }
        guard let clientID = form["client_id"] else { throw .invalidClient("no client authentication", basic: true) }
        if let secret = form["client_secret"] {
            let client = try self.registeredClient(clientID, method: .clientSecretPost, triedBasic: false)
            guard ConstantTime.isEqual(secret, client.client.secret ?? "") else {
                throw .invalidClient("wrong client secret", basic: false)
            }
            return client
        }
        return try self.registeredClient(clientID, method: .none, triedBasic: false)
    }

    /// The client `id`, which must have registered `method`.
    private func registeredClient(
        _ id: String, method: OIDCTestProvider.ClientAuthenticationMethod, triedBasic: Bool
    ) throws(OAuthFailure) -> RegisteredClient {
        guard let client = self.clients[id] else { throw .invalidClient("unknown client", basic: triedBasic) }
        guard client.method == method else {
            throw .invalidClient(
                "the client is registered for \(client.method.rawValue), not \(method.rawValue)",
                basic: triedBasic || client.method == .clientSecretBasic)
        }
        return client
    }

    /// `private_key_jwt`: verifies the assertion with the client's registered key; `iss` = `sub` =
    /// `client_id`, `aud` the issuer or the endpoint, `exp` within the hour, and a `jti` never seen before.
    private func authenticateAssertion(form: [String: String], endpoint: String) throws(OAuthFailure)
        -> RegisteredClient
    {
        guard form["client_assertion_type"] == Self.jwtBearerAssertionType else {
            throw .invalidClient("client_assertion_type must be \(Self.jwtBearerAssertionType)", basic: false)
        }
        guard let assertion = form["client_assertion"] else {
            throw .invalidClient("client_assertion is missing", basic: false)
        }
        let clientID: String
        if let id = form["client_id"] {
            clientID = id
        } else {
            guard let jws = try? CompactJWS(assertion), let claims = try? JWTClaims(payload: jws.payload),
                let issuer = claims.issuer
            else { throw .invalidClient("client_assertion is not a JWT with iss", basic: false) }
            clientID = issuer
        }
        let client = try self.registeredClient(clientID, method: .privateKeyJWT, triedBasic: false)
        guard let key = client.verificationKey else { throw .invalidClient("the client has no key", basic: false) }
        let now = self.now
        let verified: VerifiedJWT
        do {
            let verifier = JWTVerifier(
                signatures: try JWSVerifier(keys: [key], algorithms: Self.assertionAlgorithms),
                claims: JWTClaimsValidator(requiredClaims: ["iss", "sub", "aud", "exp", "jti"], now: now))
            verified = try verifier.verify(assertion)
        } catch let error as JOSEError {
            throw .invalidClient("client_assertion rejected (\(error.code))", basic: false)
        } catch {
            throw .invalidClient("client_assertion rejected", basic: false)
        }
        let claims = verified.claims
        guard claims.claim("iss", equals: client.id), claims.claim("sub", equals: client.id) else {
            throw .invalidClient("client_assertion iss and sub must both be the client_id", basic: false)
        }
        guard
            claims.audienceContains(self.issuer) || claims.audienceContains(endpoint)
                || claims.audienceContains(self.tokenEndpoint)
        else { throw .invalidClient("client_assertion aud is neither the issuer nor the endpoint", basic: false) }
        let current = now()
        guard let expiresAt = claims.expiresAt, expiresAt <= current + 3600 else {
            throw .invalidClient("client_assertion lives longer than an hour", basic: false)
        }
        guard let jti = claims.jwtID, !jti.isEmpty, jti.utf8.count <= 256 else {
            throw .invalidClient("client_assertion jti is missing or too long", basic: false)
        }
        let isFresh = self.state.withLock { state -> Bool in
            state.prune(now: current)
            let key = client.id + " " + jti
            guard state.assertionIDs[key] == nil, state.hasRoom else { return false }
            state.assertionIDs[key] = max(expiresAt, current) + 120  // past exp plus any leeway
            return true
        }
        guard isFresh else { throw .invalidClient("client_assertion jti was already used", basic: false) }
        return client
    }
}
