"""FTZ knowledge base core: parse and validate measure records, build and search the index."""

__version__ = "0.1.0"
