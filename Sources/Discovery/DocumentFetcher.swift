// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import JOSE
import Transport

/// One `GET` of a JSON document, with its status, size and freshness checked.
struct DocumentFetcher: Sendable {
    /// A fetched body and its lifetime.
    struct Fetched: Sendable {
        var body: [UInt8]
        var fetchedAt: Double
        var expiresAt: Double
    }

    let transport: any HTTPTransport
    let policy: CachePolicy
    let maxBytes: Int
    let now: @Sendable () -> Double

    /// Fetches `url`.
    /// - Throws: ``DiscoveryError/Code/network`` (the transport failed, including its size limits),
    ///   ``DiscoveryError/Code/httpStatus`` (not 200), ``DiscoveryError/Code/invalidDocument`` (too large),
    ///   or `CancellationError`.
    func fetch(_ url: EndpointURL, accept: String, deadline: ContinuousClock.Instant) async throws -> Fetched {
        let response: HTTPResponse
        let body: [UInt8]
        do {
            (response, body) = try await self.transport.send(
                url.getRequest(accept: accept), body: nil, deadline: deadline)
        } catch let error as CancellationError {
            throw error
        } catch let error as TransportError {
            if error.code == .cancelled, Task.isCancelled { throw CancellationError() }
            throw DiscoveryError.network(reason: "GET \(url): \(error)")
        } catch let error as DiscoveryError {
            throw error
        } catch {
            throw DiscoveryError.network(reason: "GET \(url): \(error)")
        }
        guard response.status.code == 200 else {
            throw DiscoveryError.httpStatus(
                response.status.code, reason: "GET \(url) returned HTTP \(response.status.code), not 200")
        }
        guard body.count <= self.maxBytes else {
            throw DiscoveryError.invalidDocument(
                reason: "GET \(url) returned \(body.count) bytes, more than the \(self.maxBytes)-byte limit")
        }
        let fetchedAt = self.now()
        let lifetime = self.policy.lifetime(
            headerLifetime: HTTPFreshness.lifetime(of: response.headerFields, now: fetchedAt))
        return Fetched(body: body, fetchedAt: fetchedAt, expiresAt: fetchedAt + lifetime)
    }
}
