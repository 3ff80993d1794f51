"""The engine: index schema, document entries and posting file, Whoosh quarantined
(whooshfiles/), postings, segments, evaluation and compiling, scoring, generations, the store
and builds."""
