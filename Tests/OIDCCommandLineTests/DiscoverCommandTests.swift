// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import JOSE
import Synchronization
import Testing
import Transport

/// `oidc discover` and `oidc jwt verify --jwks <URL>` against a real server on 127.0.0.1.
@Suite struct DiscoverCommandTests {
    static let key = try! SigningKey.generate(.ec(.p256), keyID: "ec-1")

    /// A loopback server answering from a fixed table of paths.
    final class Provider: Sendable {
        struct Route: Sendable {
            var status = 200
            var body: [UInt8]
            var delayMilliseconds = 0
        }

        private final class Table: Sendable {
            let routes = Mutex<[String: Route]>([:])
        }

        private let table = Table()
        let server: LoopbackHTTPServer

        init() throws {
            let table = self.table
            self.server = try LoopbackHTTPServer.start { request, _ in
                guard let route = table.routes.withLock({ $0[request.path ?? ""] }) else {
                    return (HTTPResponse(status: .notFound), Array("not found".utf8))
                }
                if route.delayMilliseconds > 0 { try? await Task.sleep(for: .milliseconds(route.delayMilliseconds)) }
                var fields = HTTPFields()
                fields[.contentType] = "application/json"
                return (HTTPResponse(status: .init(code: route.status), headerFields: fields), route.body)
            }
        }

        var baseURL: String { self.server.baseURL }

        func serve(_ path: String, _ route: Route) { self.table.routes.withLock { $0[path] = route } }

        func serve(_ path: String, json object: JSONObject) { self.serve(path, Route(body: object.serialized())) }
    }

    static func metadata(issuer: String, extra: JSONObject = [:]) -> JSONObject {
        var object: JSONObject = [
            "issuer": .string(issuer), "authorization_endpoint": .string(issuer + "/authorize"),
            "token_endpoint": .string(issuer + "/token"), "jwks_uri": .string(issuer + "/jwks"),
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
        ]
        for member in extra { object[member.key] = member.value }
        return object
    }

    /// Runs `oidc` (CommandRunner waits on a Dispatch thread, so the in-process server keeps the pool).
    static func oidc(_ arguments: [String]) async throws -> CommandRunner.Result {
        try await CommandRunner.run(arguments)
    }

    /// Runs `body` with a fresh provider, shutting it down afterwards.
    static func withProvider(_ body: (Provider) async throws -> Void) async throws {
        let provider = try Provider()
        do {
            try await body(provider)
        } catch {
            await provider.server.shutdown()
            throw error
        }
        await provider.server.shutdown()
    }

