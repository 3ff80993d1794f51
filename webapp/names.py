"""What a measure's status and the steps of its spread are called, one message each, for the
pages, the notes on a query, the exports and the feed."""

from __future__ import annotations

from flask_babel import lazy_gettext

STATUS_NAMES = {"piloted": lazy_gettext("piloted"), "replicated": lazy_gettext("replicated"),
                "nationwide": lazy_gettext("nationwide")}
# What each step of a measure's lineage means, as the measure page says it
SCOPE_NAMES = {
    "province": lazy_gettext("Replicated across its province"),
    # a province-wide step of Beijing, Tianjin, Shanghai or Chongqing (本市, docs/style-zh.md)
    "municipality": lazy_gettext("Replicated across its municipality"),
    "national": lazy_gettext("Replicated nationwide"),
    "best-practice-case": lazy_gettext("Listed by MOFCOM as a best-practice case"),
}
