// SPDX-License-Identifier: Apache-2.0
import Foundation
import JOSE
import Testing

/// Keys shared by the unit suites. The PEM literals are throw-away test keys made with the OpenSSL
/// 3.0 CLI (`openssl genpkey`, `openssl ecparam -genkey`, `openssl pkcs8 -topk8`, `openssl pkey -pubout`);
/// they protect nothing. Embedding them keeps the suites fast and free of a CLI dependency.
enum UnitFixtures {
    /// RSA-2048, PKCS#8 (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`).
    static let rsaPrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCOmeQhEZUt2dRA
        QE39poYIhR4uiwAy9fECXzYwEGWa40FiBhPKuB7C+EUkHJ5S0EXKzt4GGCW18gcB
        oeyvs+RMruGCGkZjtPxmcTw360aNmKZUkrYlmlxy60NaxX8bQnW62S8KU+KmuluW
        TkEDKKum5cWz1bHGmDsY2SxdfdMZ+nVFPngmQ5IFmjxJwnYC/NLv008aYEynSkgB
        /Vs7Jz8P7T7PYdSLGQnOnUf/ZEHYG1zUwcbpcgAFoa2WnfHKphQQh3Ew1IyEABQz
        R4Aj4x+xkPjgXaVcA5c8ln8lnUMwtLxKDqtIt6OIKRQbeN8gUiHRT/ryNVadoS2k
        xjV5aUj3AgMBAAECggEAHD9Tt1E6UcjSiJ+0U0iHSGzGG8YhFfct9KBTpZW56sKV
        kwtNJFzwiwKO/6ZDnnfvO0tbI63o2m/E/4fJ0Mw7rwz9Ur5NrzaMwOYxXYpXgXj5
        ics+FZjMM19zCioREZ9KnuaisNMJFKnZtp5ttmh6CCd/0C3Gd2Z0Xmm2phZkmMJ+
        Zj09r2Rv+XMnOj37XSUgg6OIOm8GeUAvpk/qhowuBB4BYrSqJlKOGTUisyoxfYHV
        5sdgSMuvwn0FyZOGr7pQlZfPFMxo/WChZqyzJfuMpmWF5eBi4FOeN3Y79/ZAU92S
        mMreEqfTevuOCWl2e7cZVwGvvh+dN0ZQAZZdON6p8QKBgQDJnJsuOtAuUq2F57ae
        w8XJBEk8f23EeSg6kL35CwD3AJmQ0gZvpMVJ5iFuCkbUvPWIH9pYGNgG0x8D/Euf
        +9Tsa/OIjaEjGpgscfs+CIqiI/EWDHsLgB27e2g+bxmgK96qoMZCvSXbjJFAx8/q
        KhgyIyO0QjZ3JHrc/mEbGgekKwKBgQC1Efyy7xOkvIaNLlFNEbFEgvwsR+cx69Ka
        qhaMJGwT6lUb+L3bZSZYx3z/OLxQXFqm06Q1HKQPFSb1/Brc4qKcRDhRTBbw2ahL
        UDlAhAsE8vrd1KsYXa7ASJsn3MQTJG3SbtgvzTLE+C5OM0pOCCPUWM5lX/xw1CUv
        e8sTrtqMZQKBgF3WJSf8Ob8Fvjvv4EC+8ASimQ+uY8Gpfn7btX//jiBoyBDuoA5A
        i47crLyRzevgUwtbf/22+n0asHnjaLN6u9yaVgw9lz1GeINfPcfeo9/ZiLFxd6ef
        prcHNjqw7SVupcGW+RBBByjLoSOcnHnpw786ObkBhGYptYG8aCf8EohnAoGBAKZM
        ydkRSOpRGAbMlnEBId05rB+DPmyUGU5hjunRfc3gt6BEGSNKSCjbtwq08gegesWj
        tbnt/yO3GpxrmcRrBkwdP9gy2RMF5NKe8KY3X+OAwjVA4I81Y41IYe//i7nFCHRv
        x3BHtyw+gFDkPIdkZHvfwFhNCw4ZWbm9qar/OcwdAoGBAKoIkleyjtAT4j9zSDq7
        zaPrXwIhBtgso5cGZKSgGqbQ3JGFWF9bVk1J+/8razqq6CzrlirYJ6QeIQ17rOmZ
        xa/n7L6rD5MYjYaNFQkzFA/inRW0yukIu2bm8qkIZvJJ/L29/ikkA1pQASO1L11u
        gZ/wQnoLm5FgSqR8CrTqJd7f
        -----END PRIVATE KEY-----

