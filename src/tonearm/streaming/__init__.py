"""Streaming: signed HLS access, progressive audio with Range, live transcodes and their cache."""
