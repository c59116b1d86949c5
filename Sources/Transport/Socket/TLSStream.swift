// SPDX-License-Identifier: Apache-2.0
import COpenSSL

/// An owned client `SSL` object over a pair of memory BIOs.
///
/// OpenSSL never touches the socket: ``Connection`` moves ciphertext between the socket and the BIOs
/// with its own non-blocking calls (so no `SIGPIPE`, no blocking, and one place that waits).
@safe
final class TLSStream: @unchecked Sendable {  // used by one task at a time (the connection's owner)
    /// `SSL *`, owned (+1); it owns both BIOs.
    private let ssl: OpaquePointer
    /// `BIO *` holding ciphertext received from the peer, owned by `ssl`.
    private let input: OpaquePointer
    /// `BIO *` holding ciphertext to send to the peer, owned by `ssl`.
    private let output: OpaquePointer
    private let serverName: String

    /// The outcome of one non-blocking OpenSSL call.
    enum Step {
        /// The call completed; for reads, this many bytes were appended.
        case done(Int)
        /// OpenSSL needs more ciphertext from the peer.
        case wantRead
        /// The peer sent `close_notify`.
        case closed
        /// A fatal TLS error, already mapped.
        case failed(TransportError)
    }

    /// - Parameter serverName: the host from the request: sent as SNI (names only, RFC 6066 §3) and
    ///   checked against the certificate's SAN (DNS names or IP addresses).
    /// - Throws: `TransportError.tlsHandshakeFailed` when OpenSSL cannot allocate or configure the session.
    init(context: TLSContext, serverName: String, session: TLSSession?) throws {
        guard let ssl = unsafe SSL_new(context.pointer) else {
            throw TransportError.tlsHandshakeFailed(reason: "SSL_new: \(OpenSSLErrors.drain())")
        }
        guard let input = unsafe BIO_new(BIO_s_mem()) else {
            unsafe SSL_free(ssl)
            throw TransportError.tlsHandshakeFailed(reason: "BIO_new: \(OpenSSLErrors.drain())")
        }
        guard let output = unsafe BIO_new(BIO_s_mem()) else {
            unsafe BIO_free(input)
            unsafe SSL_free(ssl)
            throw TransportError.tlsHandshakeFailed(reason: "BIO_new: \(OpenSSLErrors.drain())")
        }
        // An empty input BIO means "wait for more" (retry), not end of stream.
        _ = unsafe coidc_BIO_set_mem_eof_return(input, -1)
        unsafe SSL_set_bio(ssl, input, output)
        unsafe self.ssl = ssl
        unsafe self.input = input
        unsafe self.output = output
        self.serverName = serverName
        unsafe SSL_set_connect_state(ssl)

        let parameters = unsafe SSL_get0_param(ssl)
        unsafe X509_VERIFY_PARAM_set_hostflags(parameters, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        if POSIX.isIPAddress(serverName) {
            guard unsafe X509_VERIFY_PARAM_set1_ip_asc(parameters, serverName) == 1 else {
                throw TransportError.tlsHandshakeFailed(reason: "cannot verify IP address \(serverName)")
            }
        } else {
            guard unsafe coidc_SSL_set_tlsext_host_name(ssl, serverName) == 1,
                unsafe X509_VERIFY_PARAM_set1_host(parameters, serverName, 0) == 1
            else {
                throw TransportError.tlsHandshakeFailed(
                    reason: "cannot use \(serverName) as a TLS server name: \(OpenSSLErrors.drain())")
            }
        }
        if let session {
            // SSL_set_session takes its own reference; failure only costs a full handshake.
            _ = unsafe SSL_set_session(ssl, session.pointer)
        }
        OpenSSLErrors.clear()
    }

    deinit { unsafe SSL_free(self.ssl) }

    /// Advances the client handshake.
    func handshake() -> Step {
        let status = unsafe SSL_connect(self.ssl)
        if status == 1 { return .done(0) }
        return self.classify(status: status, duringHandshake: true)
    }

    /// Decrypts up to `maxCount` bytes into `buffer`.
    func read(into buffer: inout [UInt8], maxCount: Int, scratch: inout [UInt8]) -> Step {
        if scratch.count < maxCount { scratch = [UInt8](repeating: 0, count: maxCount) }
        let count = unsafe scratch.withUnsafeMutableBytes { raw in
            unsafe SSL_read(self.ssl, raw.baseAddress, Int32(min(maxCount, raw.count)))
        }
        if count > 0 {
            buffer.append(contentsOf: scratch[0..<Int(count)])
            return .done(Int(count))
        }
        return self.classify(status: count, duringHandshake: false)
    }

    /// Encrypts all of `bytes` into the output BIO (a memory BIO always takes everything).
    func write(_ bytes: [UInt8]) -> Step {
        guard !bytes.isEmpty else { return .done(0) }
        let count = unsafe bytes.withUnsafeBytes { raw in
            unsafe SSL_write(self.ssl, raw.baseAddress, Int32(raw.count))
        }
        if count == Int32(bytes.count) { return .done(Int(count)) }
        return self.classify(status: count, duringHandshake: false)
    }

    /// Hands ciphertext received from the socket to OpenSSL.
    func feed(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        let written = unsafe bytes.withUnsafeBytes { raw in
            unsafe BIO_write(self.input, raw.baseAddress, Int32(raw.count))
        }
        // A memory BIO grows as needed; only allocation failure could stop it.
        precondition(written == Int32(bytes.count), "BIO_write to a memory BIO failed")
    }

    /// Takes the ciphertext OpenSSL produced, to be sent on the socket.
    func takeOutput() -> [UInt8] {
        let pending = unsafe BIO_ctrl_pending(self.output)
        guard pending > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(pending))
        let count = unsafe bytes.withUnsafeMutableBytes { raw in
            unsafe BIO_read(self.output, raw.baseAddress, Int32(raw.count))
        }
        return count > 0 ? Array(bytes[0..<Int(count)]) : []
    }

