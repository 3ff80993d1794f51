"""The records' vocabularies: the values a status, a lineage scope, a kind of source and an
issuer of batches may take. The record schema (schema.py) checks records against them; they
are here, without pydantic, so that what only names them (the facets of `ftz`'s options,
indexer/facets.py) does not import the models: `ftz index` starts its scan of the folder
before it imports them (folderscan.Prescan)."""

STATUSES = ("piloted", "replicated", "nationwide")
# How far a measure has spread beyond its pilot, one lineage step at a time.
SCOPES = ("province", "national", "best-practice-case")
# A held source's text is kept in the project (records quote it); a cited source is a public
# page the project may not copy: it holds a description in our words and the page's URL.
SOURCE_KINDS = ("held", "cited")
# Who issues batches of pilot experiences to replicate, the lineage scope a batch of each
# gives its records, and the prefix of its batch ids (state-council-7, mofcom-cases-6).
ISSUERS = {
    "state-council": {"scope": "national", "prefix": "state-council",
                      "name": "State Council", "name_zh": "国务院"},
    "mofcom": {"scope": "best-practice-case", "prefix": "mofcom-cases",
               "name": "Ministry of Commerce", "name_zh": "商务部"},
}
# Where a batch item is to be replicated: everywhere, or in the areas the batch names.
ITEM_SCOPES = ("nationwide", "areas")
