// SPDX-License-Identifier: Apache-2.0
import FuzzSupport
import HTTPTypes
import Transport

/// The request parser of `LoopbackHTTPServer` (request line, header fields, Host rules, Content-Length
/// and chunked bodies, Expect: 100-continue, pipelining), reached through its public API: a raw client
/// sends exactly the fuzzer's bytes to the server on 127.0.0.1, ends its side, and reads until the
/// server closes. The server must answer with HTTP/1.1 responses only, and always close in time.
let server = try! LoopbackHTTPServer.start(
    configuration: .init(
        limits: .init(
            maxStartLineBytes: 1024, maxHeaderCount: 32, maxHeaderBytes: 8192, maxBodyBytes: 64 * 1024,
            maxDecompressedBodyBytes: 64 * 1024),
        requestTimeout: .seconds(2), keepAliveTimeout: .seconds(2))
) { request, body in
    var fields = HTTPFields()
    fields[.contentType] = "text/plain"
    let echo = "\(request.method) \(request.path ?? "") \(body.count)"
    return (HTTPResponse(status: .ok, headerFields: fields), Array(echo.utf8))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequest(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = Fuzz.bytes(start, count)
    guard let connection = RawSocket.connect(port: server.port) else {
        Fuzz.check(false, "cannot connect to the loopback server")
        return 0
    }
    connection.setReceiveTimeout(seconds: 5)
    let started = ContinuousClock.now
    connection.send(input)
    connection.shutdownWrite()
    let answer = connection.receiveAll()
    connection.close()
    // A reset is a fine way to refuse; silence until the timeout is not.
    Fuzz.check(ContinuousClock.now - started < .seconds(4), "the server took \(ContinuousClock.now - started) to close")
    if let answer, !answer.isEmpty {
        Fuzz.check(answer.starts(with: Array("HTTP/1.1 ".utf8)), "the server answered something other than HTTP/1.1")
    }
    return 0
}
