"""How names are folded for search: "Siân" and "sian", "Zoë" and "ZOE" give the same key. Stdlib only.

The ONE place the rule lives: the stored keys (clients/services.set_search_keys), the typed search
text (clients/services.search_query) and the migration that recomputed the keys of existing clients
(0017) all call fold(). Change it here and add a migration that recomputes the keys again.
"""

import unicodedata

# Letters that carry their mark in the letter itself, so decomposition leaves them whole.
_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})


def fold(text: str) -> str:
    """Lower case (casefold: "ß" is "ss"), accents and other marks dropped, special letters spelled out.

    A prefix of a name folds to a prefix of the name's key, so "si" finds "Siân" as "sian" does."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare.translate(_LETTERS))
