// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import Synchronization
import Transport

/// A real HTTP provider on 127.0.0.1 serving documents by path, counting the requests it receives.
final class LoopbackProvider: Sendable {
    struct Route: Sendable {
        var status: Int = 200
        var headers: [(String, String)] = []
        var body: [UInt8]
        /// Answer this much later (milliseconds).
        var delayMilliseconds: Int = 0
    }

    private struct State {
        var routes: [String: Route] = [:]
        var counts: [String: Int] = [:]
    }

    /// The routes and counts, shared with the server's handler.
    private final class Table: Sendable {
        let state = Mutex(State())
    }

    private let table: Table
    let server: LoopbackHTTPServer

    init() throws {
        let table = Table()
        self.table = table
        self.server = try LoopbackHTTPServer.start { request, _ in
            let path = request.path ?? ""
            let route = table.state.withLock { state in
                state.counts[path, default: 0] += 1
                return state.routes[path]
            }
            guard let route else { return (HTTPResponse(status: .notFound), Array("not found".utf8)) }
            if route.delayMilliseconds > 0 { try? await Task.sleep(for: .milliseconds(route.delayMilliseconds)) }
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            for (name, value) in route.headers {
                if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
            }
            return (HTTPResponse(status: .init(code: route.status), headerFields: fields), route.body)
        }
    }

    /// `http://127.0.0.1:<port>`.
    var baseURL: String { self.server.baseURL }

    func serve(_ path: String, _ route: Route) { self.table.state.withLock { $0.routes[path] = route } }

    func serve(_ path: String, json object: JSONObject, headers: [(String, String)] = []) {
        self.serve(path, Route(headers: headers, body: object.serialized()))
    }

    /// The requests received for `path` so far.
    func count(_ path: String) -> Int { self.table.state.withLock { $0.counts[path, default: 0] } }

    func shutdown() async { await self.server.shutdown() }
}
