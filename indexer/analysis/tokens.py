"""The Token the project's tokenizers (analyser.MixedTokenizer, bigrams.BigramTokenizer) fill in
and yield, and the one-term answer Whoosh asks for with tokenize=False."""

from __future__ import annotations

from whoosh.analysis import Token


def new_token(positions, chars, removestops, mode, **kwargs) -> Token:
    """One Token, reused for every term a call yields (as Whoosh's own tokenizers do)."""
    token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
    token.boost, token.stopped, token.whole = 1.0, False, True
    return token


def whole_value(token: Token, value: str, positions, chars, start_pos, start_char) -> Token:
    """tokenize=False: the whole value is the one term."""
    token.original = token.text = value
    if positions:
        token.pos = start_pos
    if chars:
        token.startchar, token.endchar = start_char, start_char + len(value)
    return token
