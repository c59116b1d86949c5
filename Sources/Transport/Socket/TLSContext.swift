// SPDX-License-Identifier: Apache-2.0
import COpenSSL
import Synchronization

/// An owned client `SSL_CTX`, configured once, plus a small cache of resumable sessions.
///
/// OpenSSL allows one configured `SSL_CTX` to create `SSL` objects from many threads at once
/// (openssl-threads(7)); it is never mutated after `init`. The session cache has its own lock.
@safe
final class TLSContext: @unchecked Sendable {  // SSL_CTX immutable after init; sessions behind a Mutex
    /// `SSL_CTX *`, owned (+1).
    let pointer: OpaquePointer
    private let sessions = Mutex<[String: TLSSession]>([:])
    private static let maximumCachedSessions = 256

    /// - Parameters:
    ///   - usesSystemTrustStore: load OpenSSL's default paths, which honour `SSL_CERT_FILE` and `SSL_CERT_DIR`.
    ///   - additionalTrustRootsFile: a PEM bundle of extra CA certificates to trust.
    ///   - clientCertificateFile/clientPrivateKeyFile: PEM files for mutual TLS.
    ///   - requiresTLS13: raise the minimum from TLS 1.2 to TLS 1.3.
    /// - Throws: `TransportError.invalidConfiguration` naming the file or setting that failed.
    init(
        usesSystemTrustStore: Bool, additionalTrustRootsFile: String?, clientCertificateFile: String?,
        clientPrivateKeyFile: String?, requiresTLS13: Bool
    ) throws {
        guard let context = unsafe SSL_CTX_new(TLS_client_method()) else {
            throw TransportError.invalidConfiguration(reason: "SSL_CTX_new: \(OpenSSLErrors.drain())")
        }
        unsafe self.pointer = context
        let minimum = requiresTLS13 ? TLS1_3_VERSION : TLS1_2_VERSION
        guard unsafe coidc_SSL_CTX_set_min_proto_version(context, minimum) == 1 else {
            throw TransportError.invalidConfiguration(reason: "cannot set the minimum TLS version")
        }
        _ = unsafe SSL_CTX_set_options(
            context, coidc_SSL_OP_NO_COMPRESSION() | coidc_SSL_OP_NO_RENEGOTIATION())
        unsafe SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        // Sessions are kept by hand (see `takeSession`/`store`), not in OpenSSL's internal client store.
        _ = unsafe coidc_SSL_CTX_set_session_cache_mode(
            context, Int(SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE))
        // The same trust as SSL_CTX_set_default_verify_paths (SSL_CERT_FILE or the default bundle, and
        // SSL_CERT_DIR or the default directory), without parsing the whole bundle for every client.
        guard let store = unsafe X509_STORE_new() else {
            throw TransportError.invalidConfiguration(reason: "X509_STORE_new: \(OpenSSLErrors.drain())")
        }
        unsafe SSL_CTX_set_cert_store(context, store)  // the context owns the store from here
        if usesSystemTrustStore {
            unsafe SystemTrustStore.shared.copyCertificates(into: store)
            let directory =
                unsafe POSIX.environment(String(cString: X509_get_default_cert_dir_env()))
                ?? String(cString: X509_get_default_cert_dir())
            guard let lookup = unsafe X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir()),
                unsafe coidc_X509_LOOKUP_add_dir(lookup, directory, X509_FILETYPE_PEM) == 1
            else {
                throw TransportError.invalidConfiguration(
                    reason: "cannot use CA directory \(directory): \(OpenSSLErrors.drain())")
            }
        }
        if let file = additionalTrustRootsFile {
            guard unsafe X509_STORE_load_file(store, file) == 1 else {
                throw TransportError.invalidConfiguration(
                    reason: "cannot load CA bundle \(file): \(OpenSSLErrors.drain())")
            }
        }
        switch (clientCertificateFile, clientPrivateKeyFile) {
        case (nil, nil):
            break
        case (let certificate?, let key?):
            guard unsafe SSL_CTX_use_certificate_chain_file(context, certificate) == 1 else {
                throw TransportError.invalidConfiguration(
                    reason: "cannot load client certificate \(certificate): \(OpenSSLErrors.drain())")
            }
            guard unsafe SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
                throw TransportError.invalidConfiguration(
                    reason: "cannot load client key \(key): \(OpenSSLErrors.drain())")
            }
            guard unsafe SSL_CTX_check_private_key(context) == 1 else {
                throw TransportError.invalidConfiguration(
                    reason: "the client key does not match the client certificate: \(OpenSSLErrors.drain())")
            }
        default:
            throw TransportError.invalidConfiguration(
                reason: "mutual TLS needs both a client certificate and its private key")
        }
        OpenSSLErrors.clear()
    }

    deinit { unsafe SSL_CTX_free(self.pointer) }

    /// Removes and returns the cached session for `key` (a TLS 1.3 ticket is used once, RFC 8446 §C.4).
    func takeSession(for key: String) -> TLSSession? {
        self.sessions.withLock { $0.removeValue(forKey: key) }
    }

    /// Caches `session` for the next connection to `key`.
    func store(_ session: TLSSession, for key: String) {
        self.sessions.withLock { sessions in
            if sessions.count >= Self.maximumCachedSessions, sessions[key] == nil, let victim = sessions.keys.first {
                sessions[victim] = nil
            }
            sessions[key] = session
        }
    }
}

