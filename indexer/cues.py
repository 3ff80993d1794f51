"""The grammar the drafter reads a briefing with: which words act, plan, count or say little.

These are words of the language, not of the policy domain: what counts as a zone comes from
zones.yaml and places.yaml, and what marks a pillar is learned from the records.
"""

from __future__ import annotations

import re

# Verbs by what they say a zone did. "make" verbs have the measure as their object
# ("introduced a notification system"); "change" verbs change something that existed
# ("expanded the coverage of ..."), so the title keeps the verb; "weak" verbs act only with
# a concrete object ("promotes innovations such as the ..."); "stat" verbs report figures.
MAKE = """implement introduce launch establish set-up explore carry-out deploy pilot open create
issue adopt build roll-out unveil formulate publish institute trial put-in-place
put-into-operation inaugurate initiate innovate offer provide release start
""".split()
CHANGE = """expand extend cut reduce shorten simplify streamline allow permit enable lower ease
relax remove abolish waive exempt speed-up accelerate upgrade integrate connect link attract
complete realize realise grant recognize recognise merge replace raise digitize sign""".split()
WEAK = """promote support facilitate strengthen deepen optimize optimise improve cultivate
encourage develop cooperate""".split()
STAT = """reach rise grow increase decrease decline fall drop account total exceed surpass hit
double triple amount register see""".split()

# verbs that report a result when their object is an amount ("attracted foreign investment
# of 20 billion yuan", "signed 50 projects worth 30 billion yuan")
RESULT = {"attract", "sign", "complete", "realize", "realise"}
AMOUNT = re.compile(r"\d[\d,.]*\s*(?:%|per\s?cent|(?:(?:million|billion|trillion)\s+)?"
                    r"(?:yuan|RMB|US\s+dollars|dollars|euros))", re.I)

IRREGULAR = {"set": ["set"], "build": ["built"], "put": ["put"], "cut": ["cut"],
             "hit": ["hit"], "rise": ["rose", "risen"], "grow": ["grew", "grown"],
             "fall": ["fell", "fallen"], "see": ["saw", "seen"], "begin": ["began", "begun"],
             "undertake": ["undertook", "undertaken"], "lead": ["led"]}

AUX_BE = {"is", "are", "was", "were", "be", "been", "being"}
MODAL_PLAN = re.compile(
    r"\b(?:will|shall|plans?\s+to|planning\s+to|is\s+going\s+to|are\s+going\s+to|aims?\s+to|"
    r"intends?\s+to|is\s+expected\s+to|are\s+expected\s+to|next\s+step|going\s+forward|"
    r"in\s+the\s+next\s+stage)\b", re.I)
DETERMINERS = {"a", "an", "the", "this", "that", "its", "their", "our", "of", "his", "her",
               "these", "those", "such", "each", "every", "any", "some", "no"}
FUNCTION_WORDS = {"and", "or", "for", "with", "from", "into", "to", "in", "on", "by", "than",
                  "over", "more", "less", "about", "across", "up", "nearly", "almost", "around"}
# words that open a phrase before a sentence's subject ("In the Lingang area, ...")
LEAD_IN = re.compile(r"(?:for\s+example|for\s+instance|in\s+addition|meanwhile|also|moreover|"
                     r"besides|specifically|in|at|on|since|during|over|after|under|through|"
                     r"according\s+to|as\s+of|by)\b", re.I)
# subjects that point back to a zone named in the sentence before
ANAPHORS = re.compile(r"^(?:it|they|both|the\s+two\s+zones|both\s+zones|the\s+zone|this\s+zone|"
                      r"the\s+area|this\s+area|the\s+new\s+area|the\s+special\s+area|the\s+port|"
                      r"the\s+city|the\s+province)\b", re.I)
# "Multiple pilot free trade zones have ...": zones the source counts but does not name
QUANTIFIER = r"(?:multiple|several|many|some|a\s+number\s+of|various|numerous|a\s+few|most|all)"

# Words that say how much or how well, not what: an object made only of them names no measure.
GENERIC = set("""development high-quality quality progress result results achievement
achievements role roles effort efforts work level levels growth momentum advantage advantages
vitality potential opening opening-up reform reforms innovation innovations experience
experiences idea ideas way ways new important remarkable significant positive steady good
great better further more active actively important fully effectively continuously
comprehensive overall various relevant related areas aspects field fields measure measures
innovative institutional firsts first
policy policies task tasks goal goals situation trend trends system systems mechanism
mechanisms""".split())

# Where a title stops: a clause that says what the measure led to or how it works.
TITLE_STOPS = re.compile(
    r",|;|\s+so\s+that\b|\s+so\s+as\b|\s+in\s+order\s+to\b|\s+which\b|\s+that\s+(?!is\b)|"
    r"\s+while\b|\s+whereby\b|\s+under\s+which\b|\s+thereby\b|\s+through\s+which\b")
PURPOSE = re.compile(r"\s+to\s+([a-z]+)\b")

# Chinese: verbs of doing, of planning, and of figures
ZH_ACT = re.compile(r"(实施|推出|开展|建立|设立|探索|推动|出台|启动|实行|试点|上线|创新|打造|构建|"
                    r"发布|印发|扩大|简化|优化|开通|开设|搭建|引入|落地|率先|推行|首创|建成)")
ZH_PLAN = re.compile(r"(将|拟|计划|下一步|下阶段)")
ZH_STAT = re.compile(r"(同比|增长|下降|达到|占比|占全国|亿元|万亿)")
ZH_QUANTIFIER = re.compile(r"^(?:多个|部分|一些|多家|各)")


def verb_forms() -> dict[str, tuple[str, str]]:
    """Every inflected form -> (lemma, class); phrasal verbs keyed by their first word's form
    with the particle kept in the lemma ("set-up")."""
    forms: dict[str, tuple[str, str]] = {}
    for kind, lemmas in (("stat", STAT), ("weak", WEAK), ("change", CHANGE), ("make", MAKE)):
        for lemma in lemmas:
            head, _, particle = lemma.partition("-")
            for form in _inflect(head):
                key = f"{form} {particle.replace('-', ' ')}".strip()
                forms[key] = (lemma, kind)
    return forms


def _inflect(verb: str) -> set[str]:
    out = {verb}
    if verb.endswith("e"):
        out |= {verb + "s", verb + "d", verb[:-1] + "ing"}
    elif verb.endswith("y") and verb[-2] not in "aeiou":
        out |= {verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    elif re.search(r"(?:s|sh|ch|x|z)$", verb):
        out |= {verb + "es", verb + "ed", verb + "ing"}
    else:
        # "piloted" but "permitted": both spellings, rather than rules of stress
        out |= {verb + "s", verb + "ed", verb + "ing", verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    out |= set(IRREGULAR.get(verb, []))
    return out
