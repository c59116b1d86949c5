// SPDX-License-Identifier: Apache-2.0
import Discovery
import Flows
import JOSE
import MobilePayProfile
import Transport

extension CommandFailure {
    /// Maps a library error to the documented exit codes: 1 a failed check, 2 bad usage,
    /// 3 a network, TLS or HTTP failure. The message is the error's reason (it names the check).
    static func from(_ error: any Error) -> CommandFailure {
        switch error {
        case let failure as CommandFailure: return failure
        case let error as FlowsError:
            switch error.code {
            case .invalidRequest: return .usage(error.reason)
            // A non-2xx answer without an OAuth error, or a malformed response: an HTTP failure.
            case .invalidResponse: return .network(error.reason)
            default: return .invalid(error.reason)
            }
        case let error as JOSEError: return .invalid(error.reason)
        case let error as DiscoveryError:
            switch error.code {
            case .invalidURL, .invalidTemplate: return .usage(error.reason)
            case let code where code.isValidationFailure: return .invalid(error.reason)
            default: return .network(error.reason)
            }
        case let error as TransportError:
            return error.code == .invalidRequest ? .usage(error.reason) : .network(error.reason)
        case let error as MobilePayError: return .usage(error.reason)
        case is CancellationError: return .network("cancelled")
        default: return .invalid("\(error)")
        }
    }
}