    @Test("an issuer's metadata is fetched, validated and printed; --json prints the document")
    func discoverIssuer() async throws {
        try await Self.withProvider { provider in
            let issuer = provider.baseURL
            provider.serve("/.well-known/openid-configuration", json: Self.metadata(issuer: issuer))
            let readable = try await Self.oidc(["discover", issuer])
            #expect(readable.exitCode == 0, "\(readable.standardError)")
            #expect(
                readable.standardOutput.hasPrefix(
                    "valid: metadata of \(issuer) from \(issuer)/.well-known/openid-configuration\n"))
            #expect(readable.standardOutput.contains("token_endpoint: \(issuer)/token\n"))
            #expect(readable.standardOutput.contains("response_types_supported: code\n"))
            #expect(readable.standardError.isEmpty)
            let json = try await Self.oidc(["discover", issuer, "--json"])
            #expect(json.exitCode == 0, "\(json.standardError)")
            let document = try JSONParser().parseObject(Array(json.standardOutput.utf8))
            #expect(document["issuer"] == .string(issuer))
            #expect(document["jwks_uri"] == .string(issuer + "/jwks"))
        }
    }

    @Test("a discovery URL is fetched as is, and --issuer names the expected issuer")
    func discoveryURL() async throws {
        try await Self.withProvider { provider in
            let issuer = "https://api.mobilepay.dk/merchant"
            provider.serve(
                "/account/.well-known/openid-configuration",
                json: Self.metadata(issuer: issuer, extra: ["jwks_uri": .string(provider.baseURL + "/account/jwks")]))
            let url = provider.baseURL + "/account/.well-known/openid-configuration"
            let ok = try await Self.oidc(["discover", url, "--issuer", issuer, "--json"])
            #expect(ok.exitCode == 0, "\(ok.standardError)")
            // Without --issuer, the URL's own prefix is expected, and this document does not match it.
            let mismatch = try await Self.oidc(["discover", url])
            #expect(mismatch.exitCode == 1)
            #expect(
                mismatch.standardError
                    == "error: \"issuer\" is \"\(issuer)\" but \"\(provider.baseURL)/account\" was expected\n")
            #expect(mismatch.standardOutput.isEmpty)
        }
    }

    @Test("validation failures exit 1 with one error line")
    func validationFailures() async throws {
        try await Self.withProvider { provider in
            let issuer = provider.baseURL
            provider.serve(
                "/.well-known/openid-configuration",
                json: Self.metadata(issuer: issuer, extra: ["token_endpoint": "http://op.example.com/token"]))
            provider.serve(
                "/missing/.well-known/openid-configuration",
                json: Self.metadata(issuer: issuer + "/missing", extra: ["jwks_uri": .null]))
            let insecure = try await Self.oidc(["discover", issuer])
            #expect(insecure.exitCode == 1)
            #expect(insecure.standardError.hasPrefix("error: \"token_endpoint\" is \"http://op.example.com/token\""))
            #expect(insecure.standardError.split(separator: "\n").count == 1)
            let missing = try await Self.oidc(["discover", issuer + "/missing"])
            #expect(missing.exitCode == 1)
            #expect(missing.standardError == "error: \"jwks_uri\" is missing\n")
        }
    }

    @Test("HTTP errors, malformed or oversized bodies, refused connections and timeouts exit 3")
    func networkFailures() async throws {
        try await Self.withProvider { provider in
            let base = provider.baseURL
            provider.serve("/down/.well-known/openid-configuration", .init(status: 503, body: []))
            provider.serve("/html/.well-known/openid-configuration", .init(body: Array("<html></html>".utf8)))
            provider.serve(
                "/huge/.well-known/openid-configuration",
                .init(body: Array(repeating: UInt8(ascii: " "), count: (1 << 20) + 10)))
            provider.serve(
                "/slow/.well-known/openid-configuration",
                .init(body: Self.metadata(issuer: base + "/slow").serialized(), delayMilliseconds: 5000))
            let cases: [(String, [String], String)] = [
                ("/down", [], "returned HTTP 503"), ("/html", [], "provider metadata: "),
                ("/huge", [], "byte"), ("/slow", ["--timeout", "1"], "time"),
            ]
            for (path, extra, fragment) in cases {
                let result = try await Self.oidc(["discover", base + path] + extra)
                #expect(result.exitCode == 3, "\(path): \(result.standardError)")
                #expect(result.standardError.hasPrefix("error: "), "\(path)")
                #expect(result.standardError.contains(fragment), "\(path): \(result.standardError)")
                #expect(result.standardError.split(separator: "\n").count == 1, "\(path): \(result.standardError)")
            }
        }
        // Nothing listens on the port of a server that was shut down.
        let closed = try Provider()
        let base = closed.baseURL
        await closed.server.shutdown()
        let refused = try await Self.oidc(["discover", base])
        #expect(refused.exitCode == 3, "\(refused.standardError)")
        #expect(refused.standardError.hasPrefix("error: GET \(base)/.well-known/openid-configuration: "))
    }

    @Test("bad usage exits 2")
    func usage() async throws {
        for arguments in [
            ["discover"], ["discover", "op.example.com"], ["discover", "https://op.example.com?x=1"],
            ["discover", "https://op.example.com", "--timeout", "0"],
        ] {
            let result = try await Self.oidc(arguments)
            #expect(result.exitCode == 2, "\(arguments): \(result.standardError)")
        }
    }

    @Test("jwt verify --jwks takes a URL; an unfetchable one is an unreadable JWKS (exit 2)")
    func verifyWithJWKSURL() async throws {
        try await Self.withProvider { provider in
            provider.serve("/jwks", json: JWKSet(keys: [Self.key.publicJWK]).jsonObject)
            let token = try JWSSigner(key: Self.key).sign(claims: ["iss": "https://op.example.com", "sub": "alice"])
            let valid = try await Self.oidc(["jwt", "verify", "--jwks", provider.baseURL + "/jwks", token])
            #expect(valid.exitCode == 0, "\(valid.standardError)")
            #expect(valid.standardOutput.hasPrefix("valid: ES256 signature by kid \"ec-1\""))
            let other = try SigningKey.generate(.ec(.p256), keyID: "ec-1")
            let forged = try JWSSigner(key: other).sign(claims: ["sub": "mallory"])
            let invalid = try await Self.oidc(["jwt", "verify", "--jwks", provider.baseURL + "/jwks", forged])
            #expect(invalid.exitCode == 1)
            let missing = try await Self.oidc(["jwt", "verify", "--jwks", provider.baseURL + "/nope", token])
            #expect(missing.exitCode == 2)
            #expect(
                missing.standardError
                    == "error: unreadable JWKS: GET \(provider.baseURL)/nope returned HTTP 404, not 200\n")
            let insecure = try await Self.oidc(["jwt", "verify", "--jwks", "http://op.example.com/jwks", token])
            #expect(insecure.exitCode == 2)
            #expect(
                insecure.standardError.hasPrefix(
                    "error: unreadable JWKS: jwks_uri \"http://op.example.com/jwks\" is not https"))
        }
    }
}
