"""Response headers that keep a page from doing more than showing results, and debug off.

The site is meant for an intranet where anyone may probe it, so the browser is
told to run only the site's own script and style files (no inline code, so
markup that slipped past escaping still could not run), never to guess a
content type, never to show the site inside another site's frame, and never to
send a search (which may itself be sensitive) to another origin as a referrer.
"""

HEADERS = {
    "Content-Security-Policy": "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )),
    "X-Content-Type-Options": "nosniff",
    # For browsers too old for frame-ancestors.
    "X-Frame-Options": "DENY",
    # Referrers still flow between the site's own pages (e.g. to a proxy's log), never elsewhere.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


#: For a notice's original file: were a browser to show it, a sandbox that runs nothing and loads nothing.
ORIGINAL_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


def add_headers(response):
    """Give every response, error pages and static files included, the headers above."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def register(app):
    """Add the headers to every response and switch debug mode off.

    Flask turns debug on when FLASK_DEBUG is set in the environment; on a
    server that would re-raise errors the handlers miss instead of answering
    with the error page, and re-read templates from disk, so the environment
    may not do that here.
    """
    app.debug = False
    app.after_request(add_headers)
