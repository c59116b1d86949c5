// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import OIDCTestProvider
import Testing
import Transport

/// An ID-token fault and exactly the checks it must break, on each channel.
struct IDTokenFault: Sendable, CustomTestStringConvertible {
    let name: String
    let misbehaviour: OIDCTestProvider.Misbehaviour
    let frontChannel: Set<String>
    let tokenEndpoint: Set<String>
    var testDescription: String { self.name }

    static let all: [IDTokenFault] = [
        .init(
            name: "badSignature", misbehaviour: .init(badSignature: true), frontChannel: ["signature"],
            tokenEndpoint: ["signature"]),
        .init(
            name: "wrongCodeHash", misbehaviour: .init(wrongCodeHash: true), frontChannel: ["c_hash"], tokenEndpoint: []
        ),
        .init(
            name: "wrongAccessTokenHash", misbehaviour: .init(wrongAccessTokenHash: true), frontChannel: [],
            tokenEndpoint: ["at_hash"]),
        .init(
            name: "wrongIssuer", misbehaviour: .init(wrongIssuer: true), frontChannel: ["iss"], tokenEndpoint: ["iss"]),
        .init(
            name: "wrongAudience", misbehaviour: .init(wrongAudience: true), frontChannel: ["aud"],
            tokenEndpoint: ["aud"]),
        .init(
            name: "expiredIDToken", misbehaviour: .init(expiredIDToken: true), frontChannel: ["exp"],
            tokenEndpoint: ["exp"]),
        .init(
            name: "missingNonce", misbehaviour: .init(missingNonce: true), frontChannel: ["nonce"],
            tokenEndpoint: ["nonce"]),
        .init(
            name: "wrongNonce", misbehaviour: .init(wrongNonce: true), frontChannel: ["nonce"], tokenEndpoint: ["nonce"]
        ),
        .init(
            name: "unpublishedSigningKey", misbehaviour: .init(unpublishedSigningKey: true),
            frontChannel: ["unpublished-key"], tokenEndpoint: ["unpublished-key"]),
        .init(
            name: "wrongSubjectAtTokenEndpoint", misbehaviour: .init(wrongSubjectAtTokenEndpoint: true),
            frontChannel: [],
            tokenEndpoint: ["sub"]),
    ]
}

@Suite struct MisbehaviourTests {
    @Test("each ID token fault breaks exactly the check it names", arguments: IDTokenFault.all)
    func idTokenFault(_ fault: IDTokenFault) async throws {
        try await TestRelyingParty.run(Fixtures.configuration(misbehaviour: fault.misbehaviour)) { rp in
            for client in [Fixtures.basicClient, Fixtures.es256Client] {
                let flow = try await rp.runFlow(client: client)
                let session = flow.session
                let code = try #require(flow.code)
                #expect(flow.parameters["iss"] == rp.provider.issuer)
                #expect(flow.tokenStatus == .ok)
                let front = try await rp.failedChecks(
                    try #require(flow.frontChannelIDToken),
                    IDTokenExpectation(client: client, nonce: session.nonce, code: code))
                #expect(front == fault.frontChannel, "front channel, \(client.idTokenSigningAlgorithm)")
                let accessToken = try #require(flow.accessToken)
                let back = try await rp.failedChecks(
                    try #require(flow.idToken),
                    IDTokenExpectation(client: client, nonce: session.nonce, accessToken: accessToken))
                #expect(back == fault.tokenEndpoint, "token endpoint, \(client.idTokenSigningAlgorithm)")
            }
        }
    }

    @Test("knobs change at runtime and apply to the next request only")
    func runtimeChange() async throws {
        try await TestRelyingParty.run { rp in
            await rp.provider.setMisbehaviour(.init(wrongCodeHash: true))
            #expect(await rp.provider.misbehaviour == .init(wrongCodeHash: true))
            let bad = try await rp.runFlow()
            let badChecks = try await rp.failedChecks(
                try #require(bad.frontChannelIDToken),
                IDTokenExpectation(client: Fixtures.basicClient, nonce: bad.session.nonce, code: bad.code))
            #expect(badChecks == ["c_hash"])
            await rp.provider.setMisbehaviour(.none)
            let good = try await rp.runFlow()
            let goodChecks = try await rp.failedChecks(
                try #require(good.frontChannelIDToken),
                IDTokenExpectation(client: Fixtures.basicClient, nonce: good.session.nonce, code: good.code))
            #expect(goodChecks == [])
        }
    }

