// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import JOSE

/// `oidc jwt decode <TOKEN | ->`: shows header and claims WITHOUT verifying anything.
struct JWTDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Show a JWT's header and payload without verifying it.",
        discussion: "Nothing printed by this command is trustworthy: use `oidc jwt verify` for that."
    )

    @Flag(name: .long, help: "Print one JSON object {\"header\": ..., \"claims\": ...} on stdout.")
    var json = false

    @Argument(help: "The token, or - to read it from standard input.")
    var token: String

    func run() throws {
        let jws: CompactJWS
        do {
            jws = try CompactJWS(try InputReader.token(self.token))
        } catch let error as JOSEError {
            throw CommandFailure.invalid(error)
        }
        let payload: JSONValue
        if let object = try? JSONParser(limits: .token).parse(jws.payload) {
            payload = object
        } else {
            payload = .string(String(decoding: jws.payload, as: UTF8.self))
        }
        let output: JSONValue = ["header": .object(jws.header.members), "claims": payload]
        if self.json {
            print(output.jsonText)
        } else {
            StandardError.write("warning: decoded only; the signature was NOT verified")
            print("header: \(JSONValue.object(jws.header.members).prettyPrinted())")
            print("claims: \(payload.prettyPrinted())")
            print("signature: \(jws.signature.count) bytes")
        }
    }
}
