// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Foundation
import FuzzSupport
import HTTPTypes
import Synchronization
import Transport

/// The HTTP/1.1 response parser of `SocketHTTPClient` (status line, header fields, Content-Length,
/// chunked and close-delimited framing, gzip/deflate decoding), reached through its public API: a raw
/// server on 127.0.0.1 answers the client's request with exactly the fuzzer's bytes, then closes.
///
/// The first byte picks a prefix, so that the fuzzer does not have to invent a valid head to reach
/// the body decoders: 0 none, 1 a chunked 200, 2 a gzip body, 3 a deflate body, 4 chunked gzip, 5 a
/// status line only (header fields follow).
let prefixes: [[UInt8]] = [
    "",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nConnection: close\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
    "HTTP/1.1 200 OK\r\n",
].map { Array($0.utf8) }

let limits = HTTPMessageLimits(
    maxStartLineBytes: 1024, maxHeaderCount: 32, maxHeaderBytes: 8192, maxBodyBytes: 256 * 1024,
    maxDecompressedBodyBytes: 1 << 20)
let client = try! SocketHTTPClient(
    configuration: .init(
        timeouts: .init(connect: .seconds(2), read: .seconds(2)), limits: limits,
        connectionPool: .init(maximumIdlePerOrigin: 0)))

/// The raw server: one connection per input. When it has closed the connection it posts whether the
/// client closed its end (a client that keeps a finished connection open leaks a descriptor).
let (listener, port) = RawSocket.listen()
let pending = Mutex<[UInt8]>([])
let served = DispatchSemaphore(value: 0)
let clientClosed = Mutex(true)
let server: Void = {
    let thread = Thread {
        while let connection = listener.accept() {
            connection.setReceiveTimeout(seconds: 10)
            connection.receive(through: Array("\r\n\r\n".utf8))
            connection.send(pending.withLock { $0 })
            connection.shutdownWrite()
            _ = connection.receiveAll()  // until the client closes (or resets) its end
            clientClosed.withLock { $0 = !connection.receiveTimedOut }
            connection.close()
            served.signal()
        }
    }
    thread.start()
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPResponse(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = Fuzz.bytes(start, count)
    guard let selector = input.first else { return 0 }
    _ = server
    pending.withLock { $0 = prefixes[Int(selector) % prefixes.count] + input.dropFirst() }
    let method: HTTPRequest.Method = selector & 0x80 == 0 ? .get : .head
    let started = ContinuousClock.now
    let outcome = Fuzz.run { () -> Result<(HTTPResponse, [UInt8]), any Error> in
        let request = HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1:\(port)", path: "/")
        do {
            return .success(try await client.send(request, body: nil, deadline: .now + .seconds(10)))
        } catch {
            return .failure(error)
        }
    }
    Fuzz.check(ContinuousClock.now - started < .seconds(5), "a response took \(ContinuousClock.now - started)")
    switch outcome {
    case .success(let (response, body)):
        Fuzz.check((100...999).contains(response.status.code), "status \(response.status.code)")
        Fuzz.check(body.count <= limits.maxDecompressedBodyBytes, "a body over the limit")
        Fuzz.check(method == .get || body.isEmpty, "a HEAD response with a body")
    case .failure(let error):
        Fuzz.check(error is TransportError, "a non-transport error: \(error)")
    }
    Fuzz.check(served.wait(timeout: .now() + 30) == .success, "the raw server never finished the connection")
    Fuzz.check(clientClosed.withLock { $0 }, "the client kept the connection open after send returned")
    return 0
}
