// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Testing
import Transport

/// Every limit and every framing ambiguity is a typed error.
@Suite struct HTTP1LimitsTests {
    let client: SocketHTTPClient
    let server: PythonServer

    init() async throws {
        let limits = HTTPMessageLimits(
            maxStartLineBytes: 1024, maxHeaderCount: 20, maxHeaderBytes: 4096, maxBodyBytes: 1 << 20,
            maxDecompressedBodyBytes: 2 << 20)
        self.client = try SocketHTTPClient(configuration: .init(limits: limits))
        self.server = try await Servers.plain
    }

    private func get(_ path: String) async throws -> (HTTPResponse, [UInt8]) {
        try await self.client.send(.get(self.server.authority, path), body: nil, deadline: .now + .seconds(30))
    }

    @Test(
        "limits exceeded",
        arguments: [
            "/long-status?n=2000",  // status line
            "/many-headers?n=21",  // header count
            "/big-headers?n=5000",  // header bytes
            "/large?n=1048577",  // Content-Length body
            "/large-chunked?n=1048577",  // chunked body
            "/close-delimited?n=1048577",  // close-delimited body
            "/bomb",  // 64 MiB of zeros in a 64 KiB gzip body
        ])
    func limitExceeded(path: String) async throws {
        await #expect(throws: TransportError.limitExceeded(reason: "")) { try await self.get(path) }
    }

    @Test("just under every limit passes", arguments: ["/many-headers?n=19", "/large?n=1048576", "/gzip?n=2097152"])
    func underLimits(path: String) async throws {
        let (response, _) = try await self.get(path)
        #expect(response.status == .ok)
    }

    @Test(
        "ambiguous or malformed framing is rejected",
        arguments: [
            "/ambiguous",  // Content-Length and Transfer-Encoding: chunked
            "/double-length",  // two differing Content-Length fields
            "/bad-chunk",  // a chunk size that is not hex
            "/obs-fold",  // obsolete line folding
            "/bad-status",  // a status code that is not three digits
            "/bad-gzip",  // a corrupt gzip body
            "/truncated-gzip?n=5000",  // a gzip body cut short
            "/br",  // a content coding we never asked for
        ])
    func malformed(path: String) async throws {
        await #expect(throws: TransportError.malformedResponse(reason: "")) { try await self.get(path) }
    }

    @Test("a server that closes mid-body", arguments: ["/mid-body-close", "/chunked-truncated"])
    func closedMidBody(path: String) async throws {
        await #expect(throws: TransportError.connectionClosed(reason: "")) { try await self.get(path) }
    }
}
