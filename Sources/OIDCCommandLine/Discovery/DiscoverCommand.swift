// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Discovery
import Foundation
import JOSE
import Transport

/// `oidc discover`: fetches and validates an OpenID Provider's metadata.
struct DiscoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Fetch and validate an OpenID Provider's metadata (OpenID Connect Discovery 1.0).",
        discussion: """
            Given an issuer, fetches <issuer>/.well-known/openid-configuration; given a URL that already ends \
            in /.well-known/openid-configuration, fetches it as is. The document's issuer must equal --issuer \
            (default: the issuer given, or the URL without its /.well-known/openid-configuration) exactly; \
            endpoints must be https (http only for loopback hosts); the members OpenID Connect requires must \
            be present.
            Exit 0 when valid (the metadata on stdout), 1 when validation fails, 2 for bad usage, 3 for a \
            network, TLS or HTTP failure (including non-2xx, oversized or malformed responses); failures \
            print one stderr line starting 'error:'.
            """
    )

    @Argument(help: "The issuer, or a discovery URL ending in /.well-known/openid-configuration.")
    var target: String

    @Option(name: .long, help: "The expected issuer, compared exactly with the document's.")
    var issuer: String?

    @Flag(name: .long, help: "Print the validated document as JSON.")
    var json = false

    @Option(name: .long, help: "Seconds the whole command may take.")
    var timeout: Double = 30

    func validate() throws {
        guard self.timeout > 0, self.timeout <= 3600 else { throw ValidationError("--timeout must be in (0, 3600]") }
    }

    func run() async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int64(self.timeout * 1000))
        let (expectedIssuer, discoveryURL) = try self.resolve()
        Self.enforce(deadline: deadline, timeout: self.timeout)
        let client: SocketHTTPClient
        do {
            client = try SocketHTTPClient()
        } catch {
            throw CommandFailure.usage("cannot create an HTTP client: \(error)")
        }
        defer { client.shutdown() }
        let metadata: ProviderMetadata
        do {
            metadata = try await ProviderDiscovery(transport: client).metadata(
                issuer: expectedIssuer, discoveryURL: discoveryURL, deadline: deadline)
        } catch let error as DiscoveryError {
            switch error.code {
            case .invalidURL, .invalidTemplate: throw CommandFailure.usage(error.reason)
            case let code where code.isValidationFailure: throw CommandFailure.invalid(error.reason)
            default: throw CommandFailure.network(error.reason)
            }
        } catch is CancellationError {
            throw CommandFailure.network("cancelled")
        }
        if self.json {
            print(JSONValue.object(metadata.jsonObject).prettyPrinted())
        } else {
            print("valid: metadata of \(metadata.issuer) from \(discoveryURL)")
            for member in metadata.jsonObject where member.key != "issuer" {
                print("\(member.key): \(Self.readable(member.value))")
            }
        }
    }

    /// The expected issuer and the URL to fetch.
    private func resolve() throws -> (issuer: String, discoveryURL: String) {
        let suffix = ProviderDiscovery.wellKnownSuffix
        if self.target.hasSuffix(suffix) {
            return (self.issuer ?? String(self.target.dropLast(suffix.count)), self.target)
        }
        do {
            return (self.issuer ?? self.target, try ProviderDiscovery.discoveryURL(forIssuer: self.target))
        } catch let error as DiscoveryError {
            throw CommandFailure.usage(error.reason)
        }
    }

    /// Bounds the whole command, whatever a blocked phase (a DNS lookup) does with its deadline.
    private static func enforce(deadline: ContinuousClock.Instant, timeout: Double) {
        Task.detached {
            try? await Task.sleep(until: deadline + .milliseconds(500), clock: .continuous)
            StandardError.write("error: timed out after \(timeout) s")
            terminate(CommandFailure.networkExitCode)
        }
    }

    private static func readable(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .array(let elements): return elements.map { $0.stringValue ?? $0.jsonText }.joined(separator: ", ")
        default: return value.jsonText
        }
    }
}
