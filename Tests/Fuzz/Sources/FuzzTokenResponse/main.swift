// SPDX-License-Identifier: Apache-2.0
import Flows
import FuzzSupport
import HTTPTypes
import JOSE
import PKCE
import Transport

let secret = "SECRET-7f3a9c2e5b1d"
let statuses: [HTTPResponse.Status] = [.ok, .badRequest, .unauthorized, .internalServerError, .found, .ok]

/// Answers every request with the status, `Date` and body the fuzzer chose.
struct CannedTransport: HTTPTransport {
    let status: HTTPResponse.Status
    let date: String?
    let body: [UInt8]

    func send(_ request: HTTPRequest, body: [UInt8]?, deadline: ContinuousClock.Instant) async throws
        -> (HTTPResponse, [UInt8])
    {
        var fields = HTTPFields()
        if let date = self.date { fields[.date] = date }
        return (HTTPResponse(status: self.status, headerFields: fields), self.body)
    }
}

/// Token endpoint responses: a 200 body through `TokenResponse`, and every status through `TokenClient`
/// (refresh and code exchange), which turns error bodies (RFC 6749 §5.2) into typed errors. The first
/// byte picks the status; with its high bit set, the first line of the rest is a `Date` header (the
/// clock-offset parser). Errors must never quote the client secret, which the fuzzer never sees.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenResponse(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = Fuzz.bytes(start, count)
    guard let selector = input.first else { return 0 }
    var body = Array(input.dropFirst())
    var date: String? = nil
    if selector & 0x80 != 0, let newline = body.firstIndex(of: 0x0A) {
        date = String(decoding: body[..<newline], as: UTF8.self)
        body = Array(body[(newline + 1)...])
        _ = ClockOffset.offset(dateHeader: date!, localTime: 1_767_225_600)
    }
    if let tokens = try? TokenResponse(json: body, receivedAt: 1_767_225_600) {
        Fuzz.check(!tokens.accessToken.isEmpty, "an empty access_token was accepted")
        Fuzz.check((tokens.expiresIn ?? 0) >= 0, "a negative expires_in was accepted")
        _ = TokenSet(tokens)
    }
    let transport = CannedTransport(status: statuses[Int(selector & 0x7F) % statuses.count], date: date, body: body)
    let client = TokenClient(
        issuer: "https://op.example.com", tokenEndpoint: "https://op.example.com/token",
        revocationEndpoint: "https://op.example.com/revoke",
        authentication: .clientSecretBasic(clientID: "merchant-app", secret: secret), transport: transport,
        now: { 1_767_225_600 })
    let session = AuthorizationSession(
        state: "s", nonce: "n", codeVerifier: verifier, redirectURI: "https://a.example/cb", clientID: "merchant-app",
        issuer: "https://op.example.com", responseType: .code, responseMode: .query, maxAge: nil, acrValues: nil,
        createdAt: 0, expiresAt: 1)
    let errors = Fuzz.run { () -> [String] in
        var errors: [String] = []
        do { _ = try await client.refresh("refresh-token") } catch { errors.append("\(error)") }
        do { _ = try await client.exchangeCode("code", session: session) } catch { errors.append("\(error)") }
        do { try await client.revoke("token") } catch { errors.append("\(error)") }
        return errors
    }
    for error in errors { Fuzz.check(!error.contains(secret), "an error quotes the client secret") }
    return 0
}

let verifier = try! PKCECodeVerifier()
