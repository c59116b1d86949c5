// SPDX-License-Identifier: Apache-2.0

/// Bounds on one HTTP/1.1 message read from the network. Passing any of them is a
/// `TransportError.limitExceeded`, never a crash or an unbounded allocation.
public struct HTTPMessageLimits: Hashable, Sendable {
    /// The longest status line (or request line, for ``LoopbackHTTPServer``), in bytes, without CRLF.
    public var maxStartLineBytes: Int
    /// The most header fields (trailer fields of a chunked body count too).
    public var maxHeaderCount: Int
    /// The most bytes in the header section (and, separately, in the trailer section).
    public var maxHeaderBytes: Int
    /// The largest body as received on the wire (before content decoding).
    public var maxBodyBytes: Int
    /// The largest body after `gzip`/`deflate` decoding; this is what stops a zip bomb.
    public var maxDecompressedBodyBytes: Int

    /// - Parameters: see the properties; the defaults suit discovery documents, JWK Sets and token responses.
    public init(
        maxStartLineBytes: Int = 8 * 1024, maxHeaderCount: Int = 100, maxHeaderBytes: Int = 64 * 1024,
        maxBodyBytes: Int = 8 * 1024 * 1024, maxDecompressedBodyBytes: Int = 16 * 1024 * 1024
    ) {
        self.maxStartLineBytes = maxStartLineBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxDecompressedBodyBytes = maxDecompressedBodyBytes
    }
}
