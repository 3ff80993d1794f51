"""The engine: index schema, codec, postings, segments, evaluation, scoring, generations, the store and builds."""
