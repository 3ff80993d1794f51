"""A facet panel lists at most PANEL_CAP values (the selected ones always), then a link that
lists them all (expand=<facet key>), a plain link that works without JavaScript, in both
languages. On the shipped records the zone panel has 22 values and the year panel 13."""

from __future__ import annotations

import re
from html import unescape

import pytest

from webapp.facets import PANEL_CAP


def panels(html: str) -> dict[str, list[tuple[str, str]]]:
    """Each panel's shown values as (value id, href), by facet key."""
    out: dict[str, list[tuple[str, str]]] = {}
    for href, key in re.findall(r'<a href="([^"]+)" data-facet="([^"]+)"', html):
        href = unescape(href)
        value = re.findall(rf"[?&]{key}=([^&]+)", href)
        out.setdefault(key, []).append((value, href))
    return out


def more_link(html: str, key: str) -> tuple[str, str] | None:
    found = re.search(rf'<a href="([^"]+)" data-facet-more="{key}">([^<]+)</a>', html)
    return (unescape(found.group(1)), found.group(2)) if found else None


def counts(html: str, key: str) -> dict[str, int]:
    """The count beside each shown value of a panel (by the value its link toggles)."""
    items = re.findall(rf'<a href="([^"]+)" data-facet="{key}".*?<span class="count">(\d+)</span>',
                       html, re.S)
    return {panel_value(unescape(href), key): int(n) for href, n in items}


def panel_value(href: str, key: str) -> str:
    return re.findall(rf"[?&]{key}=([^&]+)", href)[-1]


@pytest.fixture(scope="module")
def whole(shipped_client):
    return shipped_client.get("/search").get_data(as_text=True)


def test_a_long_panel_shows_the_cap_and_a_link_to_all(shipped_client, whole):
    shown = panels(whole)
    assert len(shown["zone"]) == PANEL_CAP and len(shown["year"]) == PANEL_CAP
    assert len(shown["pillar"]) == 4 and more_link(whole, "pillar") is None  # short: whole
    href, text = more_link(whole, "zone")
    assert "expand=zone" in href and text == "Show all 22"
    expanded = shipped_client.get(href)  # a plain GET: no JavaScript needed
    assert expanded.status_code == 200
    html = expanded.get_data(as_text=True)
    assert len(panels(html)["zone"]) == 22 and len(panels(html)["year"]) == PANEL_CAP
    back, text = more_link(html, "zone")
    assert text == "Show fewer" and "expand" not in back
    assert len(panels(shipped_client.get(back).get_data(as_text=True))["zone"]) == PANEL_CAP


def test_the_cap_keeps_the_commonest_values(shipped_client, whole):
    html = shipped_client.get("/search?expand=zone").get_data(as_text=True)
    every = counts(html, "zone")
    shown = {v[-1] for v, _ in panels(whole)["zone"]}
    assert len(every) == 22 and len(shown) == PANEL_CAP
    assert min(every[z] for z in shown) >= max(every[z] for z in set(every) - shown)


def test_selected_values_are_never_hidden(shipped_client, whole):
    html = shipped_client.get("/search?expand=zone").get_data(as_text=True)
    hidden = {v[-1] for v, _ in panels(html)["zone"]} - {v[-1] for v, _ in panels(whole)["zone"]}
    assert hidden
    for zone in sorted(hidden):
        page = shipped_client.get(f"/search?zone={zone}").get_data(as_text=True)
        selected = re.findall(r'<li class="selected">\s*<a href="[^"]+" data-facet="zone"', page)
        assert len(selected) == 1, zone
        assert len(panels(page)["zone"]) <= PANEL_CAP + 1
    # more selected than the cap: every one shown
    many = "&".join(f"zone={z}" for z in sorted({v[-1] for v, _ in panels(html)["zone"]})[:14])
    page = shipped_client.get(f"/search?{many}").get_data(as_text=True)
    assert len(re.findall(r'<li class="selected">\s*<a href="[^"]+" data-facet="zone"', page)) == 14


def test_an_expanded_panel_stays_expanded_as_the_search_changes(shipped_client):
    html = shipped_client.get("/search?expand=zone").get_data(as_text=True)
    href = panels(html)["pillar"][0][1]
    assert "expand=zone" in href
    assert len(panels(shipped_client.get(href).get_data(as_text=True))["zone"]) > PANEL_CAP


def test_the_link_in_chinese(shipped_client):
    html = shipped_client.get("/zh/search").get_data(as_text=True)
    href, text = more_link(html, "zone")
    assert text == "显示全部22项" and href.startswith("/zh/search?")
    html = shipped_client.get(href).get_data(as_text=True)
    assert more_link(html, "zone")[1] == "收起"


@pytest.mark.parametrize("expand", ["nothing", "<b>", "zone&expand=zone", ""])
def test_an_unknown_panel_to_expand_is_left_out(shipped_client, expand):
    response = shipped_client.get(f"/search?expand={expand}")
    assert response.status_code == 200
    links = [href for shown in panels(response.get_data(as_text=True)).values()
             for _, href in shown]
    assert links and not any("expand=nothing" in h or "expand=%3C" in h for h in links)