/// The certificates of the system CA bundle (`SSL_CERT_FILE`, or OpenSSL's default file), parsed once
/// per process and shared by every ``TLSContext`` (parsing the bundle costs tens of milliseconds).
@safe
final class SystemTrustStore: @unchecked Sendable {  // immutable after init; get1_all_certs locks
    /// `X509_STORE *`, owned (+1).
    private let pointer: OpaquePointer?

    static let shared = SystemTrustStore()

    private init() {
        let file =
            unsafe POSIX.environment(String(cString: X509_get_default_cert_file_env()))
            ?? String(cString: X509_get_default_cert_file())
        let store = unsafe X509_STORE_new()
        if let store = unsafe store {
            // A missing bundle is an empty trust store, as with SSL_CTX_set_default_verify_paths.
            _ = unsafe X509_STORE_load_file(store, file)
        }
        OpenSSLErrors.clear()
        unsafe self.pointer = store
    }

    deinit { unsafe X509_STORE_free(self.pointer) }

    /// Adds every certificate of the bundle to `store` (`X509_STORE *`), sharing them by reference.
    func copyCertificates(into store: OpaquePointer) {
        guard let pointer = unsafe self.pointer, let certificates = unsafe X509_STORE_get1_all_certs(pointer) else {
            return
        }
        defer { unsafe coidc_sk_X509_pop_free(certificates) }
        let count = unsafe coidc_sk_X509_num(certificates)
        for index in 0..<count {
            if let certificate = unsafe coidc_sk_X509_value(certificates, index) {
                _ = unsafe X509_STORE_add_cert(store, certificate)
            }
        }
        OpenSSLErrors.clear()
    }
}

/// An owned `SSL_SESSION` (+1).
@safe
final class TLSSession: @unchecked Sendable {  // refcounted, locked inside OpenSSL, never mutated
    let pointer: OpaquePointer

    init(takingOwnershipOf pointer: OpaquePointer) { unsafe self.pointer = pointer }

    deinit { unsafe SSL_SESSION_free(self.pointer) }
}

/// OpenSSL's thread-local error queue. Drained at once after a failing call, never across an `await`.
enum OpenSSLErrors {
    /// Empties the queue and returns its entries as one line.
    static func drain() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let text = unsafe ERR_reason_error_string(code) {
                reasons.append(unsafe String(cString: text))
            } else {
                reasons.append("OpenSSL error \(code)")
            }
        }
        return reasons.isEmpty ? "no OpenSSL error recorded" : reasons.joined(separator: "; ")
    }

    /// Empties the queue, ignoring its contents.
    static func clear() { ERR_clear_error() }
}
