"""The grammar the drafter reads a briefing with: which words act, plan, count or say little.

These are words of the language, not of the policy domain: what counts as a zone comes from
zones.yaml and places.yaml, and what marks a pillar is learned from the records.
"""

from __future__ import annotations

import re

# The function words of English: a closed class of the grammar, which the drafter reads a
# sentence's structure with. Open-class words (nouns, verbs, adjectives) come from the lexicon
# (wordclass.py); no verb is named here.
AUX_BE = {"is", "are", "was", "were", "be", "been", "being", "am"}
AUX_HAVE = {"has", "have", "had", "having"}
AUX_DO = {"do", "does", "did"}
AUXILIARIES = AUX_BE | AUX_HAVE | AUX_DO
MODALS = {"will", "would", "shall", "should", "can", "could", "may", "might", "must"}
PAST_AUX = {"was", "were", "been", "had", "has", "have", "did"}
PREPOSITIONS = set("""in at on from with for by into onto across along through under over
between among within without via per after before since during toward towards about around
beyond against upon throughout amid near than like off including such despite except""".split())
CONJUNCTIONS = {"and", "or", "but", "nor", "plus"}
SUBORDINATORS = {"that", "which", "who", "whom", "whose", "where", "when", "while", "whereas",
                 "because", "as", "if", "although", "though", "whereby", "so", "unless", "whether"}
# the linking verbs, which like "is" say what something is ("has become a gateway"): a closed
# class of the grammar, like the auxiliaries
LINKING_VERBS = {"become", "remain", "seem", "appear"}
RELATIVES = {"which", "who", "whom", "whose", "that", "where"}
# nouns that only carry an aim ("took the lead in launching", "took steps to cut")
AIM_NOUNS = {"lead", "steps", "step", "initiative", "move", "moves", "efforts", "effort", "action"}
# quantifiers that float after a plural subject ("the two zones each attracted", "together")
FLOATING = {"each", "both", "all", "together", "jointly"}
PRONOUNS = {"it", "they", "we", "he", "she", "i", "you", "them", "us", "him", "one"}
NUMBER_WORDS = set("""one two three four five six seven eight nine ten eleven twelve twenty
thirty forty fifty hundred hundreds thousand thousands million millions billion billions
trillion dozens""".split())
# adverbs that stand before a verb ("now passes", "has jointly launched"); -ly adverbs and
# the lexicon's other adverbs are found without a list
ADVERBS = {"now", "also", "already", "further", "still", "first", "newly", "then", "again",
           "together", "even", "just", "recently", "since", "not", "formally", "officially"}
# Where a result is an amount ("reached 3.2 billion US dollars", "grew by 15.3%"): money, a
# share or a change, not a count of things made ("introduced 22 measures")
AMOUNT = re.compile(r"\d[\d,.]*\s*(?:%|per\s?cent|percentage\s+points?|(?:(?:million|billion|trillion)\s+)?"
                    r"(?:yuan|RMB|US\s+dollars|dollars|euros)|(?:million|billion|trillion)\b)", re.I)
# words before an amount that still make it the verb's complement ("reached over 3 billion")
AMOUNT_LEAD = r"(?:(?:by|to|at|of|for|about|around|nearly|almost|over|more\s+than|up\s+to|some|a\s+total\s+of)\s+)*"
MODAL_PLAN = re.compile(
    r"\b(?:will|shall|should|plans?\s+to|planning\s+to|is\s+going\s+to|are\s+going\s+to|aims?\s+to|"
    r"intends?\s+to|is\s+expected\s+to|are\s+expected\s+to|next\s+step|going\s+forward|"
    r"in\s+the\s+next\s+stage)\b", re.I)
DETERMINERS = {"a", "an", "the", "this", "its", "their", "our", "of", "his", "her",
               "these", "those", "such", "each", "every", "any", "some", "no"}
FUNCTION_WORDS = {"and", "or", "for", "with", "from", "into", "to", "in", "on", "by", "than",
                  "over", "more", "less", "about", "across", "up", "nearly", "almost", "around"}