    /// Whether the handshake resumed a cached session.
    var isSessionReused: Bool { unsafe SSL_session_reused(self.ssl) == 1 }

    /// The negotiated protocol, e.g. `TLSv1.3`.
    var protocolVersion: String {
        guard let name = unsafe SSL_get_version(self.ssl) else { return "unknown" }
        return unsafe String(cString: name)
    }

    /// The current session, if the server made it resumable (TLS 1.3 tickets arrive after the handshake).
    func resumableSession() -> TLSSession? {
        guard let session = unsafe SSL_get1_session(self.ssl) else { return nil }
        let owned = unsafe TLSSession(takingOwnershipOf: session)
        return unsafe SSL_SESSION_is_resumable(session) == 1 ? owned : nil
    }

    /// Queues a `close_notify` alert (its bytes then come out of ``takeOutput()``).
    func shutdown() {
        _ = unsafe SSL_shutdown(self.ssl)
        OpenSSLErrors.clear()
    }

    private func classify(status: Int32, duringHandshake: Bool) -> Step {
        let error = unsafe SSL_get_error(self.ssl, status)
        switch error {
        case SSL_ERROR_WANT_READ:
            return .wantRead
        case SSL_ERROR_WANT_WRITE:
            // Memory BIOs never refuse output; treat as "flush and retry".
            return .wantRead
        case SSL_ERROR_ZERO_RETURN:
            OpenSSLErrors.clear()
            return .closed
        default:
            let reason = OpenSSLErrors.drain()
            let verifyResult = unsafe SSL_get_verify_result(self.ssl)
            if verifyResult != X509_V_OK {
                return .failed(Self.certificateError(code: Int32(verifyResult), host: self.serverName))
            }
            if duringHandshake {
                return .failed(.tlsHandshakeFailed(reason: "TLS handshake with \(self.serverName): \(reason)"))
            }
            return .failed(.connectionClosed(reason: "TLS error from \(self.serverName): \(reason)"))
        }
    }

    /// Maps an X509_V_ERR_* verification result to a specific error code.
    static func certificateError(code: Int32, host: String) -> TransportError {
        let text = unsafe X509_verify_cert_error_string(Int(code)).map { unsafe String(cString: $0) } ?? "error \(code)"
        let reason = "certificate of \(host): \(text) (X509_V_ERR \(code))"
        switch code {
        case X509_V_ERR_CERT_HAS_EXPIRED, X509_V_ERR_CERT_NOT_YET_VALID, X509_V_ERR_CRL_HAS_EXPIRED:
            return .certificateExpired(reason: reason)
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return .certificateSelfSigned(reason: reason)
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
            X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return .certificateUnknownIssuer(reason: reason)
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
            return .certificateHostnameMismatch(reason: reason)
        default:
            return .certificateInvalid(reason: reason)
        }
    }
}
