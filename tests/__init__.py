"""Tests of the FTZ knowledge base."""
