"""`ftz draft`: from a held source's text to draft records, checked before they are published.

The source is split into passages and parts (passages, sections), a part takes a pillar from
its opener or the passage from its wording (section_pillars, pillar_model), a clause is a
measure when a zone or a place inside one acts in it and something was done or is in force
(zonefinder, actors, verbs, deeds, wordclass, chinese), the draft gets a title of the
passage's own words (titles) and is compared with the records (overlap); draft and draftfiles
make, write, check and accept the drafts.
"""
