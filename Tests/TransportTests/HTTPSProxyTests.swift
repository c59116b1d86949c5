// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import Testing
import Transport

/// `HTTPS_PROXY`/`NO_PROXY` parsing and CONNECT tunnels through a local Python proxy.
@Suite struct HTTPSProxyTests {
    @Test("HTTPS_PROXY and NO_PROXY are parsed as curl does")
    func environment() throws {
        let proxy = try #require(
            HTTPSProxy(environment: [
                "https_proxy": "http://user:p%40ss@proxy.corp:3128/",
                "NO_PROXY": "localhost, .internal.example,10.0.0.1",
            ]))
        #expect(proxy.host == "proxy.corp")
        #expect(proxy.port == 3128)
        #expect(proxy.username == "user")
        #expect(proxy.password == "p@ss")
        #expect(!proxy.description.contains("p@ss"))
        #expect(proxy.isExcluded(host: "localhost"))
        #expect(proxy.isExcluded(host: "api.internal.example"))
        #expect(proxy.isExcluded(host: "internal.example"))
        #expect(proxy.isExcluded(host: "10.0.0.1"))
        #expect(!proxy.isExcluded(host: "op.example.com"))
        #expect(HTTPSProxy(environment: ["HTTPS_PROXY": "proxy:8080"])?.port == 8080)
        #expect(HTTPSProxy(environment: ["HTTPS_PROXY": "proxy"])?.port == 80)
        #expect(HTTPSProxy(environment: ["HTTPS_PROXY": "socks5://proxy:1080"]) == nil)
        #expect(HTTPSProxy(environment: [:]) == nil)
        #expect(HTTPSProxy(environment: ["HTTPS_PROXY": "x", "NO_PROXY": "*"])?.isExcluded(host: "anything") == true)
    }

    private func stats(_ proxy: PythonServer) async throws -> [String: Any] {
        let client = try SocketHTTPClient()
        defer { client.shutdown() }
        let (_, body) = try await client.send(.get(proxy.authority, "/stats"), body: nil, deadline: .now + .seconds(30))
        return try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
    }

    @Test("https requests tunnel through the proxy with CONNECT and Proxy-Authorization")
    func tunnel() async throws {
        let proxyServer = try await Servers.proxy
        let tlsServer = try await Servers.tls(.server)
        let before = try await self.stats(proxyServer)["tunnels"] as? Int ?? -1
        let proxy = HTTPSProxy(host: "127.0.0.1", port: proxyServer.port, username: "alice", password: "wonderland")
        let tls = SocketHTTPClient.TLS(additionalTrustRootsFile: try await Servers.pki.caCertificate)
        let client = try SocketHTTPClient(configuration: .init(tls: tls, proxy: proxy))
        defer { client.shutdown() }
        let (response, body) = try await client.send(
            .get("localhost:\(tlsServer.port)", "/hello", secure: true), body: nil, deadline: .now + .seconds(30))
        #expect(response.status == .ok)
        #expect(body == Array("hello".utf8))
        let after = try await self.stats(proxyServer)
        #expect(after["tunnels"] as? Int ?? -1 > before)
        #expect(after["proxy_authorization"] as? String == "Basic YWxpY2U6d29uZGVybGFuZA==")
    }

    @Test("hosts in NO_PROXY, and plain http, go direct")
    func bypass() async throws {
        let tlsServer = try await Servers.tls(.server)
        // A proxy address nobody listens on: any attempt to use it would fail.
        let probe = try LoopbackHTTPServer.start { _, _ in (HTTPResponse(status: .ok), []) }
        let deadPort = probe.port
        await probe.shutdown()
        let proxy = HTTPSProxy(host: "127.0.0.1", port: deadPort, excludedHosts: ["localhost"])
        let tls = SocketHTTPClient.TLS(additionalTrustRootsFile: try await Servers.pki.caCertificate)
        let client = try SocketHTTPClient(configuration: .init(tls: tls, proxy: proxy))
        defer { client.shutdown() }
        let (response, _) = try await client.send(
            .get("localhost:\(tlsServer.port)", "/hello", secure: true), body: nil, deadline: .now + .seconds(30))
        #expect(response.status == .ok)
        let (plain, _) = try await client.send(
            .get(try await Servers.plain.authority, "/hello"), body: nil, deadline: .now + .seconds(30))
        #expect(plain.status == .ok)
        await #expect(throws: TransportError.proxyFailed(reason: "")) {
            try await client.send(
                .get("127.0.0.1:\(tlsServer.port)", "/hello", secure: true), body: nil, deadline: .now + .seconds(30))
        }
    }

    @Test("a proxy that refuses the tunnel is proxyFailed")
    func refused() async throws {
        let proxyServer = try await Servers.proxy
        let client = try SocketHTTPClient(
            configuration: .init(proxy: HTTPSProxy(host: "127.0.0.1", port: proxyServer.port)))
        defer { client.shutdown() }
        await #expect(throws: TransportError.proxyFailed(reason: "")) {
            try await client.send(
                .get("forbidden.example", "/", secure: true), body: nil, deadline: .now + .seconds(30))
        }
    }
}
