// SPDX-License-Identifier: Apache-2.0

/// A JSON Web Key (RFC 7517 §4), inert: parsing never touches OpenSSL.
///
/// Turn it into a ``VerificationKey`` or ``SigningKey`` to use it. Members this type does not name
/// are kept in ``otherMembers`` and written back unchanged.
public struct JWK: Hashable, Sendable, CustomStringConvertible {
    /// `kty`: `RSA`, `EC`, `OKP` or `oct` (others are kept but unusable).
    public var keyType: String
    /// `kid`.
    public var keyID: String?
    /// `use`: `sig` or `enc`.
    public var use: String?
    /// `key_ops`, e.g. `["verify"]`.
    public var keyOperations: [String]?
    /// `alg`: the one algorithm this key is meant for.
    public var algorithm: JWSAlgorithm?
    /// `crv` for EC and OKP keys.
    public var curve: String?
    /// `n`, `e` (RSA public), base64url.
    public var n: String?
    /// RSA public exponent, base64url.
    public var e: String?
    /// `x`, `y` (EC/OKP public), base64url.
    public var x: String?
    /// EC y coordinate, base64url.
    public var y: String?
    /// `d`: the private exponent (RSA) or scalar/seed (EC, OKP), base64url.
    public var d: String?
    /// RSA CRT members `p`, `q`, `dp`, `dq`, `qi`, base64url.
    public var p: String?
    /// RSA second prime, base64url.
    public var q: String?
    /// RSA first CRT exponent, base64url.
    public var dp: String?
    /// RSA second CRT exponent, base64url.
    public var dq: String?
    /// RSA CRT coefficient, base64url.
    public var qi: String?
    /// `k`: the symmetric key, base64url.
    public var k: String?
    /// Every other member (x5c, x5t, ...), in document order.
    public var otherMembers: JSONObject

    /// Creates a JWK of the given type with no other members.
    public init(keyType: String) {
        self.keyType = keyType
        self.otherMembers = JSONObject()
    }

    /// Whether the key holds private material (`d` or `k`).
    public var isPrivate: Bool { self.d != nil || self.k != nil }

    /// Type, `kid`, `alg`, `crv` and `use`; never a private member (`d`, `p`, `q`, `dp`, `dq`, `qi`, `k`).
    /// Use ``jsonText`` for the key itself.
    public var description: String {
        var parts = ["kty: \(self.keyType)"]
        if let keyID = self.keyID { parts.append("kid: \(keyID)") }
        if let algorithm = self.algorithm { parts.append("alg: \(algorithm)") }
        if let curve = self.curve { parts.append("crv: \(curve)") }
        if let use = self.use { parts.append("use: \(use)") }
        if self.isPrivate { parts.append("private members: <redacted>") }
        return "JWK(" + parts.joined(separator: ", ") + ")"
    }

    /// Parses a JWK from JSON text.
    /// - Throws: ``JOSEError/Code/malformedJSON``, ``JOSEError/Code/invalidKey``.
    public init(json: String) throws {
        try self.init(jsonObject: try JSONParser(limits: .document).parseObject(Array(json.utf8), what: "JWK"))
    }

    /// Reads a JWK from a parsed JSON object, checking the type of every member.
    /// - Throws: ``JOSEError/Code/invalidKey`` when a member has the wrong type.
    public init(jsonObject object: JSONObject) throws {
        guard case .string(let keyType)? = object["kty"] else {
            throw JOSEError.invalidKey(reason: "JWK has no string \"kty\"")
        }
        self.init(keyType: keyType)
        for member in object {
            switch member.key {
            case "kty": continue
            case "key_ops":
                guard case .array(let values) = member.value else {
                    throw JOSEError.invalidKey(reason: "JWK \"key_ops\" is not an array of strings")
                }
                let operations = values.compactMap(\.stringValue)
                guard operations.count == values.count, Set(operations).count == operations.count else {
                    throw JOSEError.invalidKey(reason: "JWK \"key_ops\" must hold distinct strings")
                }
                self.keyOperations = operations
            case "kid", "use", "alg", "crv", "n", "e", "x", "y", "d", "p", "q", "dp", "dq", "qi", "k":
                guard case .string(let value) = member.value else {
                    throw JOSEError.invalidKey(reason: "JWK \"\(member.key)\" is not a string")
                }
                self.setStringMember(member.key, value)
            default:
                self.otherMembers[member.key] = member.value
            }
        }
    }

    private mutating func setStringMember(_ key: String, _ value: String) {
        switch key {
        case "kid": self.keyID = value
        case "use": self.use = value
        case "alg": self.algorithm = JWSAlgorithm(rawValue: value)
        case "crv": self.curve = value
        case "n": self.n = value
        case "e": self.e = value
        case "x": self.x = value
        case "y": self.y = value
        case "d": self.d = value
        case "p": self.p = value
        case "q": self.q = value
        case "dp": self.dp = value
        case "dq": self.dq = value
        case "qi": self.qi = value
        case "k": self.k = value
        default: break
        }
    }

    /// The JWK as a JSON object (registered members first, in RFC order, then the others).
    public var jsonObject: JSONObject {
        var object = JSONObject()
        object["kty"] = .string(self.keyType)
        let strings: [(String, String?)] = [
            ("kid", self.keyID), ("use", self.use), ("alg", self.algorithm?.rawValue), ("crv", self.curve),
            ("n", self.n), ("e", self.e), ("x", self.x), ("y", self.y), ("d", self.d), ("p", self.p),
            ("q", self.q), ("dp", self.dp), ("dq", self.dq), ("qi", self.qi), ("k", self.k),
        ]
        for (key, value) in strings {
            if let value { object[key] = .string(value) }
        }
        if let operations = self.keyOperations { object["key_ops"] = .array(operations.map { .string($0) }) }
        for member in self.otherMembers { object[member.key] = member.value }
        return object
    }

    /// The JWK as compact JSON text.
    public var jsonText: String { JSONValue.object(self.jsonObject).jsonText }

    /// The public part only: private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`) removed.
    /// An `oct` key has no public part and is returned as it is.
    public var publicKey: JWK {
        guard self.keyType != "oct" else { return self }
        var copy = self
        copy.d = nil
        copy.p = nil
        copy.q = nil
        copy.dp = nil
        copy.dq = nil
        copy.qi = nil
        copy.otherMembers["oth"] = nil
        if let operations = copy.keyOperations {
            copy.keyOperations = operations.filter { $0 != "sign" }
            if copy.keyOperations?.isEmpty == true { copy.keyOperations = ["verify"] }
        }
        return copy
    }
}
