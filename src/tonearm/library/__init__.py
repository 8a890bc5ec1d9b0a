"""Music library: artists, albums, tracks, uploads, folder scan, search."""
