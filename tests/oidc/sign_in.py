#!/usr/bin/python3
"""Signs a user in at an OpenID Connect provider as the office pages do: the authorization code
flow with PKCE (S256), the provider's own login form filled in, the code exchanged for tokens.
Prints the token response (JSON) on one line.

    tests/oidc/sign_in.py ISSUER CLIENT_ID REDIRECT_URI USER PASSWORD
"""
import base64
import hashlib
import html.parser
import http.cookiejar
import json
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request


class Form(html.parser.HTMLParser):
    """The login form's action and fields."""

    def __init__(self):
        super().__init__()
        self.action, self.fields, self.inside = None, {}, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.action is None:
            self.action, self.inside = a.get("action", ""), True
        elif tag == "input" and self.inside and a.get("name") and a.get("type") != "checkbox":
            self.fields[a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


class StopAtRedirectUri(urllib.request.HTTPRedirectHandler):
    def __init__(self, redirect_uri):
        self.redirect_uri = redirect_uri

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if newurl.startswith(self.redirect_uri):
            raise urllib.error.HTTPError(newurl, code, "reached the redirect URI", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def main(issuer, client_id, redirect_uri, user, password):
    discovery = json.load(urllib.request.urlopen(issuer + "/.well-known/openid-configuration"))
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(16)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                         StopAtRedirectUri(redirect_uri))
    authorize = discovery["authorization_endpoint"] + "?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
        "scope": "openid mobility", "state": state, "code_challenge": challenge,
        "code_challenge_method": "S256"})
    page = opener.open(authorize)
    form = Form()
    form.feed(page.read().decode())
    form.fields.update({"user": user, "password": password})
    action = urllib.parse.urljoin(page.geturl(), form.action or "#").split("#")[0]
    try:
        opener.open(action, urllib.parse.urlencode(form.fields).encode())
        sys.exit("sign_in.py: the provider did not send the browser back (wrong password?)")
    except urllib.error.HTTPError as back:
        if not back.url.startswith(redirect_uri):
            raise
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(back.url).query)
    if query.get("state") != [state] or "code" not in query:
        sys.exit(f"sign_in.py: no code for this state: {query}")
    tokens = urllib.request.urlopen(discovery["token_endpoint"], urllib.parse.urlencode({
        "grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": redirect_uri,
        "client_id": client_id, "code_verifier": verifier}).encode())
    print(json.dumps(json.load(tokens), separators=(",", ":")))


if __name__ == "__main__":
    main(*sys.argv[1:6])
