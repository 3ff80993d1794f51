"""The search facade: the few functions the web app and the CLI call, returning plain data.

One KnowledgeBase per process holds the current index generation (generation.py): its
postings, the document sets of every value of every facet (facets.py; facet counts
are set intersections) and the newest-first order of all measures (for browsing). A search
compiles the query (engine/compiling.py), takes the matches' facets and the top of the ranking
(collect.py) and loads only the shown records. Searches share nothing mutable and take no
lock: threads search in parallel. `refresh()` picks up a new generation.

KnowledgeBase is composed of its rooms: lifecycle.py (opening, refresh, generation pinning),
searching.py (search, export; matching.py runs a page, fallback.py corrects and relaxes,
explanations.py says why a record matched), browsing.py (measures, related, the taxonomy);
results.py holds what they return.
"""

from __future__ import annotations

from indexer.search.browsing import Browsing
from indexer.search.lifecycle import Lifecycle, on_one_generation
from indexer.search.searching import Searching


@on_one_generation
class KnowledgeBase(Lifecycle, Searching, Browsing):
    """Search and browse the published index. Thread-safe; one per process.

    Every public method runs on one index generation from start to end, and so does a
    page: `page()` pins the generation current when it starts for every call this thread
    makes until it ends (a page makes several calls, which must agree). A generation is
    closed when the last call or page using it is done (see Generation's leases)."""
