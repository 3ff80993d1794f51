"""Markdown from records (and anything else user-editable) to HTML that is safe to serve."""

from __future__ import annotations

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "strong", "em", "a", "code", "pre", "blockquote",
    "h2", "h3", "h4", "hr",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    # a name or phrase quoted in another language inside a record's text, marked as such
    # (docs/style-zh.md): <span lang="en">Li Zigen</span>
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    "span": {"lang"},
}
# Relative URLs are kept by nh3; anything with a scheme must be one of these.
URL_SCHEMES = {"http", "https"}
# Dropped with their content, not just unwrapped: their text is never meant to be read.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "form", "textarea",
                        "select", "noscript", "template", "svg", "math"}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text: str | None) -> Markup:
    """Record body Markdown -> sanitized HTML, ready for a template or the API's body_html."""
    html = markdown.markdown(
        text or "",
        extensions=["tables", "sane_lists"],
        # align="..." rather than style="...": the CSP forbids inline styles
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    return Markup(sanitize_html(html))
