// SPDX-License-Identifier: Apache-2.0
import Discovery
import Testing

/// ``DiscoveryError`` equality and classification.
@Suite struct DiscoveryErrorTests {
    @Test("errors compare by code and describe themselves as code: reason")
    func equality() {
        let first = DiscoveryError.missingField(reason: "\"jwks_uri\" is missing")
        #expect(first == DiscoveryError.missingField(reason: "other"))
        #expect(first != DiscoveryError.invalidField(reason: "\"jwks_uri\" is missing"))
        #expect(first.description == "missingField: \"jwks_uri\" is missing")
        #expect(DiscoveryError.httpStatus(503, reason: "x").status == 503)
        #expect(DiscoveryError.Code.issuerMismatch.isValidationFailure)
        #expect(!DiscoveryError.Code.network.isValidationFailure)
        #expect(!DiscoveryError.Code.httpStatus.isValidationFailure)
    }
}
