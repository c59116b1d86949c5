// SPDX-License-Identifier: Apache-2.0
import Flows
import JOSE

/// What `oidc login` prints: one JSON object with `--json`, readable lines otherwise (tokens masked
/// unless `--show-secrets`).
struct LoginOutput {
    let json: Bool
    let showSecrets: Bool

    func print(_ output: LoginFlow.Output) {
        var object = Self.tokenObject(
            claims: output.idToken.claims.all, tokens: output.tokens, expiresIn: output.expiresIn)
        if let userInfo = output.userInfo { object["userinfo"] = .object(userInfo) }
        if let refreshed = output.refreshed {
            object["refreshed"] = .object(
                Self.tokenObject(
                    claims: refreshed.idToken?.claims.all, tokens: refreshed.tokenSet, expiresIn: refreshed.tokens.expiresIn))
        }
        if !self.json { Swift.print("signed in: sub \(output.idToken.subject) at \(output.idToken.issuer)") }
        self.print(object)
    }

    /// Prints a token object: one JSON line with `--json`, else one line per member, tokens masked.
    func print(_ object: JSONObject) {
        if self.json {
            Swift.print(JSONValue.object(object).jsonText)
            return
        }
        for member in object {
            switch member.key {
            case "access_token", "refresh_token": Swift.print("\(member.key): \(self.mask(member.value.stringValue ?? ""))")
            case "refreshed", "userinfo", "id_token_claims": Swift.print("\(member.key): \(member.value.prettyPrinted())")
            default: Swift.print("\(member.key): \(member.value.stringValue ?? member.value.jsonText)")
            }
        }
    }

    static func tokenObject(claims: JSONObject?, tokens: TokenSet, expiresIn: Double?) -> JSONObject {
        var object = JSONObject()
        if let claims { object["id_token_claims"] = .object(claims) }
        object["access_token"] = .string(tokens.accessToken)
        object["token_type"] = .string(tokens.tokenType)
        if let expiresIn { object["expires_in"] = .number(expiresIn) }
        if let refreshToken = tokens.refreshToken { object["refresh_token"] = .string(refreshToken) }
        if let scope = tokens.scope { object["scope"] = .string(scope) }
        return object
    }

    func mask(_ secret: String) -> String {
        guard !self.showSecrets else { return secret }
        return secret.count <= 8 ? "****" : String(secret.prefix(4)) + "…(\(secret.count) chars, --show-secrets to print)"
    }
}
