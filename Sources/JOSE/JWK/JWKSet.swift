// SPDX-License-Identifier: Apache-2.0

/// A JWK Set (RFC 7517 §5), inert.
///
/// Entries that cannot be read as a JWK (no `kty`, members of the wrong type) are skipped, not
/// fatal, and listed in ``skipped``; so are keys with an unknown `kty` when the set is turned into
/// verification keys.
public struct JWKSet: Sendable {
    /// The readable keys, in document order.
    public var keys: [JWK]
    /// Entries that were skipped while reading, with the reason.
    public var skipped: [SkippedKey]

    /// The most keys a set may hold.
    public static let maxKeys = 256

    /// A key left out of a set, and why.
    public struct SkippedKey: Hashable, Sendable {
        /// The entry's `kid`, when it had a string one.
        public var keyID: String?
        /// Why it was left out.
        public var reason: String
    }

    /// Creates a set from keys.
    public init(keys: [JWK]) {
        self.keys = keys
        self.skipped = []
    }

    /// Parses `{"keys": [...]}` from JSON text.
    /// - Throws: ``JOSEError/Code/malformedJSON`` when the document is not a JWK Set,
    ///   ``JOSEError/Code/limitExceeded`` when it is too large.
    public init(json: String) throws { try self.init(jsonBytes: Array(json.utf8)) }

    /// Parses `{"keys": [...]}` from UTF-8 bytes.
    public init(jsonBytes: [UInt8]) throws {
        let object = try JSONParser(limits: .document).parseObject(jsonBytes, what: "JWK Set")
        guard case .array(let entries)? = object["keys"] else {
            throw JOSEError.malformedJSON(reason: "JWK Set has no \"keys\" array")
        }
        guard entries.count <= Self.maxKeys else {
            throw JOSEError.limitExceeded(reason: "JWK Set has \(entries.count) keys (maximum \(Self.maxKeys))")
        }
        self.init(keys: [])
        for entry in entries {
            guard case .object(let member) = entry else {
                self.skipped.append(SkippedKey(keyID: nil, reason: "entry is not a JSON object"))
                continue
            }
            do {
                self.keys.append(try JWK(jsonObject: member))
            } catch let error as JOSEError {
                self.skipped.append(SkippedKey(keyID: member["kid"]?.stringValue, reason: error.reason))
            }
        }
    }

    /// The set as a JSON object.
    public var jsonObject: JSONObject { ["keys": .array(self.keys.map { .object($0.jsonObject) })] }

    /// The set as compact JSON text.
    public var jsonText: String { JSONValue.object(self.jsonObject).jsonText }

    /// The keys that can verify signatures; the others are returned with the reason they were left out
    /// (unknown `kty`, `use: enc`, too small, not on the curve, ...).
    public func verificationKeys() -> (keys: [VerificationKey], skipped: [SkippedKey]) {
        var keys: [VerificationKey] = []
        var skipped = self.skipped
        for jwk in self.keys {
            do {
                keys.append(try VerificationKey(jwk: jwk))
            } catch let error as JOSEError {
                skipped.append(SkippedKey(keyID: jwk.keyID, reason: error.reason))
            } catch {
                skipped.append(SkippedKey(keyID: jwk.keyID, reason: "\(error)"))
            }
        }
        return (keys, skipped)
    }
}