# words that open a phrase before a sentence's subject ("In the Lingang area, ...")
LEAD_IN = re.compile(r"(?:for\s+example|for\s+instance|in\s+addition|meanwhile|also|moreover|"
                     r"furthermore|besides|specifically|in\s+particular|to\s+date|so\s+far|"
                     r"(?:first|second|third|fourth|fifth|last|next|this)(?:ly)?(?:\s+year)?|finally|"
                     r"in|at|on|since|during|over|after|under|through|according\s+to|as\s+of|by|"
                     r"thanks\s+to|with|\w+ly)\b", re.I)
# subjects that point back to a zone named in the sentence before
ANAPHORS = re.compile(r"^(?:it|they|both|the\s+two\s+zones|both\s+zones|the\s+zone|this\s+zone|"
                      r"the\s+area|this\s+area|the\s+new\s+area|the\s+special\s+area|the\s+port|"
                      r"the\s+city|the\s+province)\b", re.I)
# "Multiple pilot free trade zones have ...": zones the source counts but does not name
QUANTIFIER = r"(?:multiple|several|many|some|a\s+number\s+of|various|numerous|a\s+few|most|all)"

# Occasions: what is held, attended or paid, not put in force: a fair, a forum, a visit. Words
# of the language for gatherings and trips (not of the policy domain); a clause whose subject
# or object is one, or whose verb is the act of one ("visited", "met"), tells of an event in a
# zone, not of a measure.
OCCASIONS = set("""fair fairs expo expos exposition exhibition exhibitions show shows forum forums
summit summits conference conferences symposium symposia seminar seminars workshop workshops
meeting meetings ceremony ceremonies festival festivals roadshow roadshows visit visits tour
tours trip trips delegation delegations reception banquet gala contest contests competition
competitions event events activity activities week weeks session sessions salon salons dialogue
dialogues convention conventions congress gathering gatherings mission missions""".split())
OCCASION_VERBS = {"visit", "tour", "meet", "attend", "gather", "convene", "travel"}

# Words that say how much or how well, not what: an object made only of them names no measure.
GENERIC = set("""development high-quality quality progress result results achievement
achievements role roles effort efforts work level levels growth momentum advantage advantages
vitality potential opening opening-up reform reforms innovation innovations experience
experiences idea ideas way ways new important remarkable significant positive steady good
great better further more active actively important fully effectively continuously
comprehensive overall various relevant related areas aspects field fields measure measures
innovative institutional firsts first
week weeks month months year years day days today yesterday last next recent recently
policy policies task tasks goal goals situation trend trends system systems mechanism
mechanisms""".split())

# Where a title stops: a clause that says what the measure led to or how it works.
TITLE_STOPS = re.compile(
    r",|;|\s+(?:(?:for|in|at|on|to|from|with|by|of|under|through)\s+)?which\b|\s+so\s+that\b|\s+so\s+as\b|\s+in\s+order\s+to\b|\s+which\b|\s+that\s+(?!is\b)|"
    r"\s+while\b|\s+whereby\b|\s+under\s+which\b|\s+thereby\b|\s+through\s+which\b|"
    # when, not what: "in March", "since the pilot began", "last year"; a second predicate
    r"\s+since\b|\s+(?:in|from|by)\s+(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December|(?:19|20)\d\d)\b|\s+(?:last|this|next)\s+(?:year|month|week|quarter|spring|summer|autumn|winter)\b|"
    r"\s+and\s+(?:has|have|had|is|are|was|were)\b")
PURPOSE = re.compile(r"\s+to\s+([a-z]+)\b")

# Chinese: words of planning and of figures (a verb whose complement is a number is found
# by word class, in chinese.py)
ZH_PLAN = re.compile(r"(将|拟|计划|下一步|下阶段)")
ZH_STAT = re.compile(r"(同比|环比|占比|占全国|百分点|亿元|万亿)")
ZH_QUANTIFIER = re.compile(r"^(?:多个|部分|一些|多家|各)")
ZH_COPULA = {"是", "成为", "有", "拥有", "位于", "属于"}
# occasions, as OCCASIONS: the gathering a clause's object names (its last word), or the act of
# holding or paying one
ZH_OCCASION = re.compile(r"(?:博览会|展览会|交易会|洽谈会|推介会|研讨会|座谈会|发布会|展销会|对接会|"
                         r"见面会|年会|论坛|峰会|活动|仪式|展会|会议|考察|调研|访问|代表团|周|节)$")
ZH_OCCASION_VERB = re.compile(r"^(?:举办|举行|召开|承办|主办|考察|访问|出访|会见|会晤|参加|出席|走访)$")


