// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import PKCE

/// The pages the loopback listener shows: no external resources, a strict Content-Security-Policy.
enum LoopbackPage {
    /// The fragment relay: posts `location.hash`'s parameters to the same path as a form.
    static func fragmentRelay() -> (HTTPResponse, [UInt8]) {
        let nonce = (try? RandomString.make(byteCount: 18)) ?? "relay"
        let script = """
            const params = new URLSearchParams(location.hash.slice(1));
            if ([...params.keys()].length === 0) {
              document.getElementById('status').textContent = 'No authorization response in this URL.';
            } else {
              const form = document.createElement('form');
              form.method = 'POST';
              form.action = location.pathname;
              for (const [name, value] of params) {
                const input = document.createElement('input');
                input.type = 'hidden'; input.name = name; input.value = value;
                form.appendChild(input);
              }
              document.body.appendChild(form);
              history.replaceState(null, '', location.pathname);
              form.submit();
            }
            """
        let html = """
            <!doctype html><html><head><meta charset="utf-8"><title>Signing in…</title></head>
            <body><p id="status">Completing sign-in…</p><script nonce="\(nonce)">\(script)</script></body></html>
            """
        return self.page(
            html, status: .ok,
            policy: "default-src 'none'; script-src 'nonce-\(nonce)'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    }

    /// The final page: success, or the failed check.
    static func outcome(success: Bool, message: String, status: HTTPResponse.Status) -> (HTTPResponse, [UInt8]) {
        let title = success ? "Signed in" : "Sign-in failed"
        let html = """
            <!doctype html><html><head><meta charset="utf-8"><title>\(title)</title></head>
            <body><h1>\(title)</h1><p>\(self.escape(message))</p><p>You may close this tab.</p></body></html>
            """
        return self.page(html, status: status, policy: "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'")
    }

    static func notFound() -> (HTTPResponse, [UInt8]) {
        self.page("<!doctype html><title>Not found</title>", status: .notFound, policy: "default-src 'none'")
    }

    private static func page(_ html: String, status: HTTPResponse.Status, policy: String) -> (HTTPResponse, [UInt8]) {
        var fields = HTTPFields()
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.contentSecurityPolicy] = policy
        fields[.cacheControl] = "no-store"
        fields[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return (HTTPResponse(status: status, headerFields: fields), Array(html.utf8))
    }

    /// Escapes per Unicode scalar: a `Character` loop would miss a `<` inside a grapheme cluster
    /// (`"\u{600}<"` is one `Character`, and not equal to `"<"`).
    static func escape(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "&": output += "&amp;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
