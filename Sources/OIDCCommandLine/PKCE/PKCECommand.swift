// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import JOSE
import PKCE

/// `oidc pkce`: makes a PKCE verifier and challenge (RFC 7636), plus state and nonce.
struct PKCECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pkce",
        abstract: "Generate a PKCE code verifier and S256 challenge, with a fresh state and nonce."
    )

    @Option(name: .long, help: "Compute the challenge for this verifier instead of generating one.")
    var verifier: String?

    @Option(name: .long, help: "Entropy of a generated verifier in bytes (32-96: 43-128 characters).")
    var bytes: Int = 32

    @Option(name: .long, help: "Challenge method: S256 (default) or plain.")
    var method: String = "S256"

    @Flag(name: .long, help: "Print one JSON object on stdout.")
    var json = false

    func run() throws {
        let method: PKCEChallengeMethod
        switch self.method {
        case "S256": method = .s256
        case "plain": method = .plain
        default: throw CommandFailure.usage("--method must be S256 or plain")
        }
        let codeVerifier: PKCECodeVerifier
        do {
            codeVerifier = try self.verifier.map { try PKCECodeVerifier(validating: $0) } ?? PKCECodeVerifier(
                byteCount: self.bytes)
        } catch let error as PKCEError {
            throw CommandFailure.usage(error.reason)
        }
        let challenge = codeVerifier.challenge(method: method)
        let state = try RandomString.makeState()
        let nonce = try RandomString.makeNonce()
        if self.json {
            let output: JSONValue = [
                "code_verifier": .string(codeVerifier.value), "code_challenge": .string(challenge.value),
                "code_challenge_method": .string(challenge.method.rawValue), "state": .string(state),
                "nonce": .string(nonce),
            ]
            print(output.jsonText)
        } else {
            print("code_verifier:         \(codeVerifier.value)")
            print("code_challenge:        \(challenge.value)")
            print("code_challenge_method: \(challenge.method.rawValue)")
            print("state:                 \(state)")
            print("nonce:                 \(nonce)")
        }
    }
}
