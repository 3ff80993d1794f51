"""The words a record's lineage is found by: its scopes and batches, in English and Chinese.

A lineage step is data (`scope: national`, `batch: state-council-4`); a user searches for it in
words: "replicated nationwide", 全国复制推广, "best practice cases 6th batch", 第四批. These
words are indexed with the record (schema.measure_document), so that such searches find the
records whose lineage says so, not only those whose prose happens to.
"""

from __future__ import annotations

from indexer.records.model import ISSUERS, batch_of_id

# Each scope in the words people use for it, in both languages.
SCOPE_WORDS = {
    "province": "replicated province-wide 省内复制推广",
    "national": "replicated nationwide 全国复制推广",
    "best-practice-case": "best practice case 最佳实践案例",
}
_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
             "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
             "nineteenth twentieth").split()
_CHINESE_NUMBERS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals (第四批, 第十二批)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CHINESE_NUMBERS[tens - 1] + "十")
    return head + (_CHINESE_NUMBERS[ones - 1] if ones else "")


def ordinal(n: int) -> str:
    """4 -> "4th"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def batch_words(batch: str) -> str:
    """A batch by the words people use for it, from its id (register.py: the id names the
    issuer and the number): "state-council-4" -> "State Council 国务院 4th batch fourth
    batch 第四批"."""
    named = batch_of_id(batch)
    if named is None:
        return batch
    issuer, n = named
    words = [ISSUERS[issuer]["name"], ISSUERS[issuer]["name_zh"], f"{ordinal(n)} batch"]
    if n <= len(_ORDINALS):
        words.append(f"{_ORDINALS[n - 1]} batch")
    words.append(f"第{chinese_number(n)}批")
    return " ".join(words)


def lineage_words(lineage) -> str:
    """The searchable words of a measure's lineage steps (model.LineageStep)."""
    parts = []
    for step in lineage:
        parts.append(SCOPE_WORDS.get(step.scope, step.scope))
        if step.batch:
            parts.append(batch_words(step.batch))
    return "\n".join(parts)
