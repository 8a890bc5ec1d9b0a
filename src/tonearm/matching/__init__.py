"""Matching: which track an entry (a playlist line, a service's item) means, and why.

Pure and benchmarkable: normalisation, scoring and the engine know no database and no
playlist; catalogs (the user's library, later streaming services) give the candidates.
"""

from tonearm.matching.entry import Entry

__all__ = ["Entry"]
