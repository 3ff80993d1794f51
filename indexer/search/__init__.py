"""The search facade: the functions the web app and the CLI call, returning plain data.

KnowledgeBase (facade.py) is composed of the rooms beside it; these are its public names.
"""

from indexer.query.syntax import MAX_QUERY_LENGTH
from indexer.search.facade import KnowledgeBase
from indexer.search.lifecycle import REFRESH_EVERY, TIME_BUDGET
from indexer.search.results import Hit, SearchResult
from indexer.search.searching import MAX_PER_PAGE

__all__ = ["KnowledgeBase", "Hit", "SearchResult", "MAX_PER_PAGE", "MAX_QUERY_LENGTH",
           "REFRESH_EVERY", "TIME_BUDGET"]
