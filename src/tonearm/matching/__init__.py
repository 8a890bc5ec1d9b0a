"""Matching: which track an entry (a playlist line, a service's item) means, and why.

Pure and benchmarkable: normalisation, scoring and the engine know no database and no
playlist; catalogs (the user's library, later streaming services) give the candidates.
"""

from tonearm.matching.catalog import Catalog, CatalogTrack, Found, Known, MemoryCatalog, Query
from tonearm.matching.engine import Candidate, Match, Matcher, Policy
from tonearm.matching.entry import Entry
from tonearm.matching.keys import entry_key

__all__ = [
    "Candidate",
    "Catalog",
    "CatalogTrack",
    "Entry",
    "Found",
    "Known",
    "Match",
    "Matcher",
    "MemoryCatalog",
    "Policy",
    "Query",
    "entry_key",
]
