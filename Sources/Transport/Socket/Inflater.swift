// SPDX-License-Identifier: Apache-2.0
import CZlib

/// Decodes `Content-Encoding: gzip` and `deflate` bodies with zlib, stopping at a size limit.
enum Inflater {
    /// The content codings we decode.
    enum Coding: Sendable {
        /// RFC 1952 gzip (one or more members).
        case gzip
        /// RFC 1950 zlib; raw RFC 1951 deflate, which some servers send, is accepted too.
        case deflate
    }

    /// Decompresses `input`.
    ///
    /// - Throws: `TransportError.limitExceeded` when the output would pass `limit` bytes (a zip bomb),
    ///   `.malformedResponse` when the data is corrupt or truncated.
    static func decode(_ input: [UInt8], coding: Coding, limit: Int) throws -> [UInt8] {
        switch coding {
        case .gzip:
            return try self.inflate(input, windowBits: 15 + 16, limit: limit, allowMembers: true, name: "gzip")
        case .deflate:
            do {
                return try self.inflate(input, windowBits: 15, limit: limit, allowMembers: false, name: "deflate")
            } catch let error as TransportError where error.code == .malformedResponse {
                return try self.inflate(input, windowBits: -15, limit: limit, allowMembers: false, name: "deflate")
            }
        }
    }

    private static func inflate(
        _ input: [UInt8], windowBits: Int32, limit: Int, allowMembers: Bool, name: String
    ) throws -> [UInt8] {
        let stream = try ZStream(windowBits: windowBits)
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        try unsafe input.withUnsafeBufferPointer { inputBuffer in
            unsafe stream.pointer.pointee.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
            unsafe stream.pointer.pointee.avail_in = UInt32(inputBuffer.count)
            while true {
                let (status, produced) = unsafe chunk.withUnsafeMutableBufferPointer { out in
                    unsafe stream.pointer.pointee.next_out = out.baseAddress
                    unsafe stream.pointer.pointee.avail_out = UInt32(out.count)
                    let status = unsafe CZlib.inflate(stream.pointer, Z_NO_FLUSH)
                    return (status, out.count - Int(unsafe stream.pointer.pointee.avail_out))
                }
                if produced > 0 {
                    guard output.count + produced <= limit else {
                        throw TransportError.limitExceeded(
                            reason: "\(name) body decompresses to more than \(limit) bytes")
                    }
                    output.append(contentsOf: chunk[0..<produced])
                }
                let remaining = Int(unsafe stream.pointer.pointee.avail_in)
                switch status {
                case Z_STREAM_END:
                    guard remaining > 0 else { return }
                    guard allowMembers, unsafe inflateReset(stream.pointer) == Z_OK else {
                        throw TransportError.malformedResponse(reason: "\(name) body has trailing bytes")
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where remaining == 0 && produced == 0:
                    throw TransportError.malformedResponse(reason: "\(name) body is truncated")
                case Z_BUF_ERROR:
                    continue
                default:
                    let message =
                        unsafe stream.pointer.pointee.msg.map { unsafe String(cString: $0) } ?? "error \(status)"
                    throw TransportError.malformedResponse(reason: "\(name) body is corrupt: \(message)")
                }
            }
        }
        return output
    }
}

/// An owned, heap-allocated `z_stream` (zlib requires a stable address between calls).
@safe
private final class ZStream {
    let pointer: UnsafeMutablePointer<z_stream>

    init(windowBits: Int32) throws {
        unsafe self.pointer = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        unsafe self.pointer.initialize(to: z_stream())
        // On failure `deinit` still runs: inflateEnd on a stream without state is a harmless no-op.
        guard unsafe coidc_inflateInit2(self.pointer, windowBits) == Z_OK else {
            throw TransportError.malformedResponse(reason: "zlib could not start")
        }
    }

    deinit {
        unsafe inflateEnd(self.pointer)
        unsafe self.pointer.deinitialize(count: 1)
        unsafe self.pointer.deallocate()
    }
}