        """

    /// The public half of ``rsaPrivatePEM`` (SubjectPublicKeyInfo).
    static let rsaPublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAjpnkIRGVLdnUQEBN/aaG
        CIUeLosAMvXxAl82MBBlmuNBYgYTyrgewvhFJByeUtBFys7eBhgltfIHAaHsr7Pk
        TK7hghpGY7T8ZnE8N+tGjZimVJK2JZpccutDWsV/G0J1utkvClPiprpblk5BAyir
        puXFs9Wxxpg7GNksXX3TGfp1RT54JkOSBZo8ScJ2AvzS79NPGmBMp0pIAf1bOyc/
        D+0+z2HUixkJzp1H/2RB2Btc1MHG6XIABaGtlp3xyqYUEIdxMNSMhAAUM0eAI+Mf
        sZD44F2lXAOXPJZ/JZ1DMLS8Sg6rSLejiCkUG3jfIFIh0U/68jVWnaEtpMY1eWlI
        9wIDAQAB
        -----END PUBLIC KEY-----

        """

    /// RSA-1024, PKCS#8: too small to be accepted anywhere.
    static let rsa1024PrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBALlVcZ0Lgb7KDza4
        MmQZEv7Zae2sCXVnlJUhL87TsmUXRYfj4GIexO1eT6oQj9U/W2tOnoVCWgylhHpR
        mad1m1JXHIQgMMTp7eVuB0qUO9WcWcUbtffKFWA396YydWshnsMvv/TzYbG+QTO/
        N6uLoCarzlAJCu4TzADxs9ynsKX5AgMBAAECgYAsqsYmFmbfx60hAAXNECn+2AFq
        scLZ0+wAgS4Xh/f/2zr7xFUI8Od/WfKTR0iTGaD73Mfh0BsJ3z5tiIsiy/px1SXD
        Yj8hkop01VS57x0KpevoHDoPzYN9QtnqRI4wCvaU8rSDxjuFbNRe/nkylSoUaU10
        QYg/aJ/h2x5kfQWoHQJBAPVXkBB2loDw1V+CCh+aXkiI42yuzJiFLiD2gxVBuo0K
        0MkBwgs0fBKSVpz7XulB0r7czTxGPfz2wQx0hn81kG8CQQDBYogmklysDiwEtK/z
        YAHa2WPciUyvffc31ps4rsb6F7NM3jeo7fTqVDebf4cfMGsczoq96fdnrA7iLh06
        6BQXAkEAhWEmPB0Mc2r6xWKf+FBnA44P/e0F48E7s8Xwu6SxM652lWC0Sn0tGree
        CNgL4Endtc+6cBNL7fOEPi43VH8dVwJAJTNOG5VmLFbhktorSrb6RF4zPpZO4Sdr
        KhunamT8s9lhTXUl4eI8jeM7ezcyCAbpY/Y7bEMYq6HGjy3tw4onawJBAMcSU86Z
        OxqieVJL4yQdtSJ8TaJ1mdNtHD+ImGscCzcMeIjPvcHpn1FBtXe0RkIoXQxxUemk
        By8g9oxckwqAi7c=
        -----END PRIVATE KEY-----

        """

    /// The public half of ``rsa1024PrivatePEM``.
    static let rsa1024PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC5VXGdC4G+yg82uDJkGRL+2Wnt
        rAl1Z5SVIS/O07JlF0WH4+BiHsTtXk+qEI/VP1trTp6FQloMpYR6UZmndZtSVxyE
        IDDE6e3lbgdKlDvVnFnFG7X3yhVgN/emMnVrIZ7DL7/082GxvkEzvzeri6Amq85Q
        CQruE8wA8bPcp7Cl+QIDAQAB
        -----END PUBLIC KEY-----

        """

    /// P-256, SEC 1 (`openssl ecparam -name prime256v1 -genkey -noout`).
    static let ecSEC1PEM = """
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEICDdnDkKFJWB1kYnee5fNH4zC7w1XFS6NT0fewOt1QOToAoGCCqGSM49
        AwEHoUQDQgAEZB15W8ZspaI7t0eL19e8qtFuh/f98PzZIDurIKEhDyN7xp6mGHVK
        bw2jlGo5FjsP3FPxCYP7VHwz8+bk/AN/yQ==
        -----END EC PRIVATE KEY-----

        """

    /// The same P-256 key as PKCS#8.
    static let ecPKCS8PEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIN2cOQoUlYHWRid5
        7l80fjMLvDVcVLo1PR97A63VA5OhRANCAARkHXlbxmyloju3R4vX17yq0W6H9/3w
        /NkgO6sgoSEPI3vGnqYYdUpvDaOUajkWOw/cU/EJg/tUfDPz5uT8A3/J
        -----END PRIVATE KEY-----

        """

    /// The public half of ``ecSEC1PEM``.
    static let ecPublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZB15W8ZspaI7t0eL19e8qtFuh/f9
        8PzZIDurIKEhDyN7xp6mGHVKbw2jlGo5FjsP3FPxCYP7VHwz8+bk/AN/yQ==
        -----END PUBLIC KEY-----

        """

