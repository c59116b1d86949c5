// SPDX-License-Identifier: Apache-2.0
import JOSE

import Foundation

/// A failure that ends the command with a documented exit code and one `error:` line.
struct CommandFailure: Error {
    /// The exit code for a failed check (invalid token, failed validation).
    static let invalidExitCode: Int32 = 1
    /// The exit code for bad usage or unreadable input.
    static let usageExitCode: Int32 = 2
    /// The exit code for a network, TLS or HTTP failure (including non-2xx, oversized or malformed responses).
    static let networkExitCode: Int32 = 3

    let exitCode: Int32
    let message: String

    /// A failed check: exit 1.
    static func invalid(_ message: String) -> Self { Self(exitCode: invalidExitCode, message: message) }
    /// Bad usage or unreadable input: exit 2.
    static func usage(_ message: String) -> Self { Self(exitCode: usageExitCode, message: message) }
    /// A network, TLS or HTTP failure: exit 3.
    static func network(_ message: String) -> Self { Self(exitCode: networkExitCode, message: message) }

    /// A failed check reported from a JOSE error: the reason names what failed.
    static func invalid(_ error: JOSEError) -> Self { .invalid(error.reason) }
}

/// Writes lines to standard error.
enum StandardError {
    static func write(_ line: String) {
        var text = line
        if !text.hasSuffix("\n") { text += "\n" }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
