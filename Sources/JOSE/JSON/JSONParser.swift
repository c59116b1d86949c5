// SPDX-License-Identifier: Apache-2.0

/// A strict RFC 8259 JSON parser for untrusted input, with limits on size, nesting and count.
///
/// It rejects what lenient parsers accept and attackers exploit: duplicate object keys (a second
/// `"alg"` must not win silently), invalid UTF-8, lone surrogates, control characters in strings,
/// leading zeros, trailing commas and trailing content.
public struct JSONParser: Sendable {
    /// Bounds for one parse.
    public struct Limits: Hashable, Sendable {
        /// The largest accepted document, in bytes.
        public var maxBytes: Int
        /// The deepest accepted nesting of arrays and objects.
        public var maxDepth: Int
        /// The most values (of any kind) in one document.
        public var maxValues: Int

        /// Creates limits.
        public init(maxBytes: Int, maxDepth: Int, maxValues: Int) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxValues = maxValues
        }

        /// Limits for JOSE headers and JWT claims: 64 KiB, depth 16, 4096 values.
        public static let token = Limits(maxBytes: 64 * 1024, maxDepth: 16, maxValues: 4096)
        /// Limits for JWK sets and provider documents: 1 MiB, depth 16, 65536 values.
        public static let document = Limits(maxBytes: 1024 * 1024, maxDepth: 16, maxValues: 65536)
    }

    /// The limits this parser enforces.
    public var limits: Limits

    /// Creates a parser with the given limits.
    public init(limits: Limits = .document) { self.limits = limits }

    /// Parses one JSON document.
    /// - Throws: ``JOSEError/Code/malformedJSON`` or ``JOSEError/Code/limitExceeded``.
    public func parse(_ bytes: [UInt8]) throws -> JSONValue {
        guard bytes.count <= self.limits.maxBytes else {
            throw JOSEError.limitExceeded(reason: "JSON of \(bytes.count) bytes exceeds \(self.limits.maxBytes)")
        }
        var reader = Reader(bytes: bytes, limits: self.limits)
        reader.skipWhitespace()
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw reader.error("trailing content") }
        return value
    }

    /// Parses a document that must be a JSON object.
    /// - Throws: ``JOSEError/Code/malformedJSON`` (also when the document is not an object) or
    ///   ``JOSEError/Code/limitExceeded``.
    public func parseObject(_ bytes: [UInt8], what: String = "document") throws -> JSONObject {
        guard case .object(let object) = try self.parse(bytes) else {
            throw JOSEError.malformedJSON(reason: "\(what) is not a JSON object")
        }
        return object
    }

    /// Parses text as UTF-8 JSON.
    public func parse(_ text: String) throws -> JSONValue { try self.parse(Array(text.utf8)) }
}
