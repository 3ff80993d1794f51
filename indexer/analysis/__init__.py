"""Analysis: text read the same way for indexing, querying and drafting (normalisation, segmentation, stemming)."""