    /// Ed25519, PKCS#8 (`openssl genpkey -algorithm ed25519`).
    static let ed25519PrivatePEM = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIGlzxtCSmdRCvN8zczMCtoiQD6eyn5+affh2AS1dazjJ
        -----END PRIVATE KEY-----

        """

    /// The public half of ``ed25519PrivatePEM``.
    static let ed25519PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEA867fa5V77i8PTUvpeLaZD3OS9lSlNBbp2l5N4Rwd97I=
        -----END PUBLIC KEY-----

        """

    /// A secp256k1 public key: a curve JWS does not use for ES256.
    static let secp256k1PublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEeuw0Yo0sitENc8RVY+HxKXyjskPeFmwt
        wOR0i6Sv36LJC89mXHu1IDhFgZSfENTXe2I+W7D3aRqQsDXY4hUJSw==
        -----END PUBLIC KEY-----

        """

    /// The RSA-2048 test key, parsed once (RSA parsing and generation are the slow part of these suites).
    private static let rsaResult = Result { try SigningKey(pem: rsaPrivatePEM, keyID: "rsa-1") }

    /// The shared RSA-2048 signing key, `kid` `rsa-1`.
    static func rsaKey() throws -> SigningKey { try self.rsaResult.get() }

    /// The DER body of a PEM block.
    static func der(fromPEM pem: String) throws -> [UInt8] {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return try #require(Data(base64Encoded: body).map { [UInt8]($0) })
    }
}

@Suite struct JWKTests {
    /// RFC 7517 §A.1 / RFC 7638 §3.1 RSA public key.
    static let rfcRSA = """
        {"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6\
        tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2Qvz\
        qY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2\
        NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-0\
        4-29"}
        """

    /// RFC 7517 §A.1 EC public key (marked `use: enc` there).
    static let rfcEC = """
        {"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",\
        "y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","use":"enc","kid":"1"}
        """

    /// RFC 8037 §A.2 Ed25519 public key.
    static let rfcOKP = #"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#

    /// RFC 7515 §A.1 HMAC key (64 bytes).
    static let rfcOct = """
        {"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}
        """

    /// An RSA JWK with the given modulus and exponent bytes.
    private static func rsaJWK(n: [UInt8], e: [UInt8] = [1, 0, 1]) -> JWK {
        var jwk = JWK(keyType: "RSA")
        jwk.n = Base64URL.encode(n)
        jwk.e = Base64URL.encode(e)
        return jwk
    }

    /// The modulus of the shared RSA-2048 key.
    private static func realModulus() throws -> [UInt8] {
        try Base64URL.decode(try #require(try UnitFixtures.rsaKey().publicJWK.n))
    }

    // MARK: Parsing

    @Test("parses an RSA JWK (RFC 7517 A.1) and honours its alg")
    func parseRSA() throws {
        let jwk = try JWK(json: Self.rfcRSA)
        #expect(jwk.keyType == "RSA")
        #expect(jwk.keyID == "2011-04-29")
        #expect(jwk.algorithm == .rs256)
        #expect(!jwk.isPrivate)
        let key = try VerificationKey(jwk: jwk)
        #expect(key.kind == .rsa(bits: 2048))
        #expect(key.algorithms == [.rs256])
        #expect(key.keyID == "2011-04-29")
    }

    @Test("parses an EC JWK (RFC 7517 A.1) once its use is sig or absent")
    func parseEC() throws {
        var jwk = try JWK(json: Self.rfcEC)
        #expect(jwk.curve == "P-256")
        jwk.use = nil
        let key = try VerificationKey(jwk: jwk)
        #expect(key.kind == .ec(.p256))
        #expect(key.algorithms == [.es256])
        jwk.use = "sig"
        #expect(try VerificationKey(jwk: jwk).kind == .ec(.p256))
    }

    @Test("parses an OKP Ed25519 JWK (RFC 8037 A.2)")
    func parseOKP() throws {
        let key = try VerificationKey(jwk: try JWK(json: Self.rfcOKP))
        #expect(key.kind == .ed25519)
        #expect(key.algorithms == [.edDSA, .ed25519])
    }

    @Test("parses an oct JWK (RFC 7515 A.1) into an HMAC key for every HS* it is long enough for")
    func parseOct() throws {
        let jwk = try JWK(json: Self.rfcOct)
        #expect(jwk.isPrivate)
        let key = try VerificationKey(jwk: jwk)
        #expect(key.kind == .symmetric(bytes: 64))
        #expect(key.algorithms == [.hs256, .hs384, .hs512])
        #expect(key.jwk.k == nil, "the public JWK of a verification key never carries the secret")

        var short = JWK(keyType: "oct")
        short.k = Base64URL.encode([UInt8](repeating: 7, count: 32))
        #expect(try VerificationKey(jwk: short).algorithms == [.hs256])
    }

    @Test("keeps unknown members and writes them back")
    func otherMembers() throws {
        let jwk = try JWK(json: #"{"kty":"EC","crv":"P-256","x":"AA","y":"AA","x5c":["MII"],"ext":true}"#)
        #expect(jwk.otherMembers["x5c"] == ["MII"])
        #expect(jwk.otherMembers["ext"] == true)
        let again = try JWK(json: jwk.jsonText)
        #expect(again == jwk)
    }

    @Test(
        "a JWK with a missing or mistyped member is refused",
        arguments: [
            #"{"crv":"P-256"}"#, #"{"kty":1}"#, #"{"kty":null}"#, #"{"kty":"EC","kid":1}"#,
            #"{"kty":"EC","x":["AA"]}"#, #"{"kty":"RSA","alg":256}"#, #"{"kty":"EC","key_ops":"verify"}"#,
            #"{"kty":"EC","key_ops":[1]}"#, #"{"kty":"EC","key_ops":["verify","verify"]}"#, #"{"kty":"EC","use":true}"#,
        ])
    func mistypedMembers(json: String) {
        #expect(throws: JOSEError.invalidKey(reason: "")) { try JWK(json: json) }
    }

    @Test("a JWK that is not a JSON object is malformed JSON", arguments: ["[]", #""kty""#, "1", "{", ""])
    func notAnObject(json: String) {
        #expect(throws: JOSEError.malformedJSON(reason: "")) { try JWK(json: json) }
    }

    // MARK: RSA policy

    @Test("an RSA key under 2048 bits is refused (JWK, PEM, private PEM, generation)")
    func rsaTooSmall() throws {
        // A 1024-bit odd modulus: the size check must fire before anything else looks at it.
        var modulus = (0..<128).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        modulus[0] |= 0x80
        modulus[127] |= 1
        let error = #expect(throws: JOSEError.invalidKey(reason: "")) {
            try VerificationKey(jwk: Self.rsaJWK(n: modulus))
        }
        #expect(error?.reason.contains("1024") == true)

        // 2047 bits: one short.
        var modulus2047 = try Self.realModulus()
        modulus2047[0] = 0x7F
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: Self.rsaJWK(n: modulus2047)) }

        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(pem: UnitFixtures.rsa1024PublicPEM) }
        #expect(throws: JOSEError.invalidKey(reason: "")) {
            try VerificationKey(subjectPublicKeyInfo: try UnitFixtures.der(fromPEM: UnitFixtures.rsa1024PublicPEM))
        }
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey(pem: UnitFixtures.rsa1024PrivatePEM) }
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey.generate(.rsa(bits: 1024)) }
    }

    @Test("an RSA key over 16384 bits is refused")
    func rsaTooLarge() {
        var modulus = [UInt8](repeating: 0xFF, count: 2049)
        modulus[0] = 0x80
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: Self.rsaJWK(n: modulus)) }
    }

    @Test("an even RSA modulus is refused")
    func rsaEvenModulus() throws {
        var modulus = try Self.realModulus()
        #expect(try VerificationKey(jwk: Self.rsaJWK(n: modulus)).kind == .rsa(bits: 2048))
        modulus[modulus.count - 1] &= 0xFE
        let error = #expect(throws: JOSEError.invalidKey(reason: "")) {
            try VerificationKey(jwk: Self.rsaJWK(n: modulus))
        }
        #expect(error?.reason.contains("even") == true)
    }

    @Test(
        "an RSA public exponent that is 1, even, empty or over 64 bits is refused",
        arguments: [[1], [0, 1], [0, 0, 1], [2], [1, 0, 0], [], [0], [UInt8](repeating: 1, count: 9)] as [[UInt8]])
    func rsaBadExponent(exponent: [UInt8]) throws {
        let modulus = try Self.realModulus()
        #expect(throws: JOSEError.invalidKey(reason: "")) {
            try VerificationKey(jwk: Self.rsaJWK(n: modulus, e: exponent))
        }
    }

    @Test("an RSA exponent of 3 or 65537 is accepted")
    func rsaGoodExponent() throws {
        let modulus = try Self.realModulus()
        #expect(try VerificationKey(jwk: Self.rsaJWK(n: modulus, e: [3])).kind == .rsa(bits: 2048))
        #expect(try VerificationKey(jwk: Self.rsaJWK(n: modulus, e: [1, 0, 1])).kind == .rsa(bits: 2048))
    }

    @Test("an RSA private JWK that is incomplete, multi-prime or inconsistent is refused")
    func rsaPrivateMismatch() throws {
        let good = try UnitFixtures.rsaKey().privateJWK
        #expect(try SigningKey(jwk: good).kind == .rsa(bits: 2048))

        var missing = good
        missing.qi = nil
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey(jwk: missing) }

        var multiPrime = good
        multiPrime.otherMembers["oth"] = [["r": "AQAB", "d": "AQAB", "t": "AQAB"]]
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey(jwk: multiPrime) }

        var wrongD = good
        var d = try Base64URL.decode(try #require(good.d))
        d[d.count - 1] ^= 0x02
        wrongD.d = Base64URL.encode(d)
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey(jwk: wrongD) }

        #expect(throws: JOSEError.invalidKey(reason: ""), "a public JWK cannot sign") {
            try SigningKey(jwk: good.publicKey)
        }
    }

    // MARK: EC policy

    @Test("an EC point that is not on the curve is refused")
    func ecPointNotOnCurve() throws {
        let jwk = try SigningKey.generate(.ec(.p256)).publicJWK
        #expect(try VerificationKey(jwk: jwk).kind == .ec(.p256))
        var offCurve = jwk
        var y = try Base64URL.decode(try #require(jwk.y))
        y[y.count - 1] ^= 0x01
        offCurve.y = Base64URL.encode(y)
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: offCurve) }

        var zero = jwk
        zero.x = Base64URL.encode([UInt8](repeating: 0, count: 32))
        zero.y = zero.x
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: zero) }
    }

    @Test("EC coordinates and scalars of the wrong length are refused")
    func ecWrongLength() throws {
        let signing = try SigningKey.generate(.ec(.p256))
        let jwk = signing.publicJWK
        let x = try Base64URL.decode(try #require(jwk.x))
        let y = try Base64URL.decode(try #require(jwk.y))

        var short = jwk
        short.x = Base64URL.encode(x.dropFirst())
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: short) }

        var long = jwk
        long.y = Base64URL.encode([0] + y)
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: long) }

        var otherCurve = jwk
        otherCurve.curve = "P-384"
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: otherCurve) }

        var shortD = signing.privateJWK
        shortD.d = Base64URL.encode(try Base64URL.decode(try #require(shortD.d)).dropFirst())
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey(jwk: shortD) }

        // Split at the wrong place, 31 + 33 bytes still concatenate to the valid point 04 || x || y:
        // only the per-coordinate length check (RFC 7518 §6.2.1.2-3) catches it.
        var shifted = jwk
        shifted.x = Base64URL.encode(x.prefix(31))
        shifted.y = Base64URL.encode([x[31]] + y)
        let error = #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: shifted) }
        #expect(error?.reason.contains("32 bytes") == true)
    }

    @Test("an EC private JWK whose d does not match x and y is refused")
    func ecPrivateMismatch() throws {
        let a = try SigningKey.generate(.ec(.p256)).privateJWK
        let b = try SigningKey.generate(.ec(.p256)).privateJWK
        #expect(try SigningKey(jwk: a).kind == .ec(.p256))
        var mixed = a
        mixed.d = b.d
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey(jwk: mixed) }
    }

    @Test("unknown curves are refused (JWK and PEM)")
    func unknownCurve() {
        var jwk = JWK(keyType: "EC")
        jwk.curve = "secp256k1"
        jwk.x = Base64URL.encode([UInt8](repeating: 1, count: 32))
        jwk.y = jwk.x
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: jwk) }
        jwk.curve = nil
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: jwk) }
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(pem: UnitFixtures.secp256k1PublicPEM) }

        var okp = JWK(keyType: "OKP")
        okp.curve = "X25519"
        okp.x = Base64URL.encode([UInt8](repeating: 9, count: 32))
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: okp) }
    }

    @Test(
        "a key whose own alg does not fit its kind is refused",
        arguments: [
            ("EC-P256", "ES384"), ("EC-P256", "ES512"), ("EC-P256", "RS256"), ("EC-P256", "EdDSA"),
            ("Ed25519", "ES256"), ("RSA", "HS256"), ("RSA", "ES256"), ("RSA", "none"), ("RSA", "XS999"),
            ("oct", "RS256"), ("oct", "HS512"),
        ])
    func keyAlgorithmMustFit(kind: String, algorithm: String) throws {
        var jwk: JWK
        switch kind {
        case "EC-P256": jwk = try SigningKey.generate(.ec(.p256)).publicJWK
        case "Ed25519": jwk = try SigningKey.generate(.ed25519).publicJWK
        case "RSA": jwk = try UnitFixtures.rsaKey().publicJWK
        default:
            jwk = JWK(keyType: "oct")
            jwk.k = Base64URL.encode([UInt8](repeating: 3, count: 32))  // long enough for HS256 only
        }
        jwk.algorithm = JWSAlgorithm(rawValue: algorithm)
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: jwk) }
    }

    // MARK: Use and key_ops

    @Test("use other than sig, and key_ops without verify, are refused for verification")
    func useAndKeyOperations() throws {
        var jwk = try JWK(json: Self.rfcEC)
        #expect(jwk.use == "enc")
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: jwk) }
        jwk.use = "signature"
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: jwk) }
        jwk.use = nil

        for operations in [["encrypt"], ["sign"], [], ["wrapKey", "deriveKey"]] {
            jwk.keyOperations = operations
            #expect(throws: JOSEError.invalidKey(reason: ""), "key_ops \(operations)") {
                try VerificationKey(jwk: jwk)
            }
        }
        jwk.keyOperations = ["verify"]
        #expect(try VerificationKey(jwk: jwk).kind == .ec(.p256))
        jwk.keyOperations = ["sign", "verify"]
        #expect(try VerificationKey(jwk: jwk).kind == .ec(.p256))
    }

    @Test("use other than sig, and key_ops without sign, are refused for signing")
    func useAndKeyOperationsForSigning() throws {
        var jwk = try SigningKey.generate(.ec(.p256)).privateJWK
        jwk.use = "enc"
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey(jwk: jwk) }
        jwk.use = "sig"
        jwk.keyOperations = ["verify"]
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey(jwk: jwk) }
        jwk.keyOperations = ["sign"]
        #expect(try SigningKey(jwk: jwk).kind == .ec(.p256))
    }

    // MARK: oct policy

    @Test("an HMAC key shorter than 32 bytes, or empty, is refused")
    func hmacTooShort() {
        for count in [0, 1, 16, 31] {
            var jwk = JWK(keyType: "oct")
            jwk.k = Base64URL.encode([UInt8](repeating: 5, count: count))
            #expect(throws: JOSEError.invalidKey(reason: ""), "\(count) bytes") { try VerificationKey(jwk: jwk) }
            #expect(throws: JOSEError.invalidKey(reason: ""), "\(count) bytes") {
                try VerificationKey(hmacSecret: [UInt8](repeating: 5, count: count))
            }
        }
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey.generate(.hmac(bytes: 16)) }
    }

    @Test("key material that is not strict base64url is an invalid key")
    func keyMaterialNotBase64URL() {
        var jwk = JWK(keyType: "oct")
        jwk.k = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ+EstJQLr8="
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: jwk) }
        var okp = JWK(keyType: "OKP")
        okp.curve = "Ed25519"
        okp.x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: okp) }
    }

    // MARK: JWK Sets

    @Test("a JWK Set skips unknown kty, non-objects and unreadable entries, and lists them")
    func setSkipsUnusableEntries() throws {
        let ec = try SigningKey.generate(.ec(.p256), keyID: "good").publicJWK
        let json = """
            {"keys":[1,"x",null,[],{"kty":"XYZ","kid":"unknown-kty"},{"kid":"no-kty"},{"kty":"EC","kid":5},
            {"kty":"EC","crv":"P-256","kid":"enc-key","use":"enc","x":"\(ec.x ?? "")","y":"\(ec.y ?? "")"},
            \(ec.jsonText)]}
            """
        let set = try JWKSet(json: json)
        #expect(set.keys.count == 3)  // XYZ, enc-key, good: readable as JWKs
        #expect(set.skipped.count == 6)
        #expect(set.skipped.filter { $0.keyID == nil }.count == 5)
        #expect(set.skipped.contains { $0.keyID == "no-kty" })

        let (keys, skipped) = set.verificationKeys()
        #expect(keys.map(\.keyID) == ["good"])
        #expect(skipped.contains { $0.keyID == "unknown-kty" && $0.reason.contains("XYZ") })
        #expect(skipped.contains { $0.keyID == "enc-key" })
        #expect(skipped.count == 8)

        let verifier = try JWSVerifier(keySet: set)
        #expect(verifier.keys.count == 1)
        #expect(verifier.skippedKeys.contains { $0.keyID == "unknown-kty" })
    }

    @Test("a JWK Set with more than JWKSet.maxKeys entries is refused; exactly the maximum is read")
    func setTooLarge() throws {
        func set(_ count: Int) -> String {
            "{\"keys\":[" + Array(repeating: #"{"kty":"oct"}"#, count: count).joined(separator: ",") + "]}"
        }
        #expect(try JWKSet(json: set(JWKSet.maxKeys)).keys.count == JWKSet.maxKeys)
        #expect(throws: JOSEError.limitExceeded(reason: "")) { try JWKSet(json: set(JWKSet.maxKeys + 1)) }
    }

    @Test(
        "a document that is not a JWK Set is malformed JSON",
        arguments: ["{}", #"{"keys":{}}"#, #"{"keys":"x"}"#, "[]", #"{"keys":[],"keys":[]}"#, "{"])
    func notASet(json: String) {
        #expect(throws: JOSEError.malformedJSON(reason: "")) { try JWKSet(json: json) }
    }

    @Test("a JWK Set round-trips through JSON")
    func setRoundTrip() throws {
        let set = JWKSet(keys: [try JWK(json: Self.rfcRSA), try JWK(json: Self.rfcOKP)])
        let again = try JWKSet(json: set.jsonText)
        #expect(again.keys == set.keys)
        #expect(again.skipped.isEmpty)
    }

    // MARK: Thumbprints

    @Test("RFC 7638 §3.1 thumbprint of the RFC 7517 RSA key")
    func thumbprintRSA() throws {
        let jwk = try JWK(json: Self.rfcRSA)
        #expect(try jwk.thumbprint() == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        // Optional members do not change it.
        var renamed = jwk
        renamed.keyID = "other"
        renamed.algorithm = .ps256
        renamed.use = "sig"
        #expect(try renamed.thumbprint() == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        #expect(
            String(decoding: try jwk.thumbprintInput(), as: UTF8.self).hasPrefix(#"{"e":"AQAB","kty":"RSA","n":"0vx7"#))
    }

    @Test("RFC 8037 §A.3 thumbprint of the Ed25519 key")
    func thumbprintOKP() throws {
        #expect(try JWK(json: Self.rfcOKP).thumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    }

    @Test("a thumbprint needs a known kty and its required members")
    func thumbprintErrors() throws {
        #expect(throws: JOSEError.invalidKey(reason: "")) { try JWK(keyType: "XYZ").thumbprint() }
        var jwk = try JWK(json: Self.rfcRSA)
        jwk.e = nil
        #expect(throws: JOSEError.invalidKey(reason: "")) { try jwk.thumbprint() }
    }

    // MARK: PEM and DER

    @Test("public SPKI PEM imports as a verification key of the right kind")
    func publicPEM() throws {
        #expect(try VerificationKey(pem: UnitFixtures.rsaPublicPEM).kind == .rsa(bits: 2048))
        #expect(try VerificationKey(pem: UnitFixtures.ecPublicPEM).kind == .ec(.p256))
        #expect(try VerificationKey(pem: UnitFixtures.ed25519PublicPEM).kind == .ed25519)
        let restricted = try VerificationKey(pem: UnitFixtures.rsaPublicPEM, keyID: "k", algorithm: .ps256)
        #expect(restricted.algorithms == [.ps256])
        #expect(restricted.keyID == "k")
        #expect(restricted.jwk.keyID == "k")
    }

    @Test("PKCS#8 and SEC 1 EC PRIVATE KEY PEM import as the same signing key")
    func privatePEM() throws {
        let sec1 = try SigningKey(pem: UnitFixtures.ecSEC1PEM)
        let pkcs8 = try SigningKey(pem: UnitFixtures.ecPKCS8PEM)
        #expect(sec1.kind == .ec(.p256))
        #expect(sec1.publicJWK == pkcs8.publicJWK)
        let verifier = try JWSVerifier(keys: [try VerificationKey(pem: UnitFixtures.ecPublicPEM)])
        for key in [sec1, pkcs8] {
            let token = try JWSSigner(key: key).sign(payload: Array("pem".utf8))
            #expect(try verifier.verify(token).payload == Array("pem".utf8))
        }

        let ed = try SigningKey(pem: UnitFixtures.ed25519PrivatePEM)
        let edToken = try JWSSigner(key: ed).sign(payload: [1])
        #expect(
            try JWSVerifier(keys: [try VerificationKey(pem: UnitFixtures.ed25519PublicPEM)]).verify(edToken).payload
                == [1])

        let rsa = try UnitFixtures.rsaKey()
        #expect(rsa.kind == .rsa(bits: 2048))
        #expect(rsa.publicJWK == (try VerificationKey(pem: UnitFixtures.rsaPublicPEM, keyID: "rsa-1")).jwk)

        let der = try UnitFixtures.der(fromPEM: UnitFixtures.ecPKCS8PEM)
        #expect(try SigningKey(pkcs8: der).publicJWK == sec1.publicJWK)
    }

    @Test("a PEM of the wrong kind, encrypted, truncated or garbled is refused")
    func badPEM() {
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(pem: UnitFixtures.ecPKCS8PEM) }
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(pem: UnitFixtures.ecSEC1PEM) }
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey(pem: UnitFixtures.ecPublicPEM) }
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(pem: "not a key") }
        #expect(throws: JOSEError.invalidKey(reason: "")) {
            try SigningKey(pem: "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n")
        }
        let truncated = String(UnitFixtures.ecPublicPEM.prefix(60)) + "\n-----END PUBLIC KEY-----\n"
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(pem: truncated) }
        let garbled = UnitFixtures.ecPublicPEM.replacingOccurrences(of: "MFkw", with: "MFk!")
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(pem: garbled) }
    }

    @Test("DER SubjectPublicKeyInfo imports; trailing or missing bytes are refused")
    func derSPKI() throws {
        let der = try UnitFixtures.der(fromPEM: UnitFixtures.ecPublicPEM)
        let key = try VerificationKey(subjectPublicKeyInfo: der)
        #expect(key.jwk == (try VerificationKey(pem: UnitFixtures.ecPublicPEM)).jwk)
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(subjectPublicKeyInfo: der + [0]) }
        #expect(throws: JOSEError.invalidKey(reason: "")) {
            try VerificationKey(subjectPublicKeyInfo: Array(der.dropLast()))
        }
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(subjectPublicKeyInfo: []) }
        #expect(
            try VerificationKey(subjectPublicKeyInfo: try UnitFixtures.der(fromPEM: UnitFixtures.rsaPublicPEM)).kind
                == .rsa(bits: 2048))
    }

    // MARK: Public parts

    @Test("publicJWK of a signing key carries no private members")
    func publicJWKHasNoPrivateMembers() throws {
        let keys = [
            try UnitFixtures.rsaKey(), try SigningKey.generate(.ec(.p384)), try SigningKey.generate(.ed25519),
            try SigningKey.generate(.hmac(bytes: 32)),
        ]
        for key in keys {
            #expect(key.privateJWK.isPrivate)
            let jwk = key.publicJWK
            #expect(!jwk.isPrivate)
            #expect([jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi, jwk.k].allSatisfy { $0 == nil })
            for member in ["d", "p", "q", "dp", "dq", "qi", "k", "oth"] {
                #expect(jwk.jsonObject[member] == nil, "\(key.kind) public JWK has \(member)")
            }
            #expect(key.verificationKey.jwk.isPrivate == false)
        }
        // A verification key built from a private JWK keeps only the public part.
        let fromPrivate = try VerificationKey(jwk: try SigningKey.generate(.ec(.p256)).privateJWK)
        #expect(fromPrivate.jwk.d == nil)
    }

    @Test("JWK.publicKey drops private members, oth, and the sign operation")
    func jwkPublicKey() throws {
        var jwk = try UnitFixtures.rsaKey().privateJWK
        jwk.otherMembers["oth"] = []
        jwk.keyOperations = ["sign", "verify"]
        let publicJWK = jwk.publicKey
        #expect(!publicJWK.isPrivate)
        #expect(publicJWK.otherMembers["oth"] == nil)
        #expect(publicJWK.keyOperations == ["verify"])
        #expect(publicJWK.n == jwk.n)
    }

    @Test("an Ed25519 private JWK whose x does not match d is refused")
    func ed25519Mismatch() throws {
        let a = try SigningKey.generate(.ed25519).privateJWK
        let b = try SigningKey.generate(.ed25519).privateJWK
        #expect(try SigningKey(jwk: a).kind == .ed25519)
        var mixed = a
        mixed.x = b.x
        let error = #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey(jwk: mixed) }
        #expect(error?.reason.contains("does not match") == true)

        var shortSeed = a
        shortSeed.d = Base64URL.encode([UInt8](repeating: 1, count: 31))
        #expect(throws: JOSEError.invalidKey(reason: "")) { try SigningKey(jwk: shortSeed) }
        var shortX = a.publicKey
        shortX.x = Base64URL.encode([UInt8](repeating: 1, count: 31))
        #expect(throws: JOSEError.invalidKey(reason: "")) { try VerificationKey(jwk: shortX) }
    }

    @Test("a private JWK round-trips into a signing key that verifies against the original")
    func privateJWKRoundTrip() throws {
        for kind in [SigningKey.GeneratedKind.ec(.p521), .ed25519, .hmac(bytes: 48)] {
            let original = try SigningKey.generate(kind, keyID: "k")
            let restored = try SigningKey(jwk: try JWK(json: original.privateJWK.jsonText))
            #expect(restored.keyID == "k")
            let token = try JWSSigner(key: restored).sign(payload: [42])
            #expect(try JWSVerifier(keys: [original.verificationKey]).verify(token).payload == [42])
        }
    }

    @Test("signing keys and private JWKs never show their private members when printed", arguments: [
        SigningKey.GeneratedKind.hmac(bytes: 32), .ec(.p256), .ed25519,
    ])
    func privateMaterialIsRedacted(_ kind: SigningKey.GeneratedKind) throws {
        let key = try SigningKey.generate(kind, keyID: "k1")
        let jwk = key.privateJWK
        let secrets = [jwk.d, jwk.k, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].compactMap { $0 }
        #expect(!secrets.isEmpty)
        let texts = [
            String(describing: key), String(reflecting: key), "\(key)", String(describing: jwk), String(reflecting: jwk),
        ]
        for text in texts {
            for secret in secrets { #expect(!text.contains(secret), "\(text)") }
        }
        #expect(String(describing: key).contains("k1"))
    }
}
