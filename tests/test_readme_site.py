"""The README's site sections stay honest: every API route is in the JSON API table, the
picture it shows exists, and every configuration key of the app is named, in the README and
explained in docs/deploy.md."""

from __future__ import annotations

import re

from tests.conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")
DEPLOY_DOC = (PROJECT / "docs" / "deploy.md").read_text(encoding="utf-8")


def test_every_api_route_is_in_the_readme(app):
    routes = {re.sub(r"<id:\w+>", "<id>", rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/")}
    documented = set(re.findall(r"^\| `GET (/api/\S+)` \|", README, re.M))
    assert routes == documented


def test_the_readme_shows_the_home_page():
    picture = re.search(r"!\[[^\]]+\]\((docs/[\w.-]+\.png)\)", README).group(1)
    assert (PROJECT / picture).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_every_config_key_of_the_app_is_in_the_readme(app):
    from webapp import create_app

    from flask import Flask

    defaults = create_app({"BUILD_IF_MISSING": True}).config
    # The app's own keys: whatever it sets beyond Flask's defaults and its extensions' keys
    # (Babel's), found from the app itself, so a new key cannot slip past the README.
    ours = {key for key in defaults if key not in Flask.default_config
            and not key.startswith(("BABEL_", "TESTING"))}
    assert {"MEASURES_DIR", "INDEX_DIR", "BUILD_IF_MISSING"} <= ours
    missing = sorted(key for key in ours if f"`{key}`" not in README)
    assert not missing, f"configuration keys the README does not name: {missing}"
    unexplained = sorted(key for key in ours if f"`{key}`" not in DEPLOY_DOC)
    assert not unexplained, f"configuration keys docs/deploy.md does not explain: {unexplained}"