    @Test("unpublishedSigningKey signs with the retired key after a rotation")
    func unpublishedAfterRotation() async throws {
        try await TestRelyingParty.run { rp in
            let oldKeyID = try await rp.jwks().keys[0].keyID
            try await rp.provider.rotateKeys()
            await rp.provider.retireOldKeys()
            await rp.provider.setMisbehaviour(.init(unpublishedSigningKey: true))
            let flow = try await rp.runFlow()
            #expect(try CompactJWS(try #require(flow.idToken)).header.keyID == oldKeyID)
            // Verifies with the retired key: only the publication is wrong.
            var retiredJWK = Fixtures.providerKeys[0].publicJWK
            retiredJWK.keyID = oldKeyID
            let retired = try VerificationKey(jwk: retiredJWK)
            #expect(throws: Never.self) {
                try JWSVerifier(keys: [retired]).verify(try #require(flow.idToken))
            }
        }
    }

    @Test("omitIssuerParameter drops iss from the response; wrongIssuerParameter replaces it")
    func issuerParameter() async throws {
        try await TestRelyingParty.run(Fixtures.configuration(misbehaviour: .init(omitIssuerParameter: true))) { rp in
            let flow = try await rp.runFlow()
            #expect(flow.parameters["iss"] == nil)
            #expect(flow.parameters["state"] == flow.session.state)
            #expect(Set(flow.parameters.keys) == ["code", "id_token", "state"])
            #expect(flow.tokenStatus == .ok)
            await rp.provider.setMisbehaviour(.init(wrongIssuerParameter: true))
            let mixedUp = try await rp.runFlow()
            #expect(mixedUp.parameters["iss"] != nil && mixedUp.parameters["iss"] != rp.provider.issuer)
            let checks = try await rp.failedChecks(
                try #require(mixedUp.frontChannelIDToken),
                IDTokenExpectation(client: Fixtures.basicClient, nonce: mixedUp.session.nonce, code: mixedUp.code))
            #expect(checks == [])
        }
    }

    @Test("authorizationError redirects the error with state and iss, and issues no code")
    func authorizationError() async throws {
        try await TestRelyingParty.run(Fixtures.configuration(misbehaviour: .init(authorizationError: "access_denied")))
        { rp in
            for mode in ["query", "fragment", "form_post"] {
                let flow = try await rp.runFlow(responseType: "code", responseMode: mode)
                #expect(flow.parameters["error"] == "access_denied")
                #expect(flow.parameters["state"] == flow.session.state)
                #expect(flow.parameters["iss"] == rp.provider.issuer)
                #expect(flow.code == nil)
            }
        }
    }

    @Test("tokenEndpointServerError answers 500 and redeems nothing")
    func tokenEndpointServerError() async throws {
        try await TestRelyingParty.run(Fixtures.configuration(misbehaviour: .init(tokenEndpointServerError: true))) {
            rp in
            let flow = try await rp.runFlow()
            #expect(flow.tokenStatus == .internalServerError)
            #expect(flow.accessToken == nil)
            await rp.provider.setMisbehaviour(.none)
            #expect(try await rp.redeem(flow.session, code: try #require(flow.code)).status == .ok)
        }
    }

    @Test("refreshInvalidGrant refuses refreshes with invalid_grant and nothing else")
    func refreshInvalidGrant() async throws {
        try await TestRelyingParty.run { rp in
            let flow = try await rp.runFlow()
            let refreshToken = try #require(flow.refreshToken)
            await rp.provider.setMisbehaviour(.init(refreshInvalidGrant: true))
            let refused = try await rp.refresh(client: Fixtures.basicClient, refreshToken)
            #expect(refused.status == .badRequest)
            #expect(refused.json["error"] == "invalid_grant")
            #expect(try await rp.userInfo(try #require(flow.accessToken)).0.status == .ok)
            let another = try await rp.runFlow()
            #expect(another.tokenStatus == .ok)
            await rp.provider.setMisbehaviour(.none)
            #expect(try await rp.refresh(client: Fixtures.basicClient, refreshToken).status == .ok)
        }
    }

    @Test("wrongSubjectAtUserInfo answers userinfo with another sub")
    func wrongSubjectAtUserInfo() async throws {
        try await TestRelyingParty.run(Fixtures.configuration(misbehaviour: .init(wrongSubjectAtUserInfo: true))) {
            rp in
            let flow = try await rp.runFlow()
            let idTokenSubject = try rp.claims(try #require(flow.idToken)).subject
            #expect(idTokenSubject == OIDCTestProvider.User().subject)
            let (response, userInfo) = try await rp.userInfo(try #require(flow.accessToken))
            #expect(response.status == .ok)
            let subject = try #require(userInfo?["sub"]?.stringValue)
            #expect(subject != idTokenSubject)
        }
    }
}
