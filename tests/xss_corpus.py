"""XSS payloads every member-writable field is tested against.

Render a field holding each payload and pass the field's HTML to ``surviving_markers``: anything
it reports is an executable construct that reached the browser.
"""

from html.parser import HTMLParser

PAYLOADS: list[str] = [
    "<script>alert('xss-script')</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<img src=x onerror=\"alert('xss-onerror')\">",
    "<a href=\"javascript:alert('xss-js-url')\">click</a>",
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data url</a>',
    "<svg onload=alert('xss-svg')><circle r=1 /></svg>",
    "<svg><script>alert('xss-svg-script')</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<div style="background:url(javascript:alert(1))">css</div>',
    "<style>body{background:url('javascript:alert(1)')}</style>",
    '<p style="expression(alert(1))">ie css</p>',
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example/"><input name=x><button>go</button></form>',
    '<body onload=alert("xss-body")>',
    '<details open ontoggle=alert("xss-toggle")>',
    '"><script>alert("xss-break-out")</script>',
    "'><img src=x onerror=alert('xss-attr')>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<a href="https://example.org/" onclick="alert(1)">handler on a good link</a>',
    "[markdown link](javascript:alert('xss-md'))",
    "![markdown image](x\" onerror=\"alert('xss-md-img'))",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('xss-noscript')>\">",
]

# Elements that must never come out of member-written content.
FORBIDDEN_TAGS = frozenset(
    {
        "script",
        "style",
        "svg",
        "math",
        "iframe",
        "frame",
        "object",
        "embed",
        "form",
        "input",
        "button",
        "meta",
        "base",
        "link",
        "img",
        "body",
        "noscript",
        "template",
    }
)
UNSAFE_URL_PREFIXES = ("javascript:", "vbscript:", "data:")


class _MarkupAudit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                self.problems.append(f"<{tag} {name}=>")
            url = "".join((value or "").split()).lower()
            if name in {"href", "src", "action", "xlink:href"} and url.startswith(UNSAFE_URL_PREFIXES):
                self.problems.append(f"<{tag} {name}={url[:20]}>")

    handle_startendtag = handle_starttag


def surviving_markers(rendered: str) -> list[str]:
    """The dangerous elements, attributes and URLs in an HTML fragment (empty when it is safe).

    The fragment is parsed as a browser would tokenise it, so a payload that was escaped into
    visible text (``&lt;script&gt;``) is safe, while any real tag, event handler, style attribute
    or script URL is reported.
    """
    audit = _MarkupAudit()
    audit.feed(rendered)
    audit.close()
    return audit.problems
