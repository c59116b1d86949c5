// SPDX-License-Identifier: Apache-2.0

/// The auto-submitting page of the Form Post Response Mode (§2 and its example in §5).
enum FormPostPage {
    /// A page that POSTs `parameters` to `action` when it loads (with a button for browsers without script).
    static func render(action: String, parameters: [(String, String)]) -> String {
        var page = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>Submit this form</title></head>
            <body onload="document.forms[0].submit()">
            <form method="post" action="\(HTMLText.escape(action))">

            """
        for (name, value) in parameters {
            page += "<input type=\"hidden\" name=\"\(HTMLText.escape(name))\" value=\"\(HTMLText.escape(value))\"/>\n"
        }
        page += """
            <noscript><button type="submit">Continue</button></noscript>
            </form>
            </body></html>

            """
        return page
    }
}
