// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// `oidc jwt`: decode and verify JWTs.
struct JWTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jwt",
        abstract: "Decode or verify a JWT (JWS compact serialization).",
        subcommands: [JWTVerifyCommand.self, JWTDecodeCommand.self]
    )
}
