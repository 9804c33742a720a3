"""The dashboard's session cookie: its name and attributes, and reading, setting and dropping it.

The cookie is ``Secure`` as ``SERVIO_COOKIE_SECURE`` says (``Settings.cookie_policy``): ``always``,
``never``, or ``auto``, when the request came over HTTPS (served directly, or from a proxy in
``SERVIO_TRUSTED_PROXIES`` that sends ``X-Forwarded-Proto: https``: uvicorn then sets the request's
scheme). An app without service settings (a dashboard mounted in an app of one's own) uses ``auto``.

A Secure cookie is named with the ``__Host-`` prefix (:data:`SECURE_NAME`): a browser keeps a cookie of
that name only when it comes over HTTPS, Secure, with ``Path=/`` and no ``Domain``, so neither a plain
HTTP page nor a sibling subdomain can put one of its own in its place (cookie tossing: signing someone in
as the attacker). So only the name in use is read: a cookie of the other name (from before an upgrade,
or from before the setting changed) leads to the sign-in page, and signing in or out drops it.

A browser does not keep a Secure cookie that a plain-HTTP page sets. When the cookie is Secure but the
request came as plain HTTP (a TLS proxy servio is not told about, or really plain HTTP), signing in also
sets a short-lived plain cookie, :data:`CHECK_NAME`: a sign-in page that gets that one without the session
cookie knows the browser dropped the session cookie, and says why (:func:`dropped`) instead of asking
for the token again and again.
"""

from __future__ import annotations

from fastapi import Request, Response

#: The session cookie's name when it is not Secure (the name is older than the sessions it holds now).
NAME = "servio_token"
#: The session cookie's name when it is Secure.
SECURE_NAME = "__Host-" + NAME
#: The plain cookie a sign-in sets beside a Secure session cookie when the request came as plain HTTP.
CHECK_NAME = "servio_cookie_check"
#: How long the check cookie lasts (the redirect after signing in comes at once).
CHECK_SECONDS = 120


def policy(request: Request) -> str:
    """``always``, ``never`` or ``auto``: the app's ``settings.cookie_policy``, else ``auto``."""
    settings = getattr(request.app.state, "settings", None)
    return str(getattr(settings, "cookie_policy", "auto"))


def is_secure(request: Request) -> bool:
    """Whether the session cookie set in answer to ``request`` is Secure (and named :data:`SECURE_NAME`)."""
    chosen = policy(request)
    return chosen == "always" or (chosen == "auto" and request.url.scheme == "https")


def name(request: Request) -> str:
    """The name of the session cookie in use for ``request``."""
    return SECURE_NAME if is_secure(request) else NAME


def session(request: Request) -> str | None:
    """The session the request's cookie of the name in use holds (None: none)."""
    return request.cookies.get(name(request)) or None


def stale(request: Request) -> list[str]:
    """The sessions of cookies of the other name the request carries (not read; ended when signing in
    or out)."""
    other = NAME if is_secure(request) else SECURE_NAME
    value = request.cookies.get(other)
    return [value] if value else []


def set_session(response: Response, request: Request, value: str, max_age: int) -> None:
    """Put the session ``value`` in the cookie of the name in use; drop the other name's and, unless it is
    needed again, the check cookie."""
    secure = is_secure(request)
    response.set_cookie(name(request), value, max_age=max_age, path="/", httponly=True, samesite="strict",
                        secure=secure)
    _drop_other(response, request)
    if secure and request.url.scheme != "https":
        response.set_cookie(CHECK_NAME, "1", max_age=CHECK_SECONDS, path="/", httponly=True,
                            samesite="strict")
    elif CHECK_NAME in request.cookies:
        _drop(response, CHECK_NAME)


def drop(response: Response, request: Request) -> None:
    """Sign out in the browser: drop the session cookie of the name in use, the other name's and the check
    cookie."""
    _drop(response, name(request))
    _drop_other(response, request)
    if CHECK_NAME in request.cookies:
        _drop(response, CHECK_NAME)


def dropped(request: Request) -> bool:
    """Whether the browser kept a sign-in's check cookie but not its Secure session cookie: it reached
    servio over plain HTTP, where browsers do not keep a Secure cookie."""
    return CHECK_NAME in request.cookies and name(request) not in request.cookies and is_secure(request)


def forget_check(response: Response) -> None:
    """Drop the check cookie (after the sign-in page has said what happened)."""
    _drop(response, CHECK_NAME)


def _drop_other(response: Response, request: Request) -> None:
    other = NAME if is_secure(request) else SECURE_NAME
    if other in request.cookies:
        _drop(response, other)


def _drop(response: Response, cookie: str) -> None:
    # a browser takes a __Host- cookie, its deletion included, only when it is Secure
    response.delete_cookie(cookie, path="/", secure=cookie.startswith("__Host-"), httponly=True,
                           samesite="strict")
