// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

import Foundation

/// The `oidc` tool: a thin shell over the swift-oidc modules.
@main
struct OIDCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oidc",
        abstract: "OpenID Connect and JOSE from the command line (swift-oidc).",
        version: "0.1.0",
        subcommands: [
            DemoCommand.self, LoginCommand.self, RefreshCommand.self, RevokeCommand.self, UserInfoCommand.self,
            DiscoverCommand.self, JWTCommand.self, PKCECommand.self,
        ]
    )

    /// Runs the command and maps failures to the documented exit codes:
    /// 0 success, 1 a failed check (`error: ...` on stderr), 2 bad usage or unreadable input,
    /// 3 a network, TLS or HTTP failure.
    static func main() async {
        do {
            var command = try Self.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            StandardError.write("error: \(failure.message)")
            terminate(failure.exitCode)
        } catch {
            let code = Self.exitCode(for: error)
            if code == .success {
                print(Self.fullMessage(for: error))
                terminate(0)
            }
            StandardError.write(Self.fullMessage(for: error))
            // ArgumentParser uses 64 (EX_USAGE) for usage errors; this tool documents 2.
            terminate(code == .validationFailure ? CommandFailure.usageExitCode : code.rawValue)
        }
    }
}

/// Ends the process with `code` (a free function, so `exit` is not ParsableCommand's static member).
func terminate(_ code: Int32) -> Never { exit(code) }
